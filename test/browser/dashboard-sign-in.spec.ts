import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/app.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import {
  describeInBrowser,
  startBrowserTestbed,
  stopBrowserTestbed,
  openPage,
  screenshot,
  signIn,
} from '../support/browser.js';

describeInBrowser('dashboard: signing in, the keyboard, small screens', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, browser } = await startBrowserTestbed());
  });
  afterAll(() => stopBrowserTestbed(app, browser));

  it('refuses an unknown key with a message, and keeps no key', async () => {
    const page = await openPage(browser);
    await page.goto(`${app.baseUrl}/`);
    await page.getByLabel('API key').fill('ty_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /not known|revoked/i);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshot(page, 'sign-in-refused');
    await page.context().close();
  });

  it('signs in once per tab: a reload stays signed in, sign-out forgets the key', async () => {
    const page = await openPage(browser);
    await signIn(page, app.baseUrl, TEST_ADMIN_KEY);
    expect(page.url()).toBe(`${app.baseUrl}/dashboard/`);
    // The live feed says so once its subscription is in place, before any event arrives.
    await page.locator('.feed').filter({ hasText: 'live' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(page.url()).not.toContain(TEST_ADMIN_KEY);
    expect(await page.context().cookies()).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.context().close();
  });

  it('signs in and moves between views from the keyboard alone', async () => {
    const page = await openPage(browser);
    await page.goto(`${app.baseUrl}/`);
    await page.getByLabel('API key').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    await page.keyboard.type(TEST_ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // Tab order: the skip link first, then the brand and the main navigation.
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Skip to content');
    for (let i = 0; i < 10 && (await focusedText(page)) !== 'Queues'; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focusedText(page)).toBe('Queues');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Queues' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/ops/queues');
    await page.context().close();
  });

  it('fits a 390-pixel-wide screen: no view scrolls sideways', async () => {
    const page = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, app.baseUrl, TEST_ADMIN_KEY);
    for (const view of [
      'tasks',
      'submit',
      'ops/queues',
      'ops/failures',
      'ops/stuck',
      'ops/workers',
      'ops/keys',
    ]) {
      await page.goto(`${app.baseUrl}/dashboard/#/${view}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect([view, overflow]).toEqual([view, 0]);
    }
    await page.context().close();
  });
});

function focusedText(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.textContent?.trim());
}

async function expectText(
  locator: import('playwright-core').Locator,
  pattern: RegExp,
): Promise<void> {
  await locator.waitFor();
  expect(await locator.textContent()).toMatch(pattern);
}
