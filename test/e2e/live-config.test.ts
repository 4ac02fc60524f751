/**
 * End to end, live configuration: the lab administrator changes the demo user's world while
 * the real renderer runs in Chromium on the browser host, signed in. The buddy list, the dial
 * preview, the conversation view and Diagnostics follow without signing out (UCCN NOTIFYs over
 * Kamailio, the lab's own encoder), and the selected contact stays selected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab';
import type { LiveConfigState, PresenceUpdate, SessionState } from '../../shared/domain';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore } from '../../core/store/settings';
import { SipAccount, type IncomingMessage } from '../../core/sip';
import { startKamailio } from '../../lab/kamailio';
import { waitForEvent } from '../support/wait';
import { OUTSIDE_LINE_RULE } from '../support/admin-dial-rule';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let page: Page;
let lab: Lab;

beforeAll(async () => {
  desk = await startDeskE2e('live-config');
  page = desk.page;
  lab = desk.created.lab!;
  // Change notifications are subscribed to right after sign-in.
  const session = desk.created.session;
  if (session.liveConfig.state.mode !== 'notified')
    await waitForEvent<LiveConfigState>(
      (cb) => session.on('config:state', cb),
      (s) => s.mode === 'notified',
      'change notifications',
    );
});
afterAll(() => desk?.close());

const contact = (id: string) => page.locator(`[data-testid="contact"][data-uri="${desk.uri(id)}"]`);

describe('live configuration in the running app', () => {
  it('shows a group and a contact the administrator adds, keeping the open conversation', async () => {
    await contact('maria').click();
    await page.locator(`[data-testid="conversation"][data-peer="${desk.uri('maria')}"]`).waitFor();
    await lab.admin.addGroup(lab.demoUser.id, 'Partners');
    await lab.admin.addContact(lab.demoUser.id, 'Partners', 'dana', 'Dana Scully');
    await page.locator('[data-testid="group-header"]', { hasText: 'Partners' }).waitFor();
    await contact('dana').waitFor();
    expect(await contact('dana').textContent()).toContain('Dana Scully');
    // The conversation that was open is still the one shown.
    await page.locator(`[data-testid="conversation"][data-peer="${desk.uri('maria')}"]`).waitFor();
  });

  it('shows a rename made elsewhere in the row', async () => {
    await lab.admin.renameContact(lab.demoUser.id, 'Product team', 'sam', 'Sam (on call)');
    await contact('sam').filter({ hasText: 'Sam (on call)' }).waitFor();
  });

  it('previews numbers by a dialing rule the administrator adds', async () => {
    await page.fill('[data-testid="dial-input"]', '0044 20 7946 0000');
    await page.locator('[data-testid="dial-preview"]', { hasText: 'will dial 00442079460000' }).waitFor();
    await lab.admin.setDialRule(OUTSIDE_LINE_RULE);
    // The preview is asked again as the number is typed.
    await page.fill('[data-testid="dial-input"]', '0044 20 7946 0001');
    await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 900442079460001 (rule 'International')" }).waitFor();
    await page.fill('[data-testid="dial-input"]', '');
  });

  it('says in the conversation that IM is off and refuses to send, then offers it again', async () => {
    await contact('maria').click();
    await lab.admin.setImEnabled(false);
    const notice = page.locator('[data-testid="im-unavailable"]');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Instant messaging is turned off on the server by the administrator.');
    await page.fill('[data-testid="im-input"]', 'are you there?');
    expect(await page.isDisabled('[data-testid="im-send"]')).toBe(true);
    // Enter is refused too, with the same reason, and the text stays.
    await page.keyboard.press('Enter');
    await page.locator('[role="alert"]', { hasText: 'The message was not sent: Instant messaging is turned off' }).waitFor();
    expect(await page.inputValue('[data-testid="im-input"]')).toBe('are you there?');
    await lab.admin.setImEnabled(true);
    await notice.waitFor({ state: 'detached' });
    expect(await page.isDisabled('[data-testid="im-send"]')).toBe(false);
  });

  it('offers "Call voicemail" once the administrator sets a pilot number, and Diagnostics says how changes arrive', async () => {
    expect(await page.locator('[data-testid="call-voicemail"]').count()).toBe(0);
    await lab.admin.setVoicemailPilot('1099');
    await page.locator('[data-testid="call-voicemail"]').waitFor();
    await page.click('[data-testid="call-voicemail"]');
    await page.locator('[data-testid="dial-result"][data-ok="true"]', { hasText: 'Calling voicemail (1099)' }).waitFor();
    // Placed on the user's line (through the CTI gateway or WebDialer, whichever the app uses).
    expect([...lab.phoneSwitch.calls.values()].some((c) => c.from === '1000' && c.to === '1099')).toBe(true);
    await page.click('[data-testid="open-diagnostics"]');
    const mode = page.locator('[data-testid="diag-config-mode"]');
    await mode.waitFor();
    expect(await mode.getAttribute('data-mode')).toBe('notified');
    expect(await mode.textContent()).toContain('The server sends change notifications (ua-profile).');
    expect(desk.pageErrors).toEqual([]);
  });
});

describe('changes made elsewhere while the app runs', () => {
  it('shows a rename made by a second signed-in client of the same user in the buddy list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-e2e-second-client-'));
    const second = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings: new MemorySettingsStore({}),
      historyDir: dir,
      log: () => {},
    });
    expect(lab.admin.echoEdits).toBe(true);
    try {
      // CUPS keeps one SOAP session per user: the second client takes it over ("Sign in here instead").
      await second.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password, force: true });
      await second.handlers['contacts:rename']('Support desk', desk.uri('omar'), 'Omar (desk 2)');
      await contact('omar').filter({ hasText: 'Omar (desk 2)' }).waitFor();
      // Still signed in: the rename arrived live, not through a new sign-in.
      expect(await page.locator('[data-testid="connection"]').getAttribute('data-phase')).toBe('signed-in');
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows the administrator to a second presence server: online there, presence and an IM typed meanwhile get through', async () => {
    const session = desk.created.session;
    const users = [lab.demoUser.id, 'sam'].map((id) => ({ id, password: lab.passwordOf(id) }));
    const second = await startKamailio({ domain: lab.domain, users, log: () => {} });
    const target = `TCP ${second.host}:${second.tcpPort}`;
    // A colleague who lives on the second server only.
    const sam = new SipAccount({
      server: { host: second.host, port: second.tcpPort, transport: 'tcp' },
      domain: lab.domain,
      user: 'sam',
      password: lab.passwordOf('sam'),
    });
    const back = { ...lab.cups.admin.presence };
    try {
      await sam.start();
      await sam.setPresence({ availability: 'available', note: 'On the second server' });
      const received = waitForEvent<IncomingMessage>(
        (cb) => sam.on('message', cb),
        (m) => m.text === 'typed while moving',
        'the IM typed while moving, at the colleague on the second server',
        20_000,
      );
      const moved = waitForEvent<SessionState>(
        (cb) => session.on('session:state', cb),
        (s) => s.presenceServer === target && s.phase === 'signed-in',
        'the move',
        20_000,
      );
      const watchedThere = waitForEvent<PresenceUpdate[]>(
        (cb) => session.on('presence:changed', cb),
        (u) => u.some((x) => x.uri === desk.uri('sam') && x.presence.note === 'On the second server'),
        'presence from the second server',
        20_000,
      );
      // Diagnostics may still be open from an earlier test.
      if (await page.locator('[data-testid="diagnostics"]').count()) await page.click('[data-testid="diag-close"]');
      await contact('sam').click();
      const conversation = page.locator(`[data-testid="conversation"][data-peer="${desk.uri('sam')}"]`);
      await conversation.waitFor();
      await lab.admin.movePresenceServer({ host: second.host, port: second.tcpPort, protocol: 'tcp' });
      // Typed in the page while the app is moving: kept and sent once registered on the new server.
      await page.fill('[data-testid="im-input"]', 'typed while moving');
      await page.keyboard.press('Enter');
      await conversation.locator('[data-testid="message"]', { hasText: 'typed while moving' }).waitFor();

      await moved;
      await watchedThere;
      // The page says so: online, on the new server, with the colleague's note from there.
      await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
      await contact('sam').filter({ hasText: 'On the second server' }).waitFor();
      expect((await received).text).toBe('typed while moving');
      await conversation.locator('[data-testid="message"][data-state="sent"]', { hasText: 'typed while moving' }).waitFor();
      await page.click('[data-testid="open-settings"]');
      const server = page.locator('[data-testid="settings-presence-server"]');
      await server.waitFor();
      expect(await server.textContent()).toBe(target);
      await page.click('[data-testid="settings-close"]');
      expect(desk.pageErrors).toEqual([]);
    } finally {
      Object.assign(lab.cups.admin.presence, back);
      await sam.stop();
      await second.stop();
    }
  });
});
