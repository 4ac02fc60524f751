/**
 * End to end, live configuration: the lab administrator changes the demo user's world while
 * the real renderer runs in Chromium on the browser host, signed in. The buddy list, the dial
 * preview, the conversation view and Diagnostics follow without signing out (UCCN NOTIFYs over
 * Kamailio, the lab's own encoder), and the selected contact stays selected.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lab';
import type { LiveConfigState } from '../../shared/domain';
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
