/**
 * End to end on the demo lab in Debian's Chromium through the browser host: the user's own
 * phone as the CTI gateway reports it. A call from the dial box shows on the phone with its
 * duration and makes the user "On the phone" for a colleague (real Kamailio); an incoming call
 * rings, is answered and hung up; Settings → Phone says which line is watched; a lost gateway
 * is said in words, never shown as a call, and the calls come back after it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('phone', { lab: { livenEveryMs: 0, replyDelayMs: 150 } });
  ({ created, page, pageErrors } = desk);
});

afterAll(() => desk?.close());

const call = (state: string) => page.locator(`[data-testid="phone-call"][data-state="${state}"]`);

describe('own phone through the CTI gateway', () => {
  it('a call from the dial box is shown with its duration, and colleagues see "On the phone" until it ends', async () => {
    const lab = created.lab!;
    const maria = lab.bots.get('maria')!;
    await page.locator('[data-testid="own-status"]').selectOption('busy');
    await maria.waitForPresence(desk.uri('alex'), (p) => p.availability === 'busy', 5000);

    await page.fill('[data-testid="dial-input"]', '+1 408 555 0104');
    await page.locator('[data-testid="dial-preview"]').waitFor();
    await page.click('[data-testid="dial-call"]');
    // The dialed extension is a contact's directory number: the call names them.
    await call('talking').filter({ hasText: 'On a call with Omar Haddad (0104)' }).waitFor();
    await page.locator('[data-testid="own-on-the-phone"]').waitFor();
    await maria.waitForPresence(desk.uri('alex'), (p) => p.availability === 'on-the-phone', 5000);
    // The duration counts up while the call lasts.
    await expect.poll(() => call('talking').locator('.call-duration').textContent(), { timeout: 4000 }).toMatch(/· 0:0[1-9]/);
    // The user's own choice stays as it was.
    expect(await page.locator('[data-testid="own-status"]').inputValue()).toBe('busy');

    await call('talking').locator('[data-testid="hang-up"]').click();
    await call('talking').waitFor({ state: 'detached' });
    await page.locator('[data-testid="own-on-the-phone"]').waitFor({ state: 'detached' });
    await maria.waitForPresence(desk.uri('alex'), (p) => p.availability === 'busy', 5000);
    expect(lab.phoneSwitch.snapshot('1000')).toEqual([]);
  });

  it('an incoming call is answered, held and resumed from the app, and hung up there', async () => {
    const lab = created.lab!;
    lab.phoneSwitch.ring('1000', '+14085550101');
    const ringing = call('ringing').filter({ hasText: 'Maria Chen (+14085550101) is calling' });
    await ringing.locator('[data-testid="call-answer"]').click();
    const talking = call('talking').filter({ hasText: 'On a call with Maria Chen (+14085550101)' });
    await talking.locator('[data-testid="call-hold"]').click();
    const held = call('held').filter({ hasText: 'On hold: Maria Chen (+14085550101)' });
    await held.locator('[data-testid="call-retrieve"]').click();
    await talking.locator('[data-testid="hang-up"]').click();
    await talking.waitFor({ state: 'detached' });
    expect(lab.phoneSwitch.snapshot('1000')).toEqual([]);
  });

  it('an incoming call rings (no Hang up while ringing), is answered at the phone, and ends', async () => {
    const lab = created.lab!;
    const incoming = lab.phoneSwitch.ring('1000', '+14085550106');
    await call('ringing').filter({ hasText: 'Lena Fischer (+14085550106) is calling' }).waitFor();
    expect(await call('ringing').locator('[data-testid="hang-up"]').count()).toBe(0);
    // Ringing is not a call yet: nobody is told the user is on the phone.
    expect(await page.locator('[data-testid="own-on-the-phone"]').count()).toBe(0);
    lab.phoneSwitch.answer(incoming.id);
    await call('talking').filter({ hasText: 'On a call with Lena Fischer (+14085550106)' }).waitFor();
    lab.phoneSwitch.hold(incoming.id, '1000');
    await call('held').filter({ hasText: 'On hold: Lena Fischer (+14085550106)' }).waitFor();
    lab.phoneSwitch.clear(incoming.id, '+14085550106');
    await call('held').waitFor({ state: 'detached' });
  });

  it('Settings → Phone names the watched line; a lost gateway is said in words and the phone comes back', async () => {
    const lab = created.lab!;
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-phone"]');
    const watch = page.locator('[data-testid="phone-watch"]');
    await watch.filter({ hasText: `Calls on line 1000 are watched through the CTI gateway 127.0.0.1:${lab.cti.port}` }).waitFor();
    await page.click('[data-testid="settings-close"]');

    const ongoing = lab.phoneSwitch.placeCall('1000', '5550199');
    await call('talking').filter({ hasText: 'On a call with 5550199' }).waitFor();
    lab.cti.dropConnections();
    await page
      .locator('[data-testid="phone-unknown"]', { hasText: /Phone state unknown: The CTI gateway 127\.0\.0\.1:\d+ (closed|reset) the connection/ })
      .waitFor();
    expect(await page.locator('[data-testid="phone-call"]').count()).toBe(0);
    // Back: the call still in progress is read from the gateway's snapshot.
    await call('talking').waitFor();
    await page.locator('[data-testid="phone-unknown"]').waitFor({ state: 'detached' });
    lab.phoneSwitch.clear(ongoing.id, '1000');
    await call('talking').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
