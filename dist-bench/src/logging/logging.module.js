var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var LoggingModule_1;
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { assignRequestId } from './request-id.js';
const QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];
let LoggingModule = LoggingModule_1 = class LoggingModule {
    static forRoot(rootLogger) {
        return {
            module: LoggingModule_1,
            imports: [
                LoggerModule.forRoot({
                    pinoHttp: {
                        logger: rootLogger,
                        genReqId: assignRequestId,
                        customLogLevel: (_request, response, error) => error || response.statusCode >= 500
                            ? 'error'
                            : response.statusCode >= 400
                                ? 'warn'
                                : 'info',
                        autoLogging: {
                            ignore: (request) => QUIET_ROUTES.includes(request.url?.split('?')[0] ?? ''),
                        },
                        serializers: {
                            req: (request) => ({
                                id: request.id,
                                method: request.method,
                                url: request.url,
                            }),
                        },
                    },
                }),
            ],
        };
    }
};
LoggingModule = LoggingModule_1 = __decorate([
    Module({})
], LoggingModule);
export { LoggingModule };
//# sourceMappingURL=logging.module.js.map