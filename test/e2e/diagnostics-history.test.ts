/**
 * End to end on the demo lab, in Chromium: the Diagnostics view (live ladder, filters, full
 * masked messages, help-desk export without any secret), IM history search and export, the
 * server's recent list for IM conversations, and sip:/im: open requests from the OS.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];
let browser: DeskE2e['browser'];

beforeAll(async () => {
  desk = await startDeskE2e('diag', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ created, page, pageErrors, browser } = desk);
});

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const contact = (id: string) => page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`);
const entry = (summary: RegExp | string) => page.locator('[data-testid="diag-entry"]', { hasText: summary });

async function download(click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

describe('Diagnostics', () => {
  it('shows the sign-in: the SIP REGISTER exchange and the CUPS login, with arrows and protocols', async () => {
    await page.click('[data-testid="open-diagnostics"]');
    await page.locator('[data-testid="diagnostics"]').waitFor();
    await entry(/^.*REGISTER sip:/)
      .first()
      .waitFor();
    await entry(/login$/)
      .first()
      .waitFor();
    const login = entry(/login$/).first();
    expect(await login.getAttribute('data-protocol')).toBe('soap');
    expect(await login.getAttribute('data-direction')).toBe('out');
    expect(await login.locator('.diag-arrow').textContent()).toBe('→');
    await entry(/401 Unauthorized \(REGISTER\)/)
      .first()
      .waitFor();
    await entry(/200 OK \(REGISTER\)/)
      .first()
      .waitFor();
  });

  it('shows a whole message on click, with the password and digest response masked', async () => {
    const password = created.lab!.demoUser.password;
    await entry(/login$/)
      .first()
      .click();
    const login = page.locator('[data-testid="diag-message"]');
    await expect.poll(() => login.textContent()).toContain('<password>********</password>');
    expect(await login.textContent()).toContain('<username>alex</username>');
    expect(await login.textContent()).not.toContain(password);

    // The REGISTER that answers the challenge carries Authorization: its response is masked.
    await page.fill('[data-testid="diag-text"]', 'Authorization:');
    await page.selectOption('[data-testid="diag-protocol"]', 'sip');
    await entry(/REGISTER sip:/)
      .first()
      .waitFor();
    await expect
      .poll(() => page.locator('[data-testid="diag-entry"]').evaluateAll((els) => els.every((e) => e.getAttribute('data-protocol') === 'sip')))
      .toBe(true);
    await entry(/REGISTER sip:/)
      .first()
      .click();
    await expect.poll(() => page.locator('[data-testid="diag-message"]').textContent()).toMatch(/Authorization: Digest [^\n]*response="\*{8}"/);
  });

  it('follows one dialog by its Call-ID', async () => {
    await page.click('[data-testid="diag-follow-call"]');
    const callId = await page.inputValue('[data-testid="diag-callid"]');
    expect(callId.length).toBeGreaterThan(4);
    await page.fill('[data-testid="diag-text"]', '');
    // The request, the challenge, the answer with credentials and the 200: one dialog, nothing else.
    const rows = () =>
      page.locator('[data-testid="diag-entry"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-call-id'), e.getAttribute('data-summary')]));
    await expect.poll(async () => (await rows()).length).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await rows()).every(([id, summary]) => id === callId && /REGISTER/.test(summary ?? ''))).toBe(true);
    await page.fill('[data-testid="diag-callid"]', '');
    await page.selectOption('[data-testid="diag-protocol"]', '');
  });

  it('adds new messages live (an IM and its MESSAGE transaction)', async () => {
    await page.click('[data-testid="diag-close"]');
    await contact('maria').click();
    await page.fill('[data-testid="im-input"]', 'trace me please');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="message"][data-direction="out"][data-state="sent"]').waitFor();
    await page.click('[data-testid="open-diagnostics"]');
    await entry(/^.*MESSAGE sip:maria@/)
      .first()
      .waitFor();
    await entry(/200 OK \(MESSAGE\)/)
      .first()
      .waitFor();
    // Under a text filter too: only the core can search message text, and the view asks it again.
    await page.fill('[data-testid="diag-text"]', 'ping-from-omar');
    await page.locator('[data-testid="diag-list"][data-count="0"]').waitFor();
    await created.lab!.bots.get('omar')!.account.sendMessage(uri('alex'), 'ping-from-omar');
    await page.locator('[data-testid="diag-entry"][data-direction="in"]', { hasText: `MESSAGE sip:alex@` }).waitFor();
    await page.fill('[data-testid="diag-text"]', '');
  });

  it('exports a help-desk file with the messages and no password or session key', async () => {
    const password = created.lab!.demoUser.password;
    const sessionKey = created.lab!.cups.sessionOf('alex');
    expect(sessionKey).toBeTruthy();
    const file = await download(() => page.click('[data-testid="diag-export"]'));
    expect(file.name).toMatch(/^presence-desk-trace-.*\.txt$/);
    expect(file.text).toContain('REGISTER sip:');
    expect(file.text).toContain('[SOAP] login');
    expect(file.text).toContain('trace me please');
    expect(file.text).toContain('<password>********</password>');
    expect(file.text).not.toContain(password);
    expect(file.text).not.toContain(sessionKey!);
    expect(file.text).not.toMatch(/response="[0-9a-f]{32}"/);
    await page.locator('[data-testid="diag-status"]', { hasText: file.name }).waitFor();
    await page.click('[data-testid="diag-close"]');
  });
});

describe('IM history', () => {
  it('finds a message in any conversation and jumps to it', async () => {
    await contact('sam').click();
    await page.fill('[data-testid="im-input"]', 'The quarterly Zeppelin report is late');
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="conversation"][data-peer="${uri('sam')}"] [data-testid="message"][data-state="sent"]`).waitFor();
    await contact('maria').click();
    await page.click('[data-testid="tab-history"]');
    await page.fill('[data-testid="history-search"]', 'zeppelin');
    // The sent message and the bot's reply quoting it.
    await expect.poll(() => page.locator('[data-testid="history-hit"]').count(), { timeout: 5000 }).toBe(2);
    expect(await page.locator('[data-testid="history-hit"] mark').first().textContent()).toBe('Zeppelin');
    await page.locator('[data-testid="history-hit"]').first().click();
    await page.locator(`[data-testid="conversation"][data-peer="${uri('sam')}"]`).waitFor();
    await page.fill('[data-testid="history-search"]', 'no such words anywhere');
    await page.locator('.history-search .empty').waitFor();
    await page.click('[data-testid="tab-contacts"]');
  });

  it('exports the conversation as text and JSON', async () => {
    const text = await download(() => page.click('[data-testid="export-text"]'));
    expect(text.name).toMatch(/^presence-desk-sam@.*\.txt$/);
    expect(text.text).toContain('    The quarterly Zeppelin report is late');
    const json = await download(() => page.click('[data-testid="export-json"]'));
    const body = JSON.parse(json.text);
    expect(body.peer).toBe(uri('sam'));
    expect(body.messages[0]).toMatchObject({ direction: 'out', text: 'The quarterly Zeppelin report is late', state: 'sent' });
  });

  it('puts each IM conversation once on the server’s recent list', async () => {
    const recent = () =>
      created
        .lab!.cups.state('alex')
        .recent.filter((r) => r.type === 1)
        .map((r) => r.data.what);
    await expect.poll(recent).toEqual(expect.arrayContaining([uri('maria'), uri('sam')]));
    expect(recent().filter((w) => w === uri('sam'))).toHaveLength(1);
    expect(recent().filter((w) => w === uri('maria'))).toHaveLength(1);
  });

  it('opens the conversation the OS asked for (sip:/im: link)', async () => {
    created.session.requestOpen({ kind: 'chat', uri: uri('priya') });
    await page.locator(`[data-testid="conversation"][data-peer="${uri('priya')}"]`).waitFor();
  });

  it('opens a conversation on its own page (?conversation=)', async () => {
    const [popup] = await Promise.all([browser.context.waitForEvent('page'), page.click('[data-testid="open-window"]')]);
    await popup.locator(`[data-testid="conversation-window"] [data-testid="conversation"][data-peer="${uri('priya')}"]`).waitFor();
    expect(new URL(popup.url()).searchParams.get('conversation')).toBe(uri('priya'));
    await popup.close();
  });

  it('Settings → Desktop: the IM sound is kept; start at login is for the desktop app only', async () => {
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-desktop"]');
    const sound = page.locator('[data-testid="pref-im-sound"]');
    await sound.waitFor();
    expect(await sound.isChecked()).toBe(false);
    expect(await page.locator('[data-testid="pref-auto-start"]').isDisabled()).toBe(true);
    await sound.check();
    await expect
      .poll(() => created.session.handlers['desktop:prefs']())
      .toEqual({ autoStart: false, imSound: true, mutedConversations: [], language: 'system' });
    await page.click('[data-testid="settings-close"]');
  });

  it('signed out: no "Remember me" in the browser host, and Diagnostics still shows why a sign-in failed', async () => {
    await page.click('text=Sign out');
    await page.locator('[data-testid="sign-in"]').waitFor();
    expect(created.info.canRememberPassword).toBeUndefined();
    expect(await page.locator('[data-testid="remember"]').count()).toBe(0);
    await page.fill('[data-testid="sign-in"] input[type="password"]', 'not-the-password');
    await page.click('[data-testid="sign-in"] button[type="submit"]');
    await page.locator('[data-testid="sign-in-error"][data-code="auth"]').waitFor();
    await page.click('[data-testid="open-diagnostics"]');
    await page.fill('[data-testid="diag-text"]', 'Wrong username');
    await entry('login response').first().waitFor();
    const file = await download(() => page.click('[data-testid="diag-export"]'));
    expect(file.text).toContain('Wrong username');
    expect(file.text).not.toContain('not-the-password');
    await page.click('[data-testid="diag-close"]');
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
