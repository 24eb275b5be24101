// Signing in to the console: the first start's invitation accepted through its link, sign
// out, a wrong password, sign in, and a session that expires while the console is open.
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/adapters/clock/clock.ts';
import { useBrowserServer } from '../support/browser.ts';
import { acceptLinkInBrowser, consolePage, DESKTOP, expectAccessible, PHONE, shoot, signInInBrowser } from '../support/console.ts';
import type { TestServer } from '../support/server.ts';
import { DEMO_OWNER } from '../support/users.ts';

let s: TestServer;
let browser: Browser;
const h = useBrowserServer({ env: { SESSION_IDLE_MINUTES: '30' } });
beforeAll(() => {
  ({ s, browser } = h);
});

describe('console sign-in', () => {
  it('serves the console with a strict CSP, never framed', async () => {
    const res = await fetch(`${s.base}/console/orders`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('shows the sign-in page at 360 px and 1280 px, accessible', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const { page, context } = await consolePage(browser, viewport);
      await page.goto(`${s.base}/console/orders`);
      await page.getByRole('heading', { name: 'Sign in to chatcart' }).waitFor();
      await shoot(page, `login-${viewport.width}`);
      await expectAccessible(page, `sign-in at ${viewport.width} px`);
      await context.close();
    }
  });

  it('accepts the invitation link, signs out, refuses a wrong password, signs in, and notices an expired session', async () => {
    const { page, context, errors } = await consolePage(browser);
    await acceptLinkInBrowser(page, s.demo!.consoleLink);
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('owner');

    await page.getByTestId('sign-out').click();
    await page.getByRole('heading', { name: 'Sign in to chatcart' }).waitFor();

    await page.getByLabel('Email').fill(DEMO_OWNER);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The email or password is wrong');

    await signInInBrowser(page, s, DEMO_OWNER);
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();

    // 31 minutes unused: the next poll gets 401 and the sign-in page comes back with a note.
    (s.ctx.clock as ManualClock).advance(31 * 60_000);
    await page.getByTestId('session-ended').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('heading', { name: 'Sign in to chatcart' }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  // After the invitation test (the demo owner has a password then).
  it('works with the keyboard alone, focus visible', async () => {
    const { page, context } = await consolePage(browser);
    await page.goto(`${s.base}/console`);
    await page.getByRole('heading', { name: 'Sign in to chatcart' }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_OWNER);
    await page.keyboard.press('Tab');
    await page.keyboard.type('correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.getByTestId('shop-name').waitFor();
    // The first Tab reaches the skip link, shown while focused; then the menu, each with an outline.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement && el.getBoundingClientRect().left >= 0)).toBe(true);
    await page.keyboard.press('Tab'); // Sign out
    await page.keyboard.press('Tab'); // Today
    await page.keyboard.press('Tab'); // Inbox
    await page.keyboard.press('Tab'); // Orders
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { tag: el.tagName, style: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth };
    });
    expect(outline.tag).toBe('A');
    expect(outline.style).toBe('solid');
    expect(outline.width).toBe('3px');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/orders$/);
    await context.close();
  });
});
