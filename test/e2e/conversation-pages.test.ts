/**
 * Paged conversations in the real renderer (Chromium, browser host): opening a conversation
 * asks the history for its latest page only, each scroll to the top loads the page before,
 * the message being read stays in view, and while an earlier version's history is still being
 * imported the conversation and the search say so. The pages come from a real SQLite history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, PageRequest } from '../../shared/domain';
import { startBrowserHost, type BrowserHost } from '../../host/browser-host';
import { MessageHistory } from '../../core/store/history';
import { launchChromium } from '../support/chromium';
import { FakeBackend, scaleGroups } from '../support/fake-backend';

const root = join(import.meta.dirname, '..', '..');
const groups = scaleGroups(20);
const peer = groups[0].contacts[0].uri;
const TOTAL = 230;
let dir: string;
let history: MessageHistory;
let backend: FakeBackend;
let host: BrowserHost;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const asked: Array<PageRequest | undefined> = [];
const pageErrors: string[] = [];

const message = (i: number): ChatMessage => ({
  id: `m${i}`,
  peer,
  direction: i % 3 ? 'in' : 'out',
  text: `line ${i}${i % 10 === 0 ? '\nwith a second line' : ''}`,
  at: 1_700_000_000_000 + i * 60_000,
  state: i % 3 ? 'received' : 'sent',
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-pages-'));
  history = new MessageHistory(dir, 'alex');
  for (let i = 0; i < TOTAL; i += 1) history.add(message(i));
  backend = new FakeBackend(groups);
  backend.handlers['im:page'] = (uri, request) => {
    asked.push(request);
    return history.page(uri, { limit: 50, ...request });
  };
  host = await startBrowserHost({ backend, info: { host: 'browser', version: 'test' }, staticDir: join(root, 'dist/renderer') });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e.stack).slice(0, 600)));
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  history?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const shown = () => page.locator('[data-testid="conversation"] [data-testid="message"] [data-testid="message-text"]').allTextContents();
const line = (i: number) => message(i).text;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k));

describe('a long conversation', () => {
  it('opens with its latest page only', async () => {
    await page.locator(`[data-testid="contact"][data-uri="${peer}"]`).click();
    await expect.poll(shown).toEqual(range(TOTAL - 50, TOTAL));
    expect(asked).toEqual([{}]);
  });

  it('loads the page before when scrolled to the top, keeping the message read in view', async () => {
    const read = page.locator('[data-testid="message"]', { hasText: line(TOTAL - 50) }).first();
    await page.locator('.messages').evaluate((el) => (el.scrollTop = 0));
    await expect.poll(async () => (await shown()).length).toBe(100);
    expect(await shown()).toEqual(range(TOTAL - 100, TOTAL));
    expect(asked.at(-1)).toEqual({ before: `m${TOTAL - 50}` });
    // The older page went above: the first message of the page read before is still on screen.
    await expect
      .poll(() =>
        read.evaluate((el) => {
          const box = el.closest('.messages')!.getBoundingClientRect();
          const r = el.getBoundingClientRect();
          return r.bottom > box.top && r.top < box.bottom;
        }),
      )
      .toBe(true);
  });

  it('reaches the first message, page by page, each once and in order, then asks no more', async () => {
    for (let n = 0; n < 5 && (await page.locator('[data-testid="older-messages"]').count()) > 0; n += 1) {
      const before = (await shown()).length;
      await page.locator('[data-testid="older-messages"]').click();
      await expect.poll(async () => (await shown()).length).toBeGreaterThan(before);
    }
    expect(await shown()).toEqual(range(0, TOTAL));
    await expect.poll(() => page.locator('[data-testid="older-messages"]').count()).toBe(0);
    const calls = asked.length;
    await page.locator('.messages').evaluate((el) => (el.scrollTop = 0));
    await page.locator('.messages').evaluate((el) => el.dispatchEvent(new Event('scroll')));
    expect(asked.length).toBe(calls);
  });

  it('adds a new message at the end, once', async () => {
    const live: ChatMessage = { ...message(TOTAL), text: 'a live one' };
    history.add(live);
    backend.emit('im:message', live);
    await expect.poll(async () => (await shown()).at(-1)).toBe('a live one');
    expect((await shown()).length).toBe(TOTAL + 1);
  });
});

describe('while an earlier version’s history is imported', () => {
  it('says so in the conversation and in the search, and stops saying so when done', async () => {
    backend.emit('im:history-import', { state: 'importing', percent: 42, messages: 1000 });
    const notice = page.locator('[data-testid="conversation"] [data-testid="history-importing"]');
    await expect.poll(() => notice.textContent()).toMatch(/^Importing earlier history… 42%/);
    await page.locator('[data-testid="tab-history"]').click();
    await expect
      .poll(() => page.locator('.history-search [data-testid="history-importing"]').textContent())
      .toMatch(/42%.*results do not include older messages/);
    backend.emit('im:history-import', { state: 'done', percent: 100, messages: 2000 });
    await expect.poll(() => page.locator('[data-testid="history-importing"]').count()).toBe(0);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
