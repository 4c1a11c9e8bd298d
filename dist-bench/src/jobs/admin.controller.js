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
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProblemException } from '../http/problem.js';
import { QueueAdminService } from './admin.service.js';
import { JobsService } from './jobs.service.js';
import { QueueNameParam } from './admin.dto.js';
let AdminController = class AdminController {
    admin;
    jobs;
    constructor(admin, jobs) {
        this.admin = admin;
        this.jobs = jobs;
    }
    queues() {
        return this.admin.queues();
    }
    async pause({ name }) {
        return this.admin.setPaused(name, true);
    }
    async resume({ name }) {
        return this.admin.setPaused(name, false);
    }
    async job(id) {
        return (await this.jobs.get(id)) ?? notFound(id);
    }
    async retry(id) {
        const job = await this.jobs.retry(id);
        if (job)
            return job;
        const existing = await this.jobs.get(id);
        if (!existing)
            return notFound(id);
        throw new ProblemException({
            status: 409,
            detail: `Job ${id} is ${existing.status}; only failed or cancelled jobs can be retried`,
        });
    }
    async cancel(id) {
        return (await this.jobs.cancel(id)) ?? notFound(id);
    }
};
__decorate([
    Get('queues'),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Promise)
], AdminController.prototype, "queues", null);
__decorate([
    Post('queues/:name/pause'),
    HttpCode(200),
    __param(0, Param()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [QueueNameParam]),
    __metadata("design:returntype", Promise)
], AdminController.prototype, "pause", null);
__decorate([
    Post('queues/:name/resume'),
    HttpCode(200),
    __param(0, Param()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [QueueNameParam]),
    __metadata("design:returntype", Promise)
], AdminController.prototype, "resume", null);
__decorate([
    Get('jobs/:id'),
    __param(0, Param('id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", Promise)
], AdminController.prototype, "job", null);
__decorate([
    Post('jobs/:id/retry'),
    HttpCode(200),
    __param(0, Param('id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", Promise)
], AdminController.prototype, "retry", null);
__decorate([
    Post('jobs/:id/cancel'),
    HttpCode(200),
    __param(0, Param('id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", Promise)
], AdminController.prototype, "cancel", null);
AdminController = __decorate([
    ApiTags('admin'),
    Controller('admin'),
    __metadata("design:paramtypes", [QueueAdminService,
        JobsService])
], AdminController);
export { AdminController };
function notFound(id) {
    throw new ProblemException({ status: 404, detail: `There is no job ${id}` });
}
//# sourceMappingURL=admin.controller.js.map