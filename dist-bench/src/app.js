import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { createValidationPipe } from './http/validation.js';
import { requestIdMiddleware } from './logging/request-id.js';
export async function createApp(config, rootLogger, extraModules = {}) {
    const app = await NestFactory.create(AppModule.forRoot(config, rootLogger, extraModules), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.disable('x-powered-by');
    app.use(requestIdMiddleware);
    app.useGlobalPipes(createValidationPipe());
    if (config.docsEnabled && config.runsApi)
        mountOpenApi(app);
    return app;
}
function mountOpenApi(app) {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder()
        .setTitle('Taskyard')
        .setDescription('Task-processing backend: upload task files, follow them live, fetch results.')
        .setVersion('1')
        .addBearerAuth()
        .build());
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
//# sourceMappingURL=app.js.map