var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var ProblemDetailsFilter_1;
import { Catch } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { toProblem } from './to-problem.js';
let ProblemDetailsFilter = ProblemDetailsFilter_1 = class ProblemDetailsFilter {
    logger;
    constructor(logger) {
        this.logger = logger;
        logger.setContext(ProblemDetailsFilter_1.name);
    }
    catch(error, host) {
        const http = host.switchToHttp();
        const request = http.getRequest();
        const response = http.getResponse();
        const { problem, headers, unexpected } = toProblem(error, request.originalUrl.split('?')[0] ?? '/');
        if (typeof request.id === 'string')
            problem.requestId = request.id;
        if (unexpected)
            this.logger.error({ err: error }, 'request failed unexpectedly');
        if (response.headersSent) {
            response.end();
            return;
        }
        response
            .status(problem.status)
            .set(headers)
            .type('application/problem+json')
            .send(JSON.stringify(problem));
    }
};
ProblemDetailsFilter = ProblemDetailsFilter_1 = __decorate([
    Catch(),
    __metadata("design:paramtypes", [PinoLogger])
], ProblemDetailsFilter);
export { ProblemDetailsFilter };
//# sourceMappingURL=problem-details.filter.js.map