import { rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';

/** DATA_DIR accepts a write, and the disk under it has more than the configured floor free. */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
  ) {}

  check<const Key extends string>(key: Key) {
    const { dataDir, health } = this.config;
    return this.indicators
      .check(key)
      .attempt(async () => {
        const probe = path.join(dataDir, `.ready-probe-${process.pid}`);
        await writeFile(probe, 'ok');
        await rm(probe);
        const disk = await statfs(dataDir);
        const freeBytes = disk.bavail * disk.bsize;
        if (freeBytes < health.minFreeDiskBytes) {
          throw new Error(`${freeBytes} bytes free, below the floor of ${health.minFreeDiskBytes}`);
        }
        return { freeBytes };
      })
      .withTimeout(health.checkTimeoutMs);
  }
}
