import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestAppOptions } from './app.js';

/** Debian's chromium package (.ci/run installs it); CHROMIUM_PATH names another binary. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

/** Where the browser tests leave their screenshots (not committed). */
export const SCREENSHOT_DIR = path.resolve('.test-output', 'screenshots');

/**
 * `describe` for browser tests: on a machine without Chromium the blocks are skipped, and the
 * run says so on the console, so that everything else still runs.
 */
export const describeInBrowser = HAS_CHROMIUM ? describe : describe.skip;
if (!HAS_CHROMIUM) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
}

/**
 * Headless Chromium with nothing that reaches the network on its own (this machine has none);
 * --no-sandbox because the tests may run as root.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh tab (own storage) at the desktop size the dashboard is designed for. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

/** Opens the dashboard and signs in with `key` through the form, as a person would. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A browser test file's app and browser, started side by side. */
export async function startBrowserTestbed(
  options: TestAppOptions = {},
): Promise<{ app: TestApp; browser: Browser }> {
  const [app, browser] = await Promise.all([startTestApp(options), launchBrowser()]);
  return { app, browser };
}

export async function stopBrowserTestbed(app?: TestApp, browser?: Browser): Promise<void> {
  await browser?.close();
  await app?.close();
}
