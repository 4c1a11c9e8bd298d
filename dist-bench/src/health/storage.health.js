var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
let StorageHealthIndicator = class StorageHealthIndicator {
    indicators;
    config;
    constructor(indicators, config) {
        this.indicators = indicators;
        this.config = config;
    }
    check(key) {
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
};
StorageHealthIndicator = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [HealthIndicatorService,
        AppConfig])
], StorageHealthIndicator);
export { StorageHealthIndicator };
//# sourceMappingURL=storage.health.js.map