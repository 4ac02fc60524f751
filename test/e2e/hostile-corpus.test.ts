/**
 * The hostile IM and note corpus (test/support/hostile-corpus.ts) in the real renderer
 * (Chromium, browser host): every IM and every presence note is shown as exactly the text
 * sent, and nothing in it becomes an element, an event handler, an unsafe link or a script
 * that runs. The fast case of the reliability suite's `hostile` part, which sends the same
 * corpus through the real lab.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Presence } from '../../shared/domain';
import { startBrowserHost, type BrowserHost } from '../../host/browser-host';
import { launchChromium } from '../support/chromium';
import { FakeBackend, presence, scaleGroups } from '../support/fake-backend';
import { HOSTILE_IM_ONLY, HOSTILE_TEXTS, inertness } from '../support/hostile-corpus';

const root = join(import.meta.dirname, '..', '..');
const IMS = [...HOSTILE_TEXTS, ...HOSTILE_IM_ONLY];
const groups = scaleGroups(HOSTILE_TEXTS.length + 1);
const contacts = groups.flatMap((g) => g.contacts);
const talker = contacts.at(-1)!.uri;
/** Contact i carries note i; the first half from the first frame, the rest as presence events. */
const noteOf = new Map(HOSTILE_TEXTS.map((note, i) => [contacts[i].uri, note]));
const half = Math.floor(HOSTILE_TEXTS.length / 2);
let backend: FakeBackend;
let host: BrowserHost;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const pageErrors: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  const first: Record<string, Presence> = {};
  for (const [uri, note] of [...noteOf].slice(0, half)) first[uri] = presence('busy', note);
  backend = new FakeBackend(groups, first);
  host = await startBrowserHost({ backend, info: { host: 'browser', version: 'test' }, staticDir: join(root, 'dist/renderer') });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e.stack).slice(0, 600)));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(host.url);
  await page.locator('[data-testid="contact"]').first().waitFor();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('the hostile corpus in the renderer', () => {
  it('shows every IM, both ways, exactly as sent, and inert', async () => {
    backend.emit('app:open', { kind: 'chat', uri: talker });
    const conversation = `[data-testid="conversation"][data-peer="${talker}"]`;
    await page.locator(conversation).waitFor();
    IMS.forEach((text, i) => {
      const message: ChatMessage = { id: `h${i}`, peer: talker, direction: i % 2 ? 'out' : 'in', text, at: Date.now() + i, state: i % 2 ? 'sent' : 'received' };
      backend.emit('im:message', message);
    });
    const shown = page.locator(`${conversation} [data-testid="message"] [data-testid="message-text"]`);
    await expect.poll(() => shown.count()).toBe(IMS.length);
    expect(await shown.allTextContents()).toEqual(IMS);
    expect(await inertness(page, `${conversation} .messages`)).toEqual({ elements: 0, handlers: 0, unsafeLinks: [], pwned: undefined });
  });

  it('shows every presence note exactly as set, in the buddy list and the conversation header, inert', async () => {
    backend.emit(
      'presence:changed',
      [...noteOf].slice(half).map(([uri, note]) => ({ uri, presence: presence('away', note) })),
    );
    for (const [uri, note] of noteOf) {
      backend.emit('app:open', { kind: 'chat', uri });
      const header = page.locator(`[data-testid="conversation"][data-peer="${uri}"] header .subtle`);
      await expect.poll(() => header.textContent()).toBe(note);
      expect(await inertness(page, `[data-testid="conversation"][data-peer="${uri}"] header`)).toEqual({
        elements: 0,
        handlers: 0,
        unsafeLinks: [],
        pwned: undefined,
      });
    }
    // The rows drawn (the list draws only those in view) carry their contact's note as text.
    const rows = await page
      .locator('[data-testid="contact"]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('data-uri'), el.querySelector('[data-testid="contact-note"]')?.textContent ?? null]));
    const withNotes = rows.filter(([uri]) => noteOf.has(uri!));
    expect(withNotes.length).toBeGreaterThan(5);
    for (const [uri, text] of withNotes) expect(text, uri!).toBe(noteOf.get(uri!));
    expect(await inertness(page, '[data-testid="contact"]')).toEqual({ elements: 0, handlers: 0, unsafeLinks: [], pwned: undefined });
  });

  it('ran no script, opened no dialog, and stayed on its page', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(new URL(page.url()).origin).toBe(host.origin);
  });
});
