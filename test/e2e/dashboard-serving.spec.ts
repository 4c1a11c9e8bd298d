import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The bytes as sent: supertest and fetch would decompress them. */
function getRaw(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    }).on('error', reject);
  });
}

/** The dashboard's files as the server sends them: the page, its assets, compression, caching. */
describe('dashboard files', () => {
  let app: TestApp;
  let page: string;
  let script: string;
  let stylesheet: string;

  beforeAll(async () => {
    app = await startTestApp();
    page = (await request(app.baseUrl).get('/dashboard/').expect(200)).text;
    script = /src="(assets\/main-[\w-]+\.js)"/.exec(page)?.[1] ?? '';
    stylesheet = /href="(assets\/styles-[\w-]+\.css)"/.exec(page)?.[1] ?? '';
  });
  afterAll(async () => {
    await app?.close();
  });

  it('leads from / and /dashboard to /dashboard/', async () => {
    const root = await request(app.baseUrl).get('/').expect(302);
    expect(root.headers['location']).toBe('/dashboard/');
    const bare = await request(app.baseUrl).get('/dashboard?x=1').expect(301);
    expect(bare.headers['location']).toBe('/dashboard/');
  });

  it('serves the page uncached, with a strict content security policy', async () => {
    const response = await request(app.baseUrl).get('/dashboard/').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(script).toMatch(/^assets\/main-/);
    expect(stylesheet).toMatch(/^assets\/styles-/);
  });

  it('sends assets compressed as the client accepts, cached for good', async () => {
    const url = `${app.baseUrl}/dashboard/${script}`;
    const plain = await getRaw(url, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toContain('Taskyard');

    const br = await getRaw(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['vary']).toBe('Accept-Encoding');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    const gzip = await getRaw(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await request(app.baseUrl).get(`/dashboard/${script}`).expect(200);
    const etag = first.headers['etag'];
    const again = await request(app.baseUrl).get(`/dashboard/${script}`).set('If-None-Match', etag);
    expect(again.status).toBe(304);
  });

  it('answers an unknown asset with a problem, not the page', async () => {
    const response = await request(app.baseUrl).get('/dashboard/assets/nope.js').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    await request(app.baseUrl).get('/dashboard/assets/..%2Findex.html').expect(404);
  });

  it('ships the first load under 150 KB compressed', async () => {
    let total = 0;
    for (const file of ['', script, stylesheet]) {
      const response = await getRaw(`${app.baseUrl}/dashboard/${file}`, {
        'accept-encoding': 'gzip, deflate, br',
      });
      expect(response.status).toBe(200);
      total += response.body.length;
    }
    expect(total).toBeLessThan(150 * 1024);
  });
});
