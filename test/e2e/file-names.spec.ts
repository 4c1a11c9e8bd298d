import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { TASKS_PATH } from '../support/tasks.js';

const NAME = '📄 שלום.csv';
const CONTENT = 'a,b\n1,2\n';

/**
 * A multipart body as a client writes it: `disposition` is the part's Content-Disposition
 * parameters after `form-data; name="file"`, in UTF-8 bytes as browsers and curl send them.
 */
function multipart(boundary: string, disposition: string, fields: Record<string, string> = {}) {
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n` +
      `Content-Type: text/csv\r\n\r\n${CONTENT}\r\n--${boundary}--\r\n`,
  );
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.from(parts.join('')),
  };
}

/** As curl -F 'file=@…' sends it. */
const curlLike = (disposition: string, fields?: Record<string, string>) =>
  multipart(`------------------------${randomBytes(8).toString('hex')}`, disposition, fields);

/** As a browser's FormData sends it. */
const browserLike = (disposition: string, fields?: Record<string, string>) =>
  multipart(`----WebKitFormBoundary${randomBytes(8).toString('base64url')}`, disposition, fields);

/** The two names of a Content-Disposition header: `filename*` decoded, and the plain fallback. */
function dispositionNames(header: string) {
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(header)?.[1];
  const plain = /filename=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  return {
    extended: extended === undefined ? undefined : decodeURIComponent(extended),
    plain: plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2],
  };
}

describe('file names in any script survive upload, metadata and download', () => {
  let testApp: TestApp;
  let acme: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { ROLE: 'api' } });
    acme = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  const send = (path: string, form: { contentType: string; body: Buffer }) =>
    request(testApp.baseUrl)
      .post(path)
      .set(bearer(acme))
      .set('Content-Type', form.contentType)
      .send(form.body);

  /** Uploads, then reads the name back from the metadata, the database and the download. */
  async function roundTrip(form: { contentType: string; body: Buffer }) {
    const uploaded = await send('/api/v1/files', form).expect(201);
    const id = uploaded.body.id as string;
    const metadata = await request(testApp.baseUrl)
      .get(`/api/v1/files/${id}`)
      .set(bearer(acme))
      .expect(200);
    const [row] = await testApp.database.query<{ name: string }>(
      'SELECT name FROM files WHERE id = $1',
      [id],
    );
    const download = await request(testApp.baseUrl)
      .get(`/api/v1/files/${id}/content`)
      .set(bearer(acme))
      .expect(200);
    const header = download.headers['content-disposition'] ?? '';
    return {
      uploaded: uploaded.body.name as string,
      metadata: metadata.body.name as string,
      stored: row?.name,
      download: dispositionNames(header),
      header,
    };
  }

  it.each([
    ['curl', curlLike],
    ['a browser', browserLike],
  ])('keeps a UTF-8 name as %s sends it', async (_client, build) => {
    const names = await roundTrip(build(`filename="${NAME}"`));
    expect(names).toMatchObject({
      uploaded: NAME,
      metadata: NAME,
      stored: NAME,
      download: { extended: NAME, plain: '_ ____.csv' },
    });
    // The header itself is ASCII: any client can read it.
    expect(names.header).toMatch(/^[\x20-\x7e]+$/);
  });

  it('prefers filename* (RFC 5987) over the plain filename', async () => {
    const encoded = encodeURIComponent(NAME);
    const names = await roundTrip(curlLike(`filename="fallback.csv"; filename*=UTF-8''${encoded}`));
    expect(names).toMatchObject({ stored: NAME, download: { extended: NAME } });
  });

  it('keeps an accented name, with the accents dropped from the ASCII fallback', async () => {
    const names = await roundTrip(browserLike('filename="café résumé.csv"'));
    expect(names).toMatchObject({
      stored: 'café résumé.csv',
      download: { extended: 'café résumé.csv', plain: 'cafe resume.csv' },
    });
  });

  it('cuts a long name at 255 characters without splitting one', async () => {
    const names = await roundTrip(curlLike(`filename="${'😀'.repeat(300)}.csv"`));
    expect(names.stored).toBe('😀'.repeat(255));
    expect(names.download.extended).toBe('😀'.repeat(255));
  });

  it('keeps the name of a file sent with its task', async () => {
    const created = await send(
      TASKS_PATH,
      browserLike(`filename="${NAME}"`, { type: 'csv.import' }),
    ).expect(202);
    const [row] = await testApp.database.query<{ name: string }>(
      'SELECT f.name FROM tasks t JOIN files f ON f.id = t.input_file_id WHERE t.id = $1',
      [created.body.id],
    );
    expect(row?.name).toBe(NAME);
  });
});
