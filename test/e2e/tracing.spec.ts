import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTask, TASKS_PATH, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const DELIVER_RUN = 'job.run taskyard.webhooks.deliver';

/** The stored traceparent of a task's job. */
async function traceParentOf(t: TestApp, taskId: string): Promise<string | null> {
  const [row] = await t.database.query<{ trace_parent: string | null }>(
    `SELECT j.trace_parent FROM jobs j JOIN tasks t ON t.job_id = j.id
     WHERE t.id = $1`,
    [taskId],
  );
  return row?.trace_parent ?? null;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe('traces (OpenTelemetry)', () => {
  describe('with an exporter', () => {
    const exporter = new InMemorySpanExporter();
    const receiver = new WebhookReceiver();
    let t: TestApp;
    let key: string;

    beforeAll(async () => {
      t = await startTestApp({
        env: {
          WEBHOOKS_ALLOW_PRIVATE: 'true',
          JOBS_BACKOFF_BASE_MS: '100',
          JOBS_BACKOFF_MAX_MS: '200',
        },
        traceExporter: exporter,
      });
      await receiver.listen();
      key = await createUserKey(t.baseUrl, 'traced');
      await request(t.baseUrl)
        .post('/api/v1/webhooks')
        .set(bearer(key))
        .send({ url: receiver.url(), events: ['task.succeeded'] })
        .expect(201);
    });

    afterAll(async () => {
      await t?.close();
      await receiver.close();
    });

    it('follows a task from its create request through its job and processor to its webhook deliveries, as one trace', async () => {
      // The first delivery fails: its span says so, and the retry is a span of the same trace.
      receiver.answer = (n) => (n === 1 ? 500 : 200);
      const task = await createTask(t.baseUrl, key, { type: 'echo', payload: { hello: 'trace' } });
      await waitFor('the second delivery', () => receiver.received.length >= 2);
      const spans = await waitFor('the spans of both deliveries', () => {
        const ended = exporter.getFinishedSpans();
        return ended.filter((s) => s.name === DELIVER_RUN).length >= 2 && ended;
      });

      const named = (name: string): ReadableSpan[] => spans.filter((s) => s.name === name);
      const one = (name: string): ReadableSpan => {
        const found = named(name);
        expect([name, found.length]).toEqual([name, 1]);
        return found[0];
      };

      const post = one('POST /api/v1/tasks');
      const enqueue = one('task.enqueue');
      const run = one('job.run task:echo');
      const processor = one('processor echo');
      const fanout = one('job.run taskyard.webhooks.fanout');
      const deliverRuns = named(DELIVER_RUN).sort(
        (a, b) =>
          Number(a.attributes['taskyard.job.attempt']) -
          Number(b.attributes['taskyard.job.attempt']),
      );
      const deliveries = named('webhook.deliver').sort(
        (a, b) =>
          Number(a.attributes['taskyard.task.attempt']) -
          Number(b.attributes['taskyard.task.attempt']),
      );

      const traceId = post.spanContext().traceId;
      expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));

      expect(parentOf(post)).toBeUndefined();
      expect(post.kind).toBe(SpanKind.SERVER);
      expect(post.attributes['http.response.status_code']).toBe(202);

      expect(parentOf(enqueue)).toBe(idOf(post));
      const taskAttributes = {
        'taskyard.task.id': task.id,
        'taskyard.task.type': 'echo',
        'taskyard.tenant': 'traced',
      };
      expect(enqueue.attributes).toMatchObject(taskAttributes);
      // What a worker in any process continues: stored with the job.
      expect(await traceParentOf(t, task.id)).toBe(`00-${traceId}-${idOf(enqueue)}-01`);

      expect(parentOf(run)).toBe(idOf(enqueue));
      expect(run.kind).toBe(SpanKind.CONSUMER);
      expect(run.attributes).toMatchObject({
        'taskyard.job.type': 'task:echo',
        'taskyard.job.attempt': 1,
      });
      expect(parentOf(processor)).toBe(idOf(run));
      expect(processor.attributes).toMatchObject({ ...taskAttributes, 'taskyard.task.attempt': 1 });
      expect(processor.status.code).not.toBe(SpanStatusCode.ERROR);

      // The fan-out is queued by a trigger on the task's event; it takes the task job's traceparent.
      expect(parentOf(fanout)).toBe(idOf(enqueue));
      expect(deliverRuns.map(parentOf)).toEqual([idOf(fanout), idOf(fanout)]);
      expect(deliveries.map(parentOf)).toEqual(deliverRuns.map(idOf));
      expect(deliveries.map((s) => s.attributes)).toEqual([
        expect.objectContaining({
          ...taskAttributes,
          'taskyard.task.attempt': 1,
          'http.response.status_code': 500,
        }),
        expect.objectContaining({
          ...taskAttributes,
          'taskyard.task.attempt': 2,
          'http.response.status_code': 200,
        }),
      ]);
      expect(deliveries.map((s) => s.status.code)).toEqual([
        SpanStatusCode.ERROR,
        SpanStatusCode.UNSET,
      ]);
      expect(deliverRuns.map((s) => s.status.code)).toEqual([
        SpanStatusCode.ERROR,
        SpanStatusCode.UNSET,
      ]);
      expect(deliveries[0]?.events.map((e) => e.name)).toEqual(['exception']);
    });

    it('continues a client traceparent in the create request span', async () => {
      exporter.reset();
      const clientTrace = '0af7651916cd43dd8448eb211c80319c';
      const clientSpan = 'b7ad6b7169203331';
      const created = await request(t.baseUrl)
        .post(TASKS_PATH)
        .set(bearer(key))
        .set('traceparent', `00-${clientTrace}-${clientSpan}-01`)
        .send({ type: 'echo', payload: {} })
        .expect(202);
      await waitForTask(t.baseUrl, key, (created.body as { id: string }).id, ['succeeded']);
      const post = await waitFor('the request span', () =>
        exporter.getFinishedSpans().find((s) => s.name === 'POST /api/v1/tasks'),
      );
      expect(post.spanContext().traceId).toBe(clientTrace);
      expect(post.parentSpanContext?.spanId).toBe(clientSpan);
    });
  });

  describe('with an exporter, for a remote worker', () => {
    const exporter = new InMemorySpanExporter();
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ traceExporter: exporter });
    });

    afterAll(async () => {
      await t?.close();
    });

    it("makes the remote worker's claim and complete spans of the task's trace", async () => {
      const user = await createUserKey(t.baseUrl, 'remote');
      const made = await request(t.baseUrl)
        .post('/api/v1/admin/keys')
        .set(ADMIN)
        .send({ tenant: 'remote', name: 'worker-key', role: 'worker' })
        .expect(201);
      const worker = (made.body as { key: string }).key;
      await request(t.baseUrl)
        .put('/api/v1/workers/gpu-1')
        .set(bearer(worker))
        .send({ types: [{ type: 'image.resize', input: 'payload' }] })
        .expect(200);
      const task = await createTask(t.baseUrl, user, { type: 'image.resize', payload: {} });
      const claims = await request(t.baseUrl)
        .post('/api/v1/workers/gpu-1/claims')
        .set(bearer(worker))
        .send({ max: 1 })
        .expect(200);
      const [claimed] = (claims.body as { tasks: { id: string; leaseToken: string }[] }).tasks;
      expect(claimed?.id).toBe(task.id);
      await request(t.baseUrl)
        .post(`${TASKS_PATH}/${task.id}/complete`)
        .set(bearer(worker))
        .send({ leaseToken: claimed?.leaseToken, result: { ok: true } })
        .expect(200);

      const spans = exporter.getFinishedSpans();
      const byName = (name: string) => spans.filter((s) => s.name === name);
      const [enqueue] = byName('task.enqueue');
      const [claim] = byName('task.claim');
      const [complete] = byName('task.complete');
      const enqueueId = enqueue?.spanContext().spanId;
      expect(enqueueId).toBeDefined();
      expect([claim?.parentSpanContext?.spanId, complete?.parentSpanContext?.spanId]).toEqual([
        enqueueId,
        enqueueId,
      ]);
      expect(complete?.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
      expect(claim?.attributes).toMatchObject({
        'taskyard.task.id': task.id,
        'taskyard.task.type': 'image.resize',
        'taskyard.tenant': 'remote',
        'taskyard.task.attempt': 1,
        'taskyard.worker': 'gpu-1',
      });
      expect(complete?.attributes).toMatchObject({
        'taskyard.task.id': task.id,
        'taskyard.task.attempt': 1,
      });
    });
  });

  describe('off (no OTEL_ settings)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });

    afterAll(async () => {
      await t?.close();
    });

    it('registers no tracer provider and stores no traceparent', async () => {
      const key = await createUserKey(t.baseUrl, 'untraced');
      const task = await createTask(t.baseUrl, key, { type: 'echo', payload: {} });
      await waitForTask(t.baseUrl, key, task.id, ['succeeded']);
      const span = trace.getTracer('probe').startSpan('probe');
      expect(span.isRecording()).toBe(false);
      span.end();
      expect(await traceParentOf(t, task.id)).toBeNull();
    });
  });
});
