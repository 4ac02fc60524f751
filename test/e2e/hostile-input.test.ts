/**
 * Hostile input end to end: IMs from a colleague and nicknames on the server's contact list
 * that try markup, event handlers, javascript: links, bidi overrides, sheer size and emoji.
 * All of it must arrive as the same text, inert (no element made, no script run, no unsafe
 * link) and readable (isolated bidi, no overflow out of the window).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

const root = join(import.meta.dirname, '..', '..');
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

/** What a hostile peer sends. Each must be shown exactly as sent. */
const HOSTILE_IMS = [
  `<script>window.__pwned='script'</script>`,
  `<img src=x onerror="window.__pwned='img'">`,
  `<svg onload="window.__pwned='svg'"><circle r=5 /></svg>`,
  `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
  `<a href="javascript:window.__pwned='link'">click me</a> and javascript:window.__pwned='bare'`,
  `[docs](javascript:alert(1)) data:text/html,<script>alert(1)</script> vbscript:msgbox`,
  `" onmouseover="window.__pwned='attr' x="`,
  `&lt;b&gt;entities stay text&lt;/b&gt; &amp; &#60;i&#62;`,
  `‮gnp.exe‬ RTL override then ‏normal‎ and ‪LRE‬`,
  `Emoji 👩🏽‍💻🏳️‍🌈🇯🇵 and combining é́́ and zero‍width​joiners`,
  `{{constructor.constructor('window.__pwned=1')()}} \${window.__pwned=2}`,
];
const HUGE = `${'A long line without spaces '.repeat(10).replace(/ /g, '_')}\n${'x'.repeat(100 * 1024)}`;

/** Nicknames a colleague's entry can carry on the server's list. */
const HOSTILE_NICKS: Record<string, string> = {
  maria: `<img src=x onerror="window.__pwned='nick'">Maria`,
  sam: `‮nimdA‬ Sam`,
  priya: `<script>window.__pwned='nick2'</script>`,
  omar: `javascript:alert(1)`,
  jonas: `👩🏽‍💻 ${'J'.repeat(300)}`,
};

beforeAll(async () => {
  desk = await startDeskE2e('hostile', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ created, page, pageErrors } = desk);
  page.on('dialog', (d) => {
    pageErrors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
});

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const contact = (id: string) => page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`);

async function assertInert(scope: string): Promise<void> {
  expect(await page.locator(`${scope} script, ${scope} svg, ${scope} iframe, ${scope} object, ${scope} embed`).count()).toBe(0);
  // The only images are contact photos: the core's checked data: URLs, drawn by the Avatar.
  const images = await page
    .locator(`${scope} img`)
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-testid')} ${e.getAttribute('src')?.slice(0, 22)}`));
  expect(images.every((i) => i === 'avatar data:image/png;base64,')).toBe(true);
  const hrefs = await page.locator(`${scope} a`).evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  expect(hrefs.filter((h) => !/^(https?:|mailto:)/i.test(h))).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
}

