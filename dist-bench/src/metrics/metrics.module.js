var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Global, Module } from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics.registry.js';
let MetricsModule = class MetricsModule {
    configure(consumer) {
        consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
    }
};
MetricsModule = __decorate([
    Global(),
    Module({
        controllers: [MetricsController],
        providers: [MetricsRegistry],
        exports: [MetricsRegistry],
    })
], MetricsModule);
export { MetricsModule };
//# sourceMappingURL=metrics.module.js.map