import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
} from '../support/browser.js';

describeInBrowser('dashboard: signing in', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

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
});

async function expectText(
  locator: import('playwright-core').Locator,
  pattern: RegExp,
): Promise<void> {
  await locator.waitFor();
  expect(await locator.textContent()).toMatch(pattern);
}