async function assertFits(locator: ReturnType<Page['locator']>): Promise<void> {
  const { width, right, viewport } = await locator.evaluate((el) => ({
    width: el.scrollWidth,
    right: el.getBoundingClientRect().right,
    viewport: window.innerWidth,
  }));
  expect(right).toBeLessThanOrEqual(viewport);
  expect(width).toBeLessThanOrEqual(viewport);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

describe('hostile IMs from a colleague', () => {
  it('shows each exactly as sent, as text, with nothing run', async () => {
    const sam = created.lab!.bots.get('sam')!.account;
    await contact('sam').click();
    const conversation = `[data-testid="conversation"][data-peer="${uri('sam')}"]`;
    for (const text of HOSTILE_IMS) await sam.sendMessage(uri('alex'), text);
    await expect.poll(() => page.locator(`${conversation} [data-testid="message"][data-direction="in"]`).count(), { timeout: 10_000 }).toBe(HOSTILE_IMS.length);
    expect(await page.locator(`${conversation} [data-testid="message"][data-direction="in"] [data-testid="message-text"]`).allTextContents()).toEqual(
      HOSTILE_IMS,
    );
    await assertInert('.messages');
  });

  it('keeps bidi overrides inside their message: the time after it stays in reading order', async () => {
    const bidi = page.locator('[data-testid="message-text"]', { hasText: 'RTL override' });
    expect(await bidi.evaluate((el) => getComputedStyle(el).unicodeBidi)).toMatch(/isolate|plaintext/);
  });

  it('shows a 15 KB single-word message from a colleague in full, wrapped inside the window', async () => {
    // The lab's Kamailio does not relay much larger MESSAGEs over TCP (measured: 15 KB passes,
    // 60 KB is dropped); the 100 KB case is the user's own message, below.
    const big = `${'y'.repeat(15 * 1024)} end`;
    await created.lab!.bots.get('sam')!.account.sendMessage(uri('alex'), big);
    const shown = page.locator('[data-testid="message"][data-direction="in"] [data-testid="message-text"]', { hasText: 'yyyyyyyyyy' });
    await shown.waitFor({ timeout: 10_000 });
    expect(await shown.textContent()).toBe(big);
    await assertFits(shown);
  });

  it('sends hostile text of our own unchanged and shows it the same way', async () => {
    await page.fill('[data-testid="im-input"]', HOSTILE_IMS[4]);
    await page.keyboard.press('Enter');
    const received = await created.lab!.bots.get('sam')!.waitForMessage((m) => m.text === HOSTILE_IMS[4], 5000);
    expect(received.text).toBe(HOSTILE_IMS[4]);
    await page.locator('[data-testid="message"][data-direction="out"][data-state="sent"]').last().waitFor();
    expect(await page.locator('[data-testid="message"][data-direction="out"] [data-testid="message-text"]').last().textContent()).toBe(HOSTILE_IMS[4]);
    await assertInert('.messages');
  });
});

describe('hostile nicknames on the server’s contact list', () => {
  it('are stored on the server and shown as text after signing in again', async () => {
    const groups = created.session.snapshot().groups;
    for (const [id, nick] of Object.entries(HOSTILE_NICKS)) {
      const group = groups.find((g) => g.contacts.some((c) => c.uri === uri(id)))!;
      await created.session.contacts.renameContact(group.name, uri(id), nick);
    }
    const stored = Object.fromEntries(created.lab!.cups.contactList('alex').flatMap((g) => g.contacts.map((c) => [c.personaId, c.nickname])));
    for (const [id, nick] of Object.entries(HOSTILE_NICKS)) expect(stored[id]).toBe(nick);

    // Read the list back from the server, as at any sign-in.
    await created.session.signOut();
    await created.session.signIn({ server: created.lab!.cupsUrl, user: 'alex', password: created.lab!.demoUser.password });
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    for (const [id, nick] of Object.entries(HOSTILE_NICKS)) {
      await expect.poll(() => contact(id).locator('.contact-name').textContent()).toBe(nick);
    }
    await assertInert('.sidebar');
  });

  it('keep the buddy list readable: isolated bidi, long names cut, nothing outside the window', async () => {
    expect(
      await contact('sam')
        .locator('.contact-name')
        .evaluate((el) => getComputedStyle(el).unicodeBidi),
    ).toMatch(/isolate|plaintext/);
    const sidebar = await page.locator('.sidebar').evaluate((el) => el.getBoundingClientRect().right);
    const longName = await contact('jonas')
      .locator('.contact-name')
      .evaluate((el) => el.getBoundingClientRect().right);
    expect(longName).toBeLessThanOrEqual(sidebar + 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('show as text in the conversation header and tab too', async () => {
    await contact('maria').click();
    const header = page.locator(`[data-testid="conversation"][data-peer="${uri('maria')}"] header h2`);
    await expect.poll(() => header.textContent()).toBe(HOSTILE_NICKS.maria);
    await page.locator('.tab-label', { hasText: 'Maria' }).first().waitFor();
    await assertInert('.chat-area');
    await assertInert('.app');
    await page.screenshot({ path: join(root, 'test-results', 'e2e-hostile-input.png') });
  });

  it('shows a 100 KB message typed (or pasted) by the user in full, wrapped inside the window', async () => {
    await contact('sam').click();
    await page.fill('[data-testid="im-input"]', HUGE);
    await page.keyboard.press('Enter');
    const huge = page.locator('[data-testid="message"][data-direction="out"] [data-testid="message-text"]', { hasText: 'xxxxxxxxxx' });
    await huge.waitFor({ timeout: 10_000 });
    expect(await huge.textContent()).toBe(HUGE);
    await assertFits(huge);
    await assertInert('.messages');
  });

  it('had no script errors and no dialogs', () => {
    expect(pageErrors).toEqual([]);
  });
});
