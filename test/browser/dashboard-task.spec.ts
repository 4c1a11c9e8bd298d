import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { TestApp } from '../support/app.js';
import { ADMIN, createUserKey } from '../support/auth.js';
import {
  describeInBrowser,
  startBrowserTestbed,
  stopBrowserTestbed,
  openPage,
  screenshot,
  signIn,
} from '../support/browser.js';
import { createFileTask, createTask, waitForTask } from '../support/tasks.js';

/** The queue every task's job is in (src/tasks/task-creator.ts TASKS_QUEUE). */
const TASKS_QUEUE = 'tasks';
const CSV = 'city,country,population\nLisbon,PT,545000\nPorto,PT,232000\nOslo,NO,709000\n';
/** Valid UTF-8, then bytes no UTF-8 text has: csv.import fails on them. */
const INVALID_UTF8 = Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xc3, 0x28, 0x0a])]);

/** Waits for the status in the summary of the task's page. */
const statusIs = (page: Page, status: string) =>
  page.locator('.task-summary .status').filter({ hasText: status }).waitFor();

describeInBrowser('dashboard: submitting a task and its page', () => {
  let app: TestApp;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    ({ app, browser } = await startBrowserTestbed({ env: { JOBS_POLL_INTERVAL_MS: '100' } }));
    key = await createUserKey(app.baseUrl, 'acme');
  });
  afterAll(() => stopBrowserTestbed(app, browser));

  const queueAction = (action: 'pause' | 'resume') =>
    request(app.baseUrl)
      .post(`/api/v1/admin/queues/${TASKS_QUEUE}/${action}`)
      .set(ADMIN)
      .expect(200);

  /** A signed-in tab on a task's page. */
  async function openTask(id: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await openPage(browser, viewport);
    await signIn(page, app.baseUrl, key);
    await page.goto(`${app.baseUrl}/dashboard/#/tasks/${id}`);
    await page.getByRole('heading', { name: /^Task / }).waitFor();
    return page;
  }

  async function openSubmit(): Promise<Page> {
    const page = await openPage(browser);
    await signIn(page, app.baseUrl, key);
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: 'Submit a task' }).waitFor();
    return page;
  }

  it('uploads a CSV, follows the task live to succeeded and shows its rows', async () => {
    const page = await openSubmit();
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await page.getByLabel('Task type').selectOption('csv.import');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'cities.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByText('cities.csv').waitFor();
    await page.getByLabel('maxRejectsKept').fill('50');
    await screenshot(page, 'submit');

    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/#\/tasks\/[0-9a-f-]{36}$/);
    await page.waitForFunction(
      () =>
        (document.querySelector('progress[aria-label="Task progress"]') as HTMLProgressElement)
          ?.value === 100,
    );
    await statusIs(page, 'succeeded');
    const rows = page.getByRole('table').filter({ hasText: 'Lisbon' });
    await rows.getByRole('cell', { name: 'Oslo' }).waitFor();
    expect(await rows.getByRole('columnheader').allTextContents()).toEqual([
      'Line',
      'city (text)',
      'country (text)',
      'population (text)',
    ]);
    await page.getByText('cities.csv').waitFor();
    await page.getByRole('list', { name: 'Events' }).getByText('succeeded').waitFor();
    // Followed live: the page never reloaded.
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    const id = page.url().split('/').at(-1) ?? '';
    const stored = await waitForTask(app.baseUrl, key, id);
    expect(stored).toMatchObject({ status: 'succeeded', options: { maxRejectsKept: 50 } });
    await screenshot(page, 'task-page');

    const phone = await openTask(id, { width: 390, height: 844 });
    await phone.getByRole('cell', { name: 'Lisbon' }).waitFor();
    await screenshot(phone, 'task-page-phone');
    await phone.context().close();
    await page.context().close();
  });

  it('shows the upload going out, and cancelling it creates no task', async () => {
    const page = await openSubmit();
    // A slow uplink, so that the upload is still under way when it is cancelled.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 64 * 1024,
    });
    await page.getByLabel('Task type').selectOption('csv.import');
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},row ${i}`).join('\n');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`n,label\n${rows}\n`),
    });
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    await bar.waitFor();
    await page.getByText(/ of [\d.]+ MB sent/).waitFor();
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByRole('status').filter({ hasText: 'Upload cancelled' }).waitFor();
    expect(await bar.count()).toBe(0);
    const list = await request(app.baseUrl)
      .get('/api/v1/tasks?type=csv.import')
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    const names = await Promise.all(
      (list.body as { items: { inputFileId: string }[] }).items.map(async (t) => {
        const file = await request(app.baseUrl)
          .get(`/api/v1/files/${t.inputFileId}`)
          .set('Authorization', `Bearer ${key}`);
        return (file.body as { name: string }).name;
      }),
    );
    expect(names).not.toContain('big.csv');
    expect(page.url()).toMatch(/#\/submit$/);
    await page.context().close();
  });

  it('cancels a running sleep from its page', async () => {
    const task = await createTask(app.baseUrl, key, { type: 'sleep', options: { ms: 60_000 } });
    const page = await openTask(task.id);
    await statusIs(page, 'running');
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel task' }).click();
    await statusIs(page, 'cancelled');
    await page.getByRole('heading', { name: 'Why it stopped' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel task' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    await page.context().close();
  });

  it('says a queued task waits for its paused queue, and runs it once resumed', async () => {
    await queueAction('pause');
    try {
      const task = await createTask(app.baseUrl, key, { type: 'sleep', options: { ms: 200 } });
      const page = await openTask(task.id);
      const why = page.getByRole('region', { name: 'Why is it not running?' });
      await why.getByText(`Its queue "${TASKS_QUEUE}" is paused`).waitFor();
      await statusIs(page, 'queued');
      await screenshot(page, 'task-waiting');
      await queueAction('resume');
      await statusIs(page, 'succeeded');
      expect(await why.count()).toBe(0);
      await page.context().close();
    } finally {
      await queueAction('resume');
    }
  });

  it("checks options in the page, and shows the server's field errors beside their fields", async () => {
    const page = await openSubmit();
    await page.getByLabel('Task type').selectOption('csv.import');
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'cities.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    // Out of the schema's range: the page says so without asking the server.
    await page.getByLabel('maxRejectsKept').fill('100000');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const rejectsField = page.locator('.field').filter({ has: page.getByLabel('maxRejectsKept') });
    await rejectsField.getByText('maxRejectsKept must not be greater than 10000').waitFor();
    await page.getByLabel('maxRejectsKept').fill('10');

    // A column named _line passes the form (a JSON field) but not the server: its 422 names
    // options.columns.0.name, shown beside the columns field.
    await page.getByLabel('columns', { exact: true }).fill('[{"name": "_line"}]');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const columnsField = page
      .locator('.field')
      .filter({ has: page.getByLabel('columns', { exact: true }) });
    await columnsField.getByText(/0\.name: .*_line/).waitFor();
    await page.getByRole('alert').filter({ hasText: 'options.columns.0.name' }).waitFor();
    expect(await rejectsField.locator('.field-errors').count()).toBe(0);
    expect(page.url()).toMatch(/#\/submit$/);
    await page.context().close();
  });

  it('shows why a task failed, and retries it', async () => {
    const task = await createFileTask(app.baseUrl, key, 'csv.import', {
      content: INVALID_UTF8,
      filename: 'broken.csv',
      contentType: 'text/csv',
    });
    await waitForTask(app.baseUrl, key, task.id, ['failed']);
    const page = await openTask(task.id);
    const problem = page.getByRole('region', { name: 'Why it failed' });
    await problem.getByText(/not valid UTF-8/i).waitFor();
    await statusIs(page, 'failed');
    expect(await page.getByRole('button', { name: 'Cancel task' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Retry' }).click();
    // Run again from the start: a retry event, a second start, and failed once more.
    const events = page.getByRole('list', { name: 'Events' });
    await events.getByText('retry requested').waitFor();
    await events.getByText('attempt 1').nth(1).waitFor();
    await statusIs(page, 'failed');
    expect(await events.locator('.event-failed').count()).toBe(2);

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.waitForURL(/#\/tasks$/);
    await request(app.baseUrl)
      .get(`/api/v1/tasks/${task.id}`)
      .set('Authorization', `Bearer ${key}`)
      .expect(404);
    await page.context().close();
  });
});
