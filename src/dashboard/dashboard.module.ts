import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';

/** The browser dashboard's files, served by API roles at /dashboard/ (and / leading there). */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
