/**
 * The small comforts end to end on the demo lab, in Chromium: emoticon shortcuts and the emoji
 * picker (the message stays text), muting a conversation (no unread count in the title, tab or
 * buddy list; kept in settings), and "last seen" for an offline contact whose presence says it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkPublisher } from '../../lab/publisher';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let page: Page;

beforeAll(async () => {
  desk = await startDeskE2e('comforts', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ page } = desk);
});

afterAll(() => desk?.close());

const row = (id: string) => page.locator(`[data-testid="contact"][data-uri="${desk.uri(id)}"]`);
const sent = () => page.locator('[data-testid="message"][data-direction="out"] [data-testid="message-text"]');

describe('emoticons and emoji', () => {
  it('turns an emoticon into its emoji as the next word starts, and any left at the end when sending', async () => {
    await row('sam').click();
    await page.locator('[data-testid="im-input"]').pressSequentially('great :) ');
    expect(await page.inputValue('[data-testid="im-input"]')).toBe('great 🙂 ');
    await page.locator('[data-testid="im-input"]').pressSequentially('see you (y)');
    await page.keyboard.press('Enter');
    await expect.poll(() => sent().last().textContent()).toBe('great 🙂 see you 👍');
    // Text, not markup: the message holds no element but its text.
    expect(
      await sent()
        .last()
        .evaluate((e) => e.children.length),
    ).toBe(0);
    const received = desk.created.lab!.bots.get('sam')!;
    expect((await received.waitForMessage((m) => m.text.startsWith('great'))).text).toBe('great 🙂 see you 👍');
  });

  it('inserts a picked emoji at the caret, and closes the picker with Escape', async () => {
    await page.fill('[data-testid="im-input"]', 'coffee? ');
    await page.click('[data-testid="emoji-open"]');
    await page.locator('[data-testid="emoji-picker"]').waitFor();
    await page.locator('[data-testid="emoji-choice"][aria-label="☕"]').click();
    await page.locator('[data-testid="emoji-picker"]').waitFor({ state: 'detached' });
    expect(await page.inputValue('[data-testid="im-input"]')).toBe('coffee? ☕');
    await page.click('[data-testid="emoji-open"]');
    // The picker takes the focus; arrow-free Tab and Escape work from the keyboard.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('emoji-choice');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="emoji-picker"]').waitFor({ state: 'detached' });
    await page.fill('[data-testid="im-input"]', '');
  });
});

describe('muting a conversation', () => {
  it('shows no unread count for a muted conversation, and keeps the choice in settings', async () => {
    await row('omar').click();
    await page.click('[data-testid="conversation-mute"]');
    expect(await page.getAttribute('[data-testid="conversation-mute"]', 'aria-pressed')).toBe('true');
    await expect.poll(async () => (await desk.created.backend.handlers['desktop:prefs']()).mutedConversations).toEqual([desk.uri('omar')]);
    await row('sam').click();

    const omar = desk.created.lab!.bots.get('omar')!;
    await omar.account.sendMessage(desk.uri('alex'), 'muted hello');
    await page.locator('.tab', { hasText: 'Omar' }).locator('[data-testid="tab-muted"]').waitFor();
    // A message from someone not muted is counted, as a check that counting works at all.
    await desk.created.lab!.bots.get('priya')!.account.sendMessage(desk.uri('alex'), 'counted hello');
    await row('priya').locator('[data-testid="unread"]').waitFor();
    expect(await page.title()).toBe('(1) Presence Desk');
    expect(await row('omar').locator('[data-testid="unread"]').count()).toBe(0);
    expect(await page.locator('.tab', { hasText: 'Omar' }).locator('.badge').count()).toBe(0);

    // The message is there all the same.
    await page.locator('.tab-label', { hasText: 'Omar' }).click();
    await page.locator('[data-testid="message"][data-direction="in"]', { hasText: 'muted hello' }).waitFor();
    await page.click('[data-testid="conversation-mute"]');
    await expect.poll(async () => (await desk.created.backend.handlers['desktop:prefs']()).mutedConversations).toEqual([]);
  });
});

describe('last seen', () => {
  it('says when an offline contact was last seen, from their presence document', async () => {
    const lab = desk.created.lab!;
    const publisher = new BulkPublisher({ host: lab.kamailio.host, port: lab.kamailio.tcpPort }, lab.domain);
    await publisher.connect();
    try {
      const at = new Date(Date.now() - 60 * 60_000);
      at.setSeconds(0, 0);
      await publisher.publish([
        { user: { id: 'lena', password: lab.passwordOf('lena') }, status: { availability: 'invisible', note: '' }, extras: { timestamp: at.toISOString() } },
      ]);
      const time = await page.evaluate((ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), at.getTime());
      await expect
        .poll(() => row('lena').locator('[data-testid="contact-note"]').textContent(), { timeout: 10_000 })
        .toMatch(new RegExp(`^Offline · last seen (yesterday )?${time}$`));
    } finally {
      await publisher.close();
    }
    expect(desk.pageErrors).toEqual([]);
  });
});
