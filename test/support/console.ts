// The console in a browser: a page signed in through a one-time link or the sign-in form,
// screenshots at phone and desktop widths, and an axe-core check for serious violations.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshotPath } from './browser.ts';
import type { TestServer } from './server.ts';
import { PASSWORD } from './users.ts';

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 860 };

/** A new browser context at `viewport` whose console errors fail the test that reads `errors`. */
export async function consolePage(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // An API refusal is shown on the page (that is tested); the browser logs it as a failed resource too.
    const apiRefusal = /Failed to load resource/.test(m.text()) && m.location().url.includes('/v1/');
    if (m.type() === 'error' && !apiRefusal) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Accepts a one-time link through its form in the browser: signed in, on the console. */
export async function acceptLinkInBrowser(page: Page, url: string, password = PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByLabel(/New password/).fill(password);
  await page.getByLabel('The same password again').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(/\/console\/?$/);
  await page.getByTestId('shop-name').waitFor();
}

/** Signs in with the console's own form. */
export async function signInInBrowser(page: Page, s: TestServer, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${s.base}/console`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('shop-name').waitFor();
}

/** A full-page screenshot in test-results/screenshots/console-<name>.png. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(`console-${name}`), fullPage: true });
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
