// The service with the test job handlers and the recording ones, run as a child process by the
// queue's multi-process tests (compiled to dist-test/ by `npm test`).
import 'reflect-metadata';
import { runService } from '../../src/bootstrap.js';
import { RecordingJobHandlersModule } from './queue-test-handlers.js';
import { TestJobHandlersModule } from './test-handlers.js';

await runService({ providers: [TestJobHandlersModule, RecordingJobHandlersModule] });
