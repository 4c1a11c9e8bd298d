var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { runMigrations } from './migrator.js';
let MigrateOnStartup = class MigrateOnStartup {
    config;
    dataSource;
    logger;
    constructor(config, dataSource, logger) {
        this.config = config;
        this.dataSource = dataSource;
        this.logger = logger;
    }
    async onModuleInit() {
        if (!this.config.database.runMigrations)
            return;
        const applied = await runMigrations(this.dataSource);
        if (applied.length > 0) {
            this.logger.info({ migrations: applied.map((m) => m.version) }, 'migrations applied');
        }
    }
};
MigrateOnStartup = __decorate([
    Injectable(),
    __param(2, InjectPinoLogger(MigrateOnStartup.name)),
    __metadata("design:paramtypes", [AppConfig,
        DataSource,
        PinoLogger])
], MigrateOnStartup);
export { MigrateOnStartup };
let DatabaseModule = class DatabaseModule {
};
DatabaseModule = __decorate([
    Module({
        imports: [
            TypeOrmModule.forRootAsync({
                inject: [AppConfig],
                useFactory: (config) => ({
                    ...dataSourceOptions(config),
                    autoLoadEntities: true,
                    retryAttempts: 5,
                    retryDelay: 1000,
                }),
            }),
        ],
        providers: [MigrateOnStartup],
    })
], DatabaseModule);
export { DatabaseModule };
//# sourceMappingURL=database.module.js.map