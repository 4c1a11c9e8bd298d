import type { Browser, Locator, Page } from 'playwright-core';
import request from 'supertest';
import type { TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import {
  describeInBrowser,
  startBrowserTestbed,
  stopBrowserTestbed,
  openPage,
  screenshot,
  signIn,
} from '../support/browser.js';
import { createFileTask, createTask, TASKS_PATH, waitForTask } from '../support/tasks.js';

/** A row of the list, found by the short id it shows. */
const rowOf = (page: Page, id: string): Locator =>
  page.getByRole('row').filter({ hasText: id.slice(0, 8) });

describeInBrowser('dashboard: the tasks list', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, browser } = await startBrowserTestbed());
  });
  afterAll(() => stopBrowserTestbed(app, browser));

  async function openList(tenant: string): Promise<{ page: Page; key: string }> {
    const key = await createUserKey(app.baseUrl, tenant);
    const page = await openPage(browser);
    await signIn(page, app.baseUrl, key);
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    return { page, key };
  }

  it('shows a task created over REST by another client live, and its status change, without reload', async () => {
    const { page, key } = await openList('live');
    await page.getByText('No tasks yet.').waitFor();
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    const task = await createTask(app.baseUrl, key, { type: 'sleep', options: { ms: 1500 } });
    const row = rowOf(page, task.id);
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('sleep');
    await row.filter({ hasText: 'succeeded' }).waitFor();
    expect(await row.getByRole('progressbar').getAttribute('value')).toBe('100');
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
    await page.context().close();
  });

  it("gives a user key no admin navigation and none of another tenant's tasks, live or not", async () => {
    const otherKey = await createUserKey(app.baseUrl, 'globex');
    const hidden = await createTask(app.baseUrl, otherKey, { type: 'echo', payload: 1 });
    const { page, key } = await openList('acme');

    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    expect(await links.allTextContents()).toEqual(['Tasks', 'Submit']);
    await page.goto(`${app.baseUrl}/dashboard/#/ops/queues`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.goto(`${app.baseUrl}/dashboard/#/tasks`);
    await page.getByText('No tasks yet.').waitFor();

    // Another tenant's new task, then one of our own: once ours shows, theirs has been passed over.
    const hiddenLive = await createTask(app.baseUrl, otherKey, { type: 'echo', payload: 2 });
    const own = await createTask(app.baseUrl, key, { type: 'echo', payload: 3 });
    await rowOf(page, own.id).filter({ hasText: 'succeeded' }).waitFor();
    await waitForTask(app.baseUrl, otherKey, hiddenLive.id);
    const text = await page.getByRole('table').textContent();
    expect(text).not.toContain(hidden.id.slice(0, 8));
    expect(text).not.toContain(hiddenLive.id.slice(0, 8));
    expect(await page.getByRole('row').count()).toBe(2);
    await page.context().close();
  });

  it('filters by status in the URL and pages back to older tasks with Next and Previous', async () => {
    const key = await createUserKey(app.baseUrl, 'paging');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await createTask(app.baseUrl, key, { type: 'echo', payload: i })).id);
    }
    const cancelled = await createTask(app.baseUrl, key, {
      type: 'sleep',
      options: { ms: 60_000 },
    });
    await request(app.baseUrl).post(`${TASKS_PATH}/${cancelled.id}/cancel`).set(bearer(key));
    for (const id of [...ids, cancelled.id]) await waitForTask(app.baseUrl, key, id);

    const page = await openPage(browser);
    await signIn(page, app.baseUrl, key);
    await rowOf(page, ids[11]).waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('cancelled');
    await page.waitForURL(/#\/tasks\?status=cancelled$/);
    await rowOf(page, cancelled.id).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    expect(await page.locator('tbody').textContent()).toContain('cancelled');

    // The filter survives a reload; then succeeded tasks, ten to a page.
    await page.reload();
    await rowOf(page, cancelled.id).waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('succeeded');
    await page.getByLabel('Per page').selectOption('10');
    await page.waitForURL(/#\/tasks\?status=succeeded&limit=10$/);
    await rowOf(page, ids[11]).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10);
    expect(await rowOf(page, ids[0]).count()).toBe(0);

    await page.getByRole('button', { name: 'Next' }).click();
    await rowOf(page, ids[0]).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
    expect(await rowOf(page, ids[1]).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await page.getByText('Page 2').waitFor();

    await page.getByRole('button', { name: 'Previous' }).click();
    await rowOf(page, ids[11]).waitFor();
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await page.context().close();
  });

  it('takes a burst of new tasks with a few requests, not one per event', async () => {
    const { page, key } = await openList('burst');
    await page.getByText('No tasks yet.').waitFor();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith(TASKS_PATH)) requests.push(r.url());
    });
    const tasks = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        createTask(app.baseUrl, key, { type: 'echo', payload: i }),
      ),
    );
    for (const task of tasks) await waitForTask(app.baseUrl, key, task.id);
    const newest = [...tasks].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
    );
    // The first page (20) ends up as the newest tasks, all succeeded.
    await page.waitForFunction(
      (ids) => {
        const rows = [...document.querySelectorAll('tbody tr')];
        return (
          rows.length >= 20 &&
          ids.every((id) => rows.some((row) => row.textContent?.includes(id))) &&
          rows.every((row) => row.textContent?.includes('succeeded'))
        );
      },
      newest.slice(0, 20).map((task) => task.id.slice(0, 8)),
    );
    // 80 tasks make 240 events (created, started, succeeded).
    expect(requests.length).toBeLessThan(40);
    await page.context().close();
  });

  it('opens a task searched by its id; a malformed id and an unknown one say so', async () => {
    const { page, key } = await openList('search');
    const task = await createTask(app.baseUrl, key, { type: 'echo', payload: 'x' });
    const search = page.getByLabel('Task id');

    await search.fill('not-a-task-id');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'is not a task id' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('"not-a-task-id"');

    await search.fill('00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'not found' }).waitFor();

    await search.fill(` ${task.id.toUpperCase()} `);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(`**/dashboard/#/tasks/${task.id}`);
    await page.getByText(task.id).first().waitFor();
    expect(page.url()).toBe(`${app.baseUrl}/dashboard/#/tasks/${task.id}`);
    await page.context().close();
  });

  it('saves screenshots of a list with tasks of several statuses, at desktop and phone sizes', async () => {
    const key = await createUserKey(app.baseUrl, 'shots');
    const done = await createFileTask(app.baseUrl, key, 'csv.import', {
      content: 'id,name,amount\n1,Ada,12.50\n2,Grace,7\n',
      filename: 'orders-2026-11.csv',
      contentType: 'text/csv',
    });
    const echo = await createTask(app.baseUrl, key, { type: 'echo', payload: { hello: 'world' } });
    const cancelled = await createTask(app.baseUrl, key, {
      type: 'sleep',
      options: { ms: 60_000 },
    });
    await request(app.baseUrl).post(`${TASKS_PATH}/${cancelled.id}/cancel`).set(bearer(key));
    for (const id of [done.id, echo.id, cancelled.id]) await waitForTask(app.baseUrl, key, id);
    const running = await createTask(app.baseUrl, key, { type: 'sleep', options: { ms: 40_000 } });

    for (const [name, viewport] of [
      ['tasks-list', { width: 1280, height: 800 }],
      ['tasks-list-phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await openPage(browser, viewport);
      await signIn(page, app.baseUrl, key);
      await rowOf(page, done.id).filter({ hasText: 'orders-2026-11.csv' }).waitFor();
      await rowOf(page, running.id)
        .filter({ hasText: /[1-9]\d* %/ })
        .waitFor();
      expect(await rowOf(page, echo.id).getByRole('cell').nth(2).textContent()).toBe('–');
      await screenshot(page, name);
      await page.context().close();
    }
    await request(app.baseUrl).post(`${TASKS_PATH}/${running.id}/cancel`).set(bearer(key));
  });
});
