import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ProbeModule } from '../support/probe.module.js';

function countOf(metrics: string, labels: string): number {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`http_request_duration_seconds_count{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('GET /metrics', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ apiModules: [ProbeModule] });
  });
  afterAll(() => testApp.close());

  it('serves process metrics in the Prometheus text format', async () => {
    const response = await request(testApp.baseUrl).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(response.text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('times requests by method, route template and status', async () => {
    const http = request(testApp.baseUrl);
    await http.get('/api/v1/probe/items/1').expect(200);
    await http.get('/api/v1/probe/items/2').expect(200);
    await http.get('/api/v1/probe/items/3').expect(200);
    await http.get('/no/such/route').expect(404);
    await http.post('/api/v1/probe').send({}).expect(422);

    const metrics = (await http.get('/metrics').expect(200)).text;
    expect(countOf(metrics, 'method="GET",route="/api/v1/probe/items/:id",status_code="200"')).toBe(
      3,
    );
    expect(countOf(metrics, 'method="GET",route="(unmatched)",status_code="404"')).toBe(1);
    expect(countOf(metrics, 'method="POST",route="/api/v1/probe",status_code="422"')).toBe(1);
    expect(metrics).not.toContain('/no/such/route');
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="GET"/);
  });
});
