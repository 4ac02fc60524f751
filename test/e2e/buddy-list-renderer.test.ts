/**
 * The real renderer in Chromium with 5,000 contacts from a test backend that sends the
 * presence events itself: the loading indicator, number search, the phone mark, and that a
 * presence change re-renders only the row of the contact it is about.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../host/browser-host';
import { launchChromium } from '../support/chromium';
import { FakeBackend, presence, scaleGroups } from '../support/fake-backend';
import { RENDER_PROBE } from '../support/render-probe';

const root = join(import.meta.dirname, '..', '..');
const groups = scaleGroups(5000);
const everyone = groups.flatMap((g) => g.contacts);
let backend: FakeBackend;
let host: BrowserHost;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  backend = new FakeBackend(groups);
  host = await startBrowserHost({ backend, info: { host: 'browser', version: 'test' }, staticDir: join(root, 'dist/renderer') });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e.stack).slice(0, 600)));
  await page.addInitScript(RENDER_PROBE);
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

const rowCount = () => page.locator('[role="treeitem"]').count();

describe('buddy list renderer at 5,000 contacts', () => {
  it('shows the list at once with presence loading progress, then hides the progress when all have answered', async () => {
    await page.locator('[data-testid="presence-loading"]', { hasText: 'Loading presence… 0 of 5000' }).waitFor();
    await page.locator('[data-testid="contact"]').first().waitFor();
    expect(await rowCount()).toBeGreaterThan(5);
    expect(await rowCount()).toBeLessThan(200);

    const half = everyone.slice(0, 2500).map((c) => ({ uri: c.uri, presence: presence('offline') }));
    backend.emit('presence:changed', half);
    await page.locator('[data-testid="presence-loading"]', { hasText: 'Loading presence… 2500 of 5000' }).waitFor();
    backend.emit(
      'presence:changed',
      everyone.slice(2500).map((c) => ({ uri: c.uri, presence: presence('offline') })),
    );
    await page.locator('[data-testid="presence-loading"]').waitFor({ state: 'detached' });
  });

  it('finds a contact by number, whatever the spacing typed', async () => {
    const target = everyone[4320];
    expect(target.numbers).toEqual(['+1 650 554 4321']);
    for (const q of ['650 554 4321', '6505544321', '+1 (650) 554-4321']) {
      await page.fill('[data-testid="search"]', q);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length === 1);
      await expect(page.locator('[data-testid="contact"]').getAttribute('data-uri')).resolves.toBe(target.uri);
    }
    await page.fill('[data-testid="search"]', '');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length > 1);
  });

  it('re-renders only the row of the contact whose presence changed', async () => {
    const first = page.locator('[data-testid="contact"]').first();
    const uri = (await first.getAttribute('data-uri'))!;
    const hidden = everyone.at(-1)!.uri; // far below the visible rows
    backend.emit('presence:changed', [{ uri, presence: presence('available', 'Here') }]);
    await page.locator(`[data-testid="contact"][data-uri="${uri}"][data-availability="available"]`).waitFor();

    await page.evaluate(() => (window as unknown as { __resetRowRenders(): void }).__resetRowRenders());
    backend.emit('presence:changed', [
      { uri, presence: presence('busy', 'In a meeting') },
      { uri: hidden, presence: presence('away', 'Lunch') },
    ]);
    await page.locator(`[data-testid="contact"][data-uri="${uri}"][data-availability="busy"]`).waitFor();
    await expect(page.locator(`[data-testid="contact"][data-uri="${uri}"] [data-testid="contact-note"]`).textContent()).resolves.toBe('In a meeting');
    const rendered = await page.evaluate(() => (window as unknown as { __rowRenders: string[] }).__rowRenders);
    expect(rendered).toEqual([uri]);
  });

  it('shows who is on the phone, with the phone mark and the group counting them online', async () => {
    const second = page.locator('[data-testid="contact"]').nth(1);
    const uri = (await second.getAttribute('data-uri'))!;
    const group = groups.find((g) => g.contacts.some((c) => c.uri === uri))!.name;
    const count = page.locator(`[data-testid="group"][data-name="${group}"] [data-testid="group-count"]`);
    const online = Number((await count.textContent())!.split('/')[0]);
    expect(await page.locator(`[data-testid="contact"][data-uri="${uri}"] [data-testid="on-phone"]`).count()).toBe(0);
    backend.emit('presence:changed', [{ uri, presence: presence('on-the-phone') }]);
    await page.locator(`[data-testid="contact"][data-uri="${uri}"][data-availability="on-the-phone"] [data-testid="on-phone"]`).waitFor();
    await expect(page.locator(`[data-testid="contact"][data-uri="${uri}"] [data-testid="contact-note"]`).textContent()).resolves.toBe('On the phone');
    await expect.poll(() => count.textContent()).toBe(`${online + 1}/${groups.find((g) => g.name === group)!.contacts.length}`);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
