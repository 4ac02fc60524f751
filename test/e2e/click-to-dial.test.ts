/**
 * End to end, click-to-dial everywhere: the real renderer in Debian's Chromium through the
 * browser host, on the demo lab (real Kamailio, slapd directory, lab CUPS and WebDialer).
 * A contact's card shows the directory's numbers with the rule preview on hover and calls on
 * click; Recent calls again; Hang up; a tel: request fills the dial box; Settings show the
 * phone choice and the server's dialing rules.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { parseOpenRequest } from '../../host/open-request';
import type { OpenRequest } from '../../shared/domain';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

const root = join(import.meta.dirname, '..', '..');
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // As `npm start -- --open tel:+14085550101` does: the request goes to the first renderer that connects.
  let initial: OpenRequest | undefined = parseOpenRequest('tel:+14085550101') as OpenRequest;
  desk = await startDeskE2e('dial', {
    lab: { livenEveryMs: 0, replyDelayMs: 150 },
    signedIn: false,
    // These tests are about WebDialer: calls go there rather than through the CTI gateway.
    beforeHost: async (c) => void (await c.session.handlers['phone:options']({ callVia: 'webdialer' })),
    host: (c) => ({
      onConnect: () => {
        if (initial) c.session.requestOpen(initial);
        initial = undefined;
      },
    }),
  });
  ({ created, page, pageErrors } = desk);
});

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const row = (id: string) => page.locator('li', { has: page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`) });
const card = () => page.locator('[data-testid="contact-card"]');
const cardNumber = (n: string) => card().locator(`[data-testid="card-number"][data-number="${n}"]`);

async function openCardFromMenu(id: string): Promise<void> {
  await row(id).hover();
  await row(id).locator('[data-testid="contact-more"]').click();
  await page.click('[data-testid="menu-card"]');
  await page.locator(`[data-testid="contact-card"][data-uri="${uri(id)}"]`).waitFor();
}

describe('click-to-dial on the demo lab, in Chromium', () => {
  it('puts the number of a tel: request given at start into the dial box, with its preview, without calling', async () => {
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    const calls = created.lab!.webDialer.calls.length;
    await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 0101 (rule 'Own site')" }).waitFor();
    expect(await page.inputValue('[data-testid="dial-input"]')).toBe('+14085550101');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dial-input');
    expect(created.lab!.webDialer.calls.length).toBe(calls);
    await page.fill('[data-testid="dial-input"]', '');
  });

  it('fills contacts from the directory, and the card shows addresses, numbers and presence per device', async () => {
    await page.locator('[data-testid="directory-status"][data-state="ready"]', { hasText: 'Directory: 6 contacts found.' }).waitFor();
    await page.locator(`[data-testid="contact"][data-uri="${uri('maria')}"][data-availability="available"]`).waitFor();
    await openCardFromMenu('maria');
    expect(await card().locator('[data-testid="card-name"]').textContent()).toBe('Maria Chen');
    expect(await card().locator('[data-testid="card-title"]').textContent()).toBe('Product lead');
    expect(await card().locator('[data-testid="card-sip"]').textContent()).toBe(`maria@${created.lab!.domain}`);
    expect(await card().locator('[data-testid="card-email"]').textContent()).toBe(`maria@${created.lab!.domain}`);
    expect(
      await card()
        .locator('[data-testid="card-number"]')
        .evaluateAll((els) => els.map((e) => e.textContent)),
    ).toEqual(['+1 408 555 0101', '+1 650 555 0111']);
    expect(await card().locator('[data-testid="card-number-lookup"]').allTextContents()).toEqual([
      "known to the phone system as 0101 (rule 'Directory: own site')",
    ]);
    await card().locator('[data-testid="card-device"]').first().waitFor();
    expect(await card().locator('[data-testid="card-presence"]').textContent()).toBe('Available — Reviewing the roadmap');
  });

  it('shows the rule preview on hover, calls on click, and Recent lists the call', async () => {
    const webDialer = created.lab!.webDialer;
    const before = webDialer.calls.length;
    await cardNumber('+1 408 555 0101').hover();
    await card().locator('[data-testid="card-number-hint"][data-number="+1 408 555 0101"]', { hasText: "will dial 0101 (rule 'Own site')" }).waitFor();
    expect(await cardNumber('+1 408 555 0101').getAttribute('title')).toBe("will dial 0101 (rule 'Own site')");
    await cardNumber('+1 408 555 0101').click();
    await card().locator('[data-testid="card-call-result"][data-ok="true"]', { hasText: 'Calling 0101 on your phone…' }).waitFor();
    expect(webDialer.calls.slice(before).map((c) => [c.user, c.destination])).toEqual([['alex', '0101']]);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-contact-card.png') });
    await page.click('[data-testid="card-close"]');
    await page.click('[data-testid="tab-recent"]');
    await page.locator('[data-testid="recent-entry"][data-dialed="0101"]').waitFor();
    // The number is recognised as Maria's work number from the directory.
    expect(await page.locator('[data-testid="recent-entry"][data-dialed="0101"] [data-testid="recent-name"]').first().textContent()).toBe('Maria Chen (work)');
  });

  it('with WebDialer unavailable the card shows the error and nothing is recorded as placed', async () => {
    const webDialer = created.lab!.webDialer;
    const calls = webDialer.calls.length;
    const entries = await page.locator('[data-testid="recent-entry"]').count();
    await page.click('[data-testid="tab-contacts"]');
    await openCardFromMenu('maria');
    webDialer.failWith(6);
    await cardNumber('+1 650 555 0111').hover();
    await card()
      .locator('[data-testid="card-number-hint"][data-number="+1 650 555 0111"]', { hasText: "will dial 916505550111 (rule 'North America')" })
      .waitFor();
    await cardNumber('+1 650 555 0111').click();
    const error = card().locator('[data-testid="card-call-result"][data-ok="false"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('The call was not placed: WebDialer is temporarily unavailable.');
    expect(webDialer.calls.length).toBe(calls);
    await page.click('[data-testid="card-close"]');
    await page.click('[data-testid="tab-recent"]');
    await page.locator('[data-testid="recent-entry"]').first().waitFor();
    expect(await page.locator('[data-testid="recent-entry"]').count()).toBe(entries);
    expect(await page.locator('[data-testid="recent-entry"][data-dialed="916505550111"]').count()).toBe(0);
  });

  it('calls again from Recent with a click, and hangs up', async () => {
    const webDialer = created.lab!.webDialer;
    const before = webDialer.calls.length;
    const entries = await page.locator('[data-testid="recent-entry"]').count();
    const again = page.locator('[data-testid="recent-entry"][data-dialed="0101"] [data-testid="recent-call"]').first();
    await again.hover();
    await expect.poll(() => again.getAttribute('title'), { timeout: 5000 }).toBe("will dial 0101 (rule 'Own site')");
    await again.click();
    await page.locator('[data-testid="recent-call-result"][data-ok="true"]', { hasText: 'Calling 0101 on your phone…' }).waitFor();
    expect(webDialer.calls.slice(before).map((c) => c.destination)).toEqual(['0101']);
    await expect.poll(() => page.locator('[data-testid="recent-entry"]').count()).toBe(entries + 1);
    // The CTI gateway reports the call on the user's line: shown as it is, with Hang up.
    // Earlier calls of this file are on hold: a new call holds the one in progress, as a desk phone does.
    const talking = page.locator('[data-testid="phone-call"][data-state="talking"]');
    await talking.filter({ hasText: 'On a call with Maria Chen (0101)' }).waitFor();
    expect(await talking.count()).toBe(1);
    const connected = () => created.lab!.phoneSwitch.snapshot('1000').filter((c) => c.state === 'connected');
    expect(connected()).toHaveLength(1);
    const held = created.lab!.phoneSwitch.snapshot('1000').length - 1;
    expect(await page.locator('[data-testid="phone-call"][data-state="held"]').count()).toBe(held);
    await talking.locator('[data-testid="hang-up"]').click();
    await page.locator('[data-testid="dial-result"][data-ok="true"]', { hasText: 'Call ended.' }).waitFor();
    await talking.waitFor({ state: 'detached' });
    expect(connected()).toEqual([]);
    expect(created.lab!.phoneSwitch.snapshot('1000')).toHaveLength(held);
    await page.click('[data-testid="tab-contacts"]');
  });

  it('opens the card from the conversation header; Call there uses the first number', async () => {
    const webDialer = created.lab!.webDialer;
    await page.locator(`[data-testid="contact"][data-uri="${uri('omar')}"]`).click();
    await page.click('[data-testid="conversation-card"]');
    await page.locator(`[data-testid="contact-card"][data-uri="${uri('omar')}"]`).waitFor();
    const before = webDialer.calls.length;
    await expect.poll(() => card().locator('[data-testid="card-call"]').getAttribute('title')).toBe("will dial 0104 (rule 'Own site')");
    await card().locator('[data-testid="card-call"]').click();
    await card().locator('[data-testid="card-call-result"][data-ok="true"]').waitFor();
    expect(webDialer.calls.slice(before).map((c) => c.destination)).toEqual(['0104']);
    await card().locator('[data-testid="card-chat"]').click();
    expect(await card().count()).toBe(0);
    await page.locator(`[data-testid="conversation"][data-peer="${uri('omar')}"]`).waitFor();
  });

  it('fills the dial box when the system asks to call a tel: number while running', async () => {
    const calls = created.lab!.webDialer.calls.length;
    created.session.requestOpen({ kind: 'call', number: '+44 20 7946 0103' });
    await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 9011442079460103 (rule 'International')" }).waitFor();
    expect(await page.inputValue('[data-testid="dial-input"]')).toBe('+44 20 7946 0103');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dial-input');
    expect(created.lab!.webDialer.calls.length).toBe(calls);
    await page.fill('[data-testid="dial-input"]', '');
  });

  it('finds people in the directory from "Add a contact", and filter syntax finds nobody', async () => {
    const group = page.locator('[data-testid="group"][data-name="Product team"]');
    await group.locator('.group-header-row').hover();
    await group.locator('[data-testid="group-add-contact"]').click();
    await page.fill('[data-testid="directory-search"]', 'maria');
    await page.locator('[data-testid="directory-result"]').nth(1).waitFor();
    expect(await page.locator('[data-testid="directory-result"] .contact-name').allTextContents()).toEqual(['Maria Chen', 'Maria Gonzalez']);
    await page.click('[data-testid="directory-result"][data-user="mgonzalez"]');
    expect(await page.inputValue('[data-testid="dialog-input"]')).toBe('mgonzalez');
    expect(await page.inputValue('[data-testid="dialog-second"]')).toBe('Maria Gonzalez');
    await page.fill('[data-testid="directory-search"]', 'zoë');
    await page.locator('[data-testid="directory-result"][data-user="zangstrom"]').waitFor();
    expect(await page.locator('[data-testid="directory-result"] .contact-note').allTextContents()).toEqual([
      `Research, R&D <Labs> · zangstrom@${created.lab!.domain} · +46 8 555 0123`,
    ]);
    expect(await page.locator('[data-testid="directory-results"] labs').count()).toBe(0);
    await page.fill('[data-testid="directory-search"]', '*)(uid=*');
    await page.locator('[data-testid="directory-no-results"]').waitFor();
    await page.click('[data-testid="add-contact-dialog"] .dialog-buttons .link');
    expect(await page.locator('[data-testid="add-contact-dialog"]').count()).toBe(0);
  });

  it('Settings: chooses the phone and line calls use, and lists the dialing rules with a try field', async () => {
    const webDialer = created.lab!.webDialer;
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-phone"]');
    const select = page.locator('[data-testid="phone-device"]');
    await select.waitFor();
    expect(await select.locator('option').allTextContents()).toEqual([
      'SEP00AA00BB0000 — line 1000 ; Internal',
      'CSFALEX — line 1000 ; Internal',
      'CSFALEX — line 1099 ; Shared line',
    ]);
    await select.selectOption({ label: 'CSFALEX — line 1099 ; Shared line' });
    await expect.poll(() => select.inputValue()).toBe(JSON.stringify(['CSFALEX', '1099']));

    await page.click('[data-testid="settings-dialing-rules"]');
    await page.locator('[data-testid="rule-row"]').first().waitFor();
    expect(
      await page.locator('[data-testid="rules-type-1"] [data-testid="rule-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name'))),
    ).toEqual(['Own site', 'Internal', 'North America', 'Local', 'International']);
    expect(await page.locator('[data-testid="rules-type-2"] [data-testid="rule-row"] td').allTextContents()).toEqual([
      '1',
      'Directory: own site',
      '+1408555',
      '11',
      '8',
      '—',
    ]);
    await page.fill('[data-testid="rules-try"]', '+1 (408) 555-0102');
    await page.locator('[data-testid="rules-try-application"]', { hasText: "will dial 0102 (rule 'Own site')" }).waitFor();
    await page.locator('[data-testid="rules-try-directory"]', { hasText: "looked up as 0102 (rule 'Directory: own site')" }).waitFor();
    await page.fill('[data-testid="rules-try"]', 'call me');
    await page.locator('[data-testid="rules-try-application"]', { hasText: '"call me" is not a phone number.' }).waitFor();
    await page.screenshot({ path: join(root, 'test-results', 'e2e-dialing-rules.png') });
    await page.click('[data-testid="settings-close"]');

    const before = webDialer.calls.length;
    await page.fill('[data-testid="dial-input"]', '1234');
    await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 1234 (rule 'Internal')" }).waitFor();
    await page.click('[data-testid="dial-call"]');
    await page.locator('[data-testid="dial-result"][data-ok="true"]', { hasText: 'Calling 1234' }).waitFor();
    expect(webDialer.calls.slice(before)).toMatchObject([{ deviceName: 'CSFALEX', lineNumber: '1099', destination: '1234' }]);
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
