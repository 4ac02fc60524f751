/**
 * End to end on the demo lab in Debian's Chromium: the desk phone through the CTI gateway. With
 * the phone unregistered (RisPort70) a click-to-call shows the reason before anything is
 * dialed; a call is placed through CTI (not WebDialer), transferred to a contact by dragging
 * them onto the call, a third party is conferenced in, DTMF is sent from the keypad and the
 * keyboard, forwarding is set and shown beside the status, and do not disturb follows both ways.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { sinceText } from '../../core/calls/desk-phone-status';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('cti', { lab: { livenEveryMs: 0, replyDelayMs: 150 } });
  ({ created, page, pageErrors } = desk);
  await page.locator('[data-testid="phone-status"]').waitFor(); // the CTI link is monitoring
});

afterAll(() => desk?.close());

const call = (state: string) => page.locator(`[data-testid="phone-call"][data-state="${state}"]`);
const dial = async (number: string) => {
  await page.fill('[data-testid="dial-input"]', number);
  await page.locator('[data-testid="dial-preview"]').waitFor();
  await page.click('[data-testid="dial-call"]');
};
const lineCalls = () => created.lab!.phoneSwitch.snapshot('1000');

describe('the desk phone through the CTI gateway', () => {
  it('with the desk phone unregistered, click-to-call shows the RisPort reason and dials nothing', async () => {
    const lab = created.lab!;
    const since = new Date();
    since.setSeconds(0, 0);
    lab.risport.setStatus('SEP00AA00BB0000', 'UnRegistered', 13, since);
    const webDialerCalls = lab.webDialer.calls.length;
    await dial('+1 408 555 0104');
    await page
      .locator('[data-testid="dial-result"][data-ok="false"]', {
        hasText: `Your desk phone SEP00AA00BB0000 is unregistered since ${sinceText(since.getTime())}: keep-alive timeout. Nothing was dialed.`,
      })
      .waitFor();
    expect(lineCalls()).toEqual([]);
    expect(lab.webDialer.calls.length).toBe(webDialerCalls);

    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-phone"]');
    await page.locator('[data-testid="phone-device-status"][data-registered="false"]', { hasText: 'SEP00AA00BB0000 (Cisco 8851): not registered' }).waitFor();
    await page.locator('[data-testid="phone-device-status"]', { hasText: 'keep-alive timeout' }).waitFor();
    lab.risport.setStatus('SEP00AA00BB0000', 'Registered', 0);
    await page.click('[data-testid="settings-close"]');
  });

  it('places a call through CTI and transfers it to a contact dragged onto the call', async () => {
    const lab = created.lab!;
    const webDialerCalls = lab.webDialer.calls.length;
    await dial('+1 408 555 0104');
    const talking = call('talking').filter({ hasText: 'On a call with Omar Haddad (0104)' });
    await talking.waitFor();
    expect(lab.webDialer.calls.length).toBe(webDialerCalls); // MakeCall through the gateway, not WebDialer
    const [placed] = lineCalls();
    expect(placed).toMatchObject({ state: 'connected' });

    await page.locator(`[data-testid="contact"][data-uri="${desk.uri('maria')}"]`).dragTo(talking);
    await talking.waitFor({ state: 'detached' });
    expect(lineCalls()).toEqual([]);
    // The far end now talks to Maria's number (her work number after the dialing rules).
    const moved = [...lab.phoneSwitch.calls.values()].find((c) => c.state.has('0104'));
    expect(moved && [...moved.state.keys()].sort()).toEqual(['0101', '0104']);
    lab.phoneSwitch.clear(moved!.id, '0104');
  });

  it('a transfer typed as a number works from the keyboard (T on the call row)', async () => {
    const lab = created.lab!;
    const incoming = lab.phoneSwitch.ring('1000', '+14085550199');
    lab.phoneSwitch.answer(incoming.id);
    const row = call('talking');
    await row.focus();
    await page.keyboard.press('t');
    await page.fill('[data-testid="call-target"]', '5550177');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    const moved = [...lab.phoneSwitch.calls.values()].find((c) => c.state.has('+14085550199'));
    const target = [...moved!.state.keys()].find((p) => p !== '+14085550199')!;
    expect(target).toMatch(/5550177$/); // the number typed, after the dialing rules
    lab.phoneSwitch.clear(moved!.id, target);
  });

  it('conferences a third party: the held call and the new one become one call of three', async () => {
    const lab = created.lab!;
    await dial('+1 408 555 0104');
    await call('talking').waitFor();
    await dial('+1 408 555 0106'); // the first call goes on hold at the phone
    await call('held').waitFor();
    await call('talking').filter({ hasText: '0106' }).locator('[data-testid="call-conference"]').click();
    await call('held').waitFor({ state: 'detached' });
    await expect.poll(() => lineCalls().length).toBe(1);
    const joined = lab.phoneSwitch.calls.get(lineCalls()[0]!.callId)!;
    expect([...joined.state.keys()].sort()).toEqual(['0104', '0106', '1000']);
    expect(await page.locator('[data-testid="phone-call"]').count()).toBe(1);
    await call('talking').locator('[data-testid="hang-up"]').click();
    await call('talking').waitFor({ state: 'detached' });
  });

  it('sends DTMF from the keypad and from the keyboard', async () => {
    const lab = created.lab!;
    await dial('+1 408 555 0104');
    const row = call('talking');
    await row.locator('[data-testid="call-keypad"]').click();
    await row.locator('[data-testid="dtmf-1"]').click();
    await row.locator('[data-testid="dtmf-hash"]').click();
    const callId = lineCalls()[0]!.callId;
    await expect.poll(() => lab.phoneSwitch.digits.get(callId)).toBe('1#');
    await row.focus();
    await page.keyboard.press('4');
    await page.keyboard.press('*');
    await expect.poll(() => lab.phoneSwitch.digits.get(callId)).toBe('1#4*');
    await row.locator('[data-testid="hang-up"]').click();
    await row.waitFor({ state: 'detached' });
  });

  it('sets forwarding and shows it beside the status; a change at the phone shows too', async () => {
    const lab = created.lab!;
    await page.click('[data-testid="phone-forward"]');
    await page.fill('[data-testid="phone-forward-to"]', '+1 408 555 0101');
    await page.click('[data-testid="phone-forward-go"]');
    await page.locator('[data-testid="phone-forwarding"]', { hasText: 'Calls forward to 0101' }).waitFor();
    expect(lab.phoneSwitch.forwarding.get('1000')).toBe('0101');
    await page.click('[data-testid="phone-forward-stop"]');
    await page.locator('[data-testid="phone-forwarding"]').waitFor({ state: 'detached' });
    lab.phoneSwitch.setForwarding('1000', '5550100');
    await page.locator('[data-testid="phone-forwarding"]', { hasText: 'Calls forward to 5550100' }).waitFor();
    lab.phoneSwitch.setForwarding('1000', undefined);
    await page.locator('[data-testid="phone-forwarding"]').waitFor({ state: 'detached' });
  });

  it('ties do not disturb both ways when Settings → Phone says so', async () => {
    const lab = created.lab!;
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-phone"]');
    await page.locator('[data-testid="call-via-cti"]').waitFor();
    expect(await page.locator('[data-testid="call-via-cti"]').isChecked()).toBe(true);
    await page.locator('[data-testid="phone-dnd-follows"]').check();
    await page.click('[data-testid="settings-close"]');

    const status = page.locator('[data-testid="own-status"]');
    await status.selectOption('available');
    await status.selectOption('dnd');
    await expect.poll(() => lab.phoneSwitch.dnd.has('1000')).toBe(true);
    await expect.poll(() => page.locator('[data-testid="phone-dnd"]').isChecked()).toBe(true);
    await status.selectOption('available');
    await expect.poll(() => lab.phoneSwitch.dnd.has('1000')).toBe(false);

    // At the phone: the app follows, and goes back to the status chosen before.
    await status.selectOption('away');
    lab.phoneSwitch.setDoNotDisturb('1000', true);
    await expect.poll(() => status.inputValue()).toBe('dnd');
    lab.phoneSwitch.setDoNotDisturb('1000', false);
    await expect.poll(() => status.inputValue()).toBe('away');
    expect(pageErrors).toEqual([]);
  });
});
