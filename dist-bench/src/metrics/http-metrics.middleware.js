var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from './metrics.registry.js';
const UNMATCHED_ROUTE = '(unmatched)';
let HttpMetricsMiddleware = class HttpMetricsMiddleware {
    metrics;
    constructor(metrics) {
        this.metrics = metrics;
    }
    use(request, response, next) {
        const stopTimer = this.metrics.httpRequestDuration.startTimer();
        response.once('finish', () => {
            const template = request.route?.path;
            const route = template && !template.includes('*') ? template : UNMATCHED_ROUTE;
            stopTimer({ method: request.method, route, status_code: String(response.statusCode) });
        });
        next();
    }
};
HttpMetricsMiddleware = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [MetricsRegistry])
], HttpMetricsMiddleware);
export { HttpMetricsMiddleware };
//# sourceMappingURL=http-metrics.middleware.js.map