// The service with the test-only probe routes (one of them throws), run as a child process by
// tests that read its log lines (compiled to dist-test/ by `npm test`).
import 'reflect-metadata';
import { runService } from '../../src/bootstrap.js';
import { ProbeModule } from './probe.module.js';

await runService({ api: [ProbeModule] });
