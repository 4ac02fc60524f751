/**
 * End to end: a message typed while the SIP server is down. The demo lab's Kamailio is killed
 * in the middle of a conversation; the page shows the reconnecting banner and the message as
 * queued, and after the server is back the same message shows as sent and the colleague's
 * reply arrives. Every step waits on what the page shows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { Bot } from '../../lab/bots';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

const root = join(import.meta.dirname, '..', '..');
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('down', { lab: { livenEveryMs: 0, replyDelayMs: 150 } });
  ({ created, page, pageErrors } = desk);
});

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const outgoing = (text: string) =>
  page.locator('[data-testid="message"][data-direction="out"]', { has: page.locator('[data-testid="message-text"]', { hasText: text }) });

describe('a message sent while the SIP server is down', () => {
  it('shows queued while reconnecting, then sent after recovery, and the reply arrives', async () => {
    const lab = created.lab!;
    const maria = lab.bots.get('maria')!;
    await page.locator(`[data-testid="contact"][data-uri="${uri('maria')}"][data-availability="available"]`).waitFor();
    await page.click(`[data-testid="contact"][data-uri="${uri('maria')}"]`);
    await page.locator(`[data-testid="conversation"][data-peer="${uri('maria')}"]`).waitFor();

    await lab.kamailio.kill();
    const banner = page.locator('[data-testid="reconnecting"][role="status"]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('Messages you send now are queued.');
    expect(await page.getAttribute('[data-testid="connection"]', 'data-phase')).toBe('reconnecting');

    const text = 'Typed while the server was down';
    await page.fill('[data-testid="im-input"]', text);
    await page.keyboard.press('Enter');
    const queued = outgoing(text);
    await queued.and(page.locator('[data-state="queued"]')).waitFor();
    expect(await queued.locator('.message-meta').textContent()).toContain('Queued — will send when connected');
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-im-queued.png') });
    // Still down: the message has not left.
    expect(maria.received.some((m) => m.text === text)).toBe(false);

    await lab.kamailio.restart();
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 30_000 });
    await banner.waitFor({ state: 'detached' });
    await outgoing(text).and(page.locator('[data-state="sent"]')).waitFor({ timeout: 30_000 });
    expect(await outgoing(text).locator('.message-meta').textContent()).toContain('Sent');

    // The colleague got it once, and answered.
    await maria.waitForMessage((m) => m.text === text, 15_000);
    expect(maria.received.filter((m) => m.text === text)).toHaveLength(1);
    const reply = page.locator('[data-testid="message"][data-direction="in"] [data-testid="message-text"]', { hasText: Bot.replyTo(maria.name, text) });
    await reply.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="message"][data-direction="out"][data-state="queued"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
