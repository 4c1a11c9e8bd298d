import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import {
  describeInBrowser,
  startBrowserTestbed,
  stopBrowserTestbed,
  openPage,
  screenshot,
  signIn,
} from '../support/browser.js';
import { createFileTask, createTask, taskEvents, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

interface Queue {
  name: string;
  paused: boolean;
}

describeInBrowser('dashboard: operations views (admin key)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let acme: string;

  beforeAll(async () => {
    ({ app, browser } = await startBrowserTestbed({ env: { JOBS_POLL_INTERVAL_MS: '100' } }));
    acme = await createUserKey(app.baseUrl, 'acme');
    page = await openPage(browser);
    await signIn(page, app.baseUrl, TEST_ADMIN_KEY);
  });
  afterAll(() => stopBrowserTestbed(app, browser));

  const http = () => request(app.baseUrl);
  const open = async (view: string): Promise<void> => {
    await page.getByRole('link', { name: view[0].toUpperCase() + view.slice(1) }).click();
    expect(page.url()).toContain(`#/ops/${view}`);
  };
  const queueOverApi = async (name: string): Promise<Queue | undefined> =>
    ((await http().get('/api/v1/admin/queues').set(ADMIN).expect(200)).body as Queue[]).find(
      (q) => q.name === name,
    );

  it('pauses and resumes a queue from the page, and charts its last hour', async () => {
    const done = await createTask(app.baseUrl, acme, { type: 'echo', payload: { hello: 1 } });
    await waitForTask(app.baseUrl, acme, done.id, ['succeeded']);
    await open('queues');
    const row = page.getByRole('row', { name: /^tasks\b/ });
    await row.getByText('active').waitFor();
    await row
      .getByRole('img', { name: /Throughput: 1 succeeded in the last hour/ })
      .waitFor({ timeout: 20_000 });
    await row.getByRole('img', { name: /Failure rate: 0 of 1 finished failed/ }).waitFor();

    await row.getByRole('button', { name: 'Pause queue tasks' }).click();
    await row.getByText('paused').waitFor();
    await row.getByRole('button', { name: 'Resume queue tasks' }).waitFor();
    expect((await queueOverApi('tasks'))?.paused).toBe(true);
    await screenshot(page, 'ops-queues');

    const phone = await openPage(browser, { width: 390, height: 844 });
    await signIn(phone, app.baseUrl, TEST_ADMIN_KEY);
    await phone.goto(`${app.baseUrl}/dashboard/#/ops/queues`);
    await phone.getByRole('button', { name: 'Resume queue tasks' }).waitFor();
    await screenshot(phone, 'ops-queues-phone');
    await phone.context().close();

    await row.getByRole('button', { name: 'Resume queue tasks' }).click();
    await row.getByText('active').waitFor();
    expect((await queueOverApi('tasks'))?.paused).toBe(false);
  });

  it("lists this app's own worker process, alive", async () => {
    await open('workers');
    const own = page.getByRole('row', { name: new RegExp(`· ${process.pid}\\b`) });
    await own.waitFor();
    expect(await own.textContent()).toMatch(/alive.*all/);
    await screenshot(page, 'ops-workers');
    await page.getByLabel('Status').selectOption('gone');
    await page.getByText('No worker process gone.').waitFor();
    await page.getByLabel('Status').selectOption('alive');
    await own.waitFor();
  });

  it('creates a key shown once, which works until it is revoked after a confirmation', async () => {
    await open('keys');
    await page.getByLabel('Tenant').fill('ops-test');
    await page.getByLabel('Name').fill('browser-made');
    await page.getByLabel('Role').selectOption('user');
    await page.getByRole('button', { name: 'Create key' }).click();
    const field = page.getByRole('textbox', { name: 'New key' });
    await field.waitFor();
    const key = await field.inputValue();
    expect(key).toMatch(/^ty_/);
    await page.getByText('it will not be shown again').waitFor();
    const me = await http().get('/api/v1/me').set(bearer(key)).expect(200);
    expect(me.body).toMatchObject({ tenant: 'ops-test', role: 'user' });
    await screenshot(page, 'ops-keys');

    await page.getByRole('button', { name: 'Done' }).click();
    await field.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(key);

    const revoke = page.getByRole('button', { name: 'Revoke key browser-made of ops-test' });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this key?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await http().get('/api/v1/me').set(bearer(key)).expect(200);

    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page
      .getByRole('row', { name: /browser-made/ })
      .getByText(/revoked/)
      .waitFor();
    await http().get('/api/v1/me').set(bearer(key)).expect(401);
  });

  it('groups failed tasks by error and retries a group after asking, reporting how many', async () => {
    const broken = { content: 'a,b\n1,2\n', filename: 'broken.csv', contentType: 'text/csv' };
    const options = { columns: [{ name: 'not_in_file', type: 'int' }] };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createFileTask(app.baseUrl, acme, 'csv.import', broken, options)).id);
    }
    for (const id of ids) await waitForTask(app.baseUrl, acme, id, ['failed']);

    await open('failures');
    const group = page.getByRole('row', { name: /not_in_file/ });
    await group.getByRole('cell', { name: '3', exact: true }).waitFor();
    expect(await group.textContent()).toContain('csv.import');
    const sample = group.getByRole('link', { name: /sample task/ });
    expect(ids.map((id) => `#/tasks/${id}`)).toContain(await sample.getAttribute('href'));
    await screenshot(page, 'ops-failures');

    await group.getByRole('button', { name: /^Retry 3 tasks/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Retry 3 tasks?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Retry 3 tasks' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Retried 3 tasks/ })
      .waitFor();
    for (const id of ids) {
      await waitFor(`a retrying event of ${id}`, async () =>
        (await taskEvents(app.baseUrl, acme, id)).some((e) => e.kind === 'retrying'),
      );
    }
  });

  it('discards everything a filter selects after asking, and says when nothing matches', async () => {
    // The retried imports fail again: the file is still broken.
    const group = page.getByRole('row', { name: /not_in_file/ });
    await group.getByRole('cell', { name: '3', exact: true }).waitFor({ timeout: 20_000 });
    const ids = (
      await app.database.query<{ id: string }>(
        `SELECT id FROM tasks WHERE type = 'csv.import' AND status = 'failed'`,
      )
    ).map((r) => r.id);
    expect(ids).toHaveLength(3);

    await page.getByLabel('Type').fill('sleep');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No failed task matches the filter.').waitFor();
    await page.getByLabel('Type').fill('csv.import');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('button', { name: 'Discard all matching' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard 3 tasks?' });
    expect(await dialog.textContent()).toContain('every failed task of type csv.import');
    await dialog.getByRole('button', { name: 'Discard 3 tasks' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Discarded 3 tasks/ })
      .waitFor();
    for (const id of ids) {
      await http().get(`/api/v1/tasks/${id}`).set(bearer(acme)).expect(404);
    }
    await page.getByText('No failed task matches the filter.').waitFor();
  });

  it('flags a job stuck past its time limit', async () => {
    await app.database.query(
      `INSERT INTO jobs (queue, type, status, attempts, timeout_ms, lease_owner, lease_token,
                         started_at, lease_expires_at)
       VALUES ('stuck-test', 'test.stuck', 'running', 1, 1000, 'elsewhere:1:abc', 1,
               now() - interval '2 minutes', now() + interval '10 minutes')`,
    );
    await open('stuck');
    const row = page.getByRole('row', { name: /test\.stuck/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('over time limit');
    expect(await row.textContent()).toContain('stuck-test');
  });
});
