// The service with the test job handlers, run as a child process by the multi-process tests
// (compiled to dist-test/ by `npm test`).
import 'reflect-metadata';
import { runService } from '../../src/bootstrap.js';
import { TestJobHandlersModule } from './test-handlers.js';

await runService({ providers: [TestJobHandlersModule] });
