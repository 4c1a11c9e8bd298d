import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { startTestApp, type TestApp } from '../support/app.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import { compileSession } from '../support/contract/compile-session.js';
import { formatRoutes, routeStatuses } from '../support/contract/coverage.js';
import { generateTypes } from '../support/contract/generate-types.js';
import { type ContractDocument, ResponseChecker } from '../support/contract/response-check.js';
import { runSession, type SessionRun } from '../support/contract/run-session.js';
import { JobsService } from '../../src/jobs/jobs.service.js';

const MAX_UPLOAD_BYTES = 16 * 1024;

/**
 * The OpenAPI document is what a client can rely on: a typed program generated from it runs the
 * README's session against the app, and every answer it gets is as the document says.
 */
describe('the OpenAPI document', () => {
  let app: TestApp;
  let document: ContractDocument;
  let dir: string;
  let run: SessionRun | undefined;

  beforeAll(async () => {
    app = await startTestApp({ env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
    document = (await (await fetch(`${app.baseUrl}/docs-json`)).json()) as ContractDocument;
    dir = await mkdtemp(path.join(tmpdir(), 'taskyard-contract-'));
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is valid OpenAPI 3.x', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect((document as { openapi?: string }).openapi).toMatch(/^3\./);
  });

  it('types a client program that runs the README session: it compiles against it', async () => {
    const types = path.join(dir, 'types');
    await mkdir(types);
    await writeFile(path.join(types, 'openapi.d.ts'), await generateTypes(document));
    expect(await compileSession(types, path.join(dir, 'out'))).toEqual([]);
  });

  it('answers that program as documented: status, content type and body', async () => {
    // No route names a job's id: the test makes one, queued far ahead, for the admin job routes.
    const job = await app.app
      .get(JobsService)
      .enqueue({ type: 'contract.probe', queue: 'contract', runAt: new Date('2999-01-01') });
    run = await runSession(path.join(dir, 'out'), {
      TASKYARD_URL: app.baseUrl,
      TASKYARD_ADMIN_KEY: TEST_ADMIN_KEY,
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      CONTRACT_JOB_ID: job.id,
    });
    const checker = new ResponseChecker(document);
    const departures = run.exchanges.flatMap((exchange) =>
      checker
        .problems(exchange)
        .map(
          (problem) =>
            `${exchange.method.toUpperCase()} ${exchange.template} ${exchange.status}: ${problem}`,
        ),
    );
    expect([...new Set(departures)]).toEqual([]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('has every operation under /api/v1 exercised by that program', async () => {
    const routes = routeStatuses(document, run?.exchanges ?? []);
    const list = formatRoutes(routes);
    await mkdir('.test-output', { recursive: true });
    await writeFile(path.join('.test-output', 'openapi-contract-routes.txt'), `${list}\n`);
    console.log(`Operations of /docs-json and the statuses the contract session got:\n${list}`);
    const untried = routes.filter(
      (r) => r.operation.includes(' /api/v1/') && r.statuses.length === 0,
    );
    expect(untried.map((r) => r.operation)).toEqual([]);
  });
});
