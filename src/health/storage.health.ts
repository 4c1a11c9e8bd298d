import { statfs } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { BlobStorage } from '../files/blob-storage.js';

/**
 * The blob store takes a write (a probe file or object, written and deleted), and the disk under
 * DATA_DIR has more than the configured floor free.
 */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly storage: BlobStorage,
  ) {}

  check<const Key extends string>(key: Key) {
    const { dataDir, health } = this.config;
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.storage.probe();
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
