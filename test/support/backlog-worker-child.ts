// The service with the `test.quick` handler only, run as a child process by the backlog test
// (compiled to dist-test/ by `npm test`).
import 'reflect-metadata';
import { runService } from '../../src/bootstrap.js';
import { QuickJobHandlerModule } from './queue-test-handlers.js';

await runService({ providers: [QuickJobHandlerModule] });
