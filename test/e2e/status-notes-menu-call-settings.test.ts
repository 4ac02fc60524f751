/**
 * End to end on the demo lab (real Kamailio, slapd, lab CUPS and WebDialer) in Debian's
 * Chromium through the browser host: re-using a recent status note (a colleague's watcher
 * sees the note change), calling a contact's directory number from the buddy list's menu
 * (WebDialer gets the number after the dialing rules, Recent shows it), and the SIP choices
 * of Settings → Connection (saved, kept across a reload, bad values refused in words).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipConnectionSettings } from '../../shared/domain';
import type { CreatedBackend } from '../../host/backend-factory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('notes', {
    lab: { livenEveryMs: 0, replyDelayMs: 150 },
    // The calls here are about WebDialer: they go there rather than through the CTI gateway.
    beforeHost: async (c) => void (await c.session.handlers['phone:options']({ callVia: 'webdialer' })),
  });
  ({ created, page, pageErrors } = desk);
});

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const row = (id: string) => page.locator('li', { has: page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`) });
const notesShown = () => page.locator('[data-testid="recent-note"]').allTextContents();
const sipSaved = async () => (await created.session.handlers['connection:sip']()) as SipConnectionSettings;

describe('recent status notes', () => {
  it('offers the notes used lately and publishes a picked one again with one click', async () => {
    const maria = created.lab!.bots.get('maria')!;
    expect(await page.locator('[data-testid="recent-notes"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="own-note"]', 'Reviewing pull requests');
    await page.press('[data-testid="own-note"]', 'Enter');
    await maria.waitForPresence(uri('alex'), (p) => p.note === 'Reviewing pull requests', 5000);
    await page.fill('[data-testid="own-note"]', 'In the lab until 3');
    await page.press('[data-testid="own-note"]', 'Enter');
    await maria.waitForPresence(uri('alex'), (p) => p.note === 'In the lab until 3', 5000);

    await page.click('[data-testid="recent-notes"]');
    const menu = page.locator('[data-testid="recent-notes-menu"][role="menu"]');
    await menu.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="recent-note"]').length === 2);
    expect(await notesShown()).toEqual(['In the lab until 3', 'Reviewing pull requests']);
    // The note in use is marked; the menu has the keyboard focus on its first item.
    expect(await page.locator('[data-testid="recent-note"][aria-checked="true"]').textContent()).toBe('In the lab until 3');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('In the lab until 3');

    await page.locator('[data-testid="recent-note"]', { hasText: 'Reviewing pull requests' }).click();
    const seen = await maria.waitForPresence(uri('alex'), (p) => p.note === 'Reviewing pull requests', 5000);
    expect(seen.note).toBe('Reviewing pull requests');
    expect(await menu.count()).toBe(0);
    expect(await page.inputValue('[data-testid="own-note"]')).toBe('Reviewing pull requests');
  });

  it('works from the keyboard: Down opens the list, arrows move, Enter publishes, Escape closes', async () => {
    const maria = created.lab!.bots.get('maria')!;
    await page.focus('[data-testid="own-note"]');
    await page.keyboard.press('ArrowDown');
    await page.locator('[data-testid="recent-notes-menu"]').waitFor();
    // The note just re-used moved to the top.
    await page.waitForFunction(() => document.querySelector('[data-testid="recent-note"]')?.textContent === 'Reviewing pull requests');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('In the lab until 3');
    await page.keyboard.press('Enter');
    await maria.waitForPresence(uri('alex'), (p) => p.note === 'In the lab until 3', 5000);
    expect(await page.inputValue('[data-testid="own-note"]')).toBe('In the lab until 3');

    await page.click('[data-testid="recent-notes"]');
    await page.locator('[data-testid="recent-notes-menu"]').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid="recent-notes-menu"]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('recent-notes');
  });
});

describe('calling from the buddy list', () => {
  it('offers each directory number with the rule preview, calls through WebDialer, and Recent lists it', async () => {
    await page.locator('[data-testid="directory-status"][data-state="ready"]').waitFor();
    const webDialer = created.lab!.webDialer;
    const before = webDialer.calls.length;
    await row('maria').hover();
    await row('maria').locator('[data-testid="contact-more"]').click();
    const items = page.locator('[data-testid="contact-menu"] [data-testid="menu-call"]');
    await items.first().waitFor();
    expect(await items.allTextContents()).toEqual(['Call work +1 408 555 0101', 'Call mobile +1 650 555 0111']);
    const work = page.locator(`[data-testid="menu-call"][data-label="work"][title="will dial 0101 (rule 'Own site')"]`);
    await work.waitFor();
    await page.locator(`[data-testid="menu-call"][data-label="mobile"][title="will dial 916505550111 (rule 'North America')"]`).waitFor();
    // Nothing is called by opening the menu or by its previews.
    expect(webDialer.calls.length).toBe(before);

    await work.click();
    await page.locator('[data-testid="menu-call-result"][data-ok="true"]', { hasText: 'Calling 0101 on your phone…' }).waitFor();
    expect(await page.locator('[data-testid="contact-menu"]').count()).toBe(0);
    expect(webDialer.calls.slice(before).map((c) => [c.user, c.destination])).toEqual([['alex', '0101']]);

    await page.click('[data-testid="tab-recent"]');
    await page.locator('[data-testid="recent-entry"][data-dialed="0101"]').waitFor();
    expect(await page.locator('[data-testid="recent-entry"][data-dialed="0101"] [data-testid="recent-name"]').first().textContent()).toBe('Maria Chen (work)');
    await page.click('[data-testid="tab-contacts"]');
  });

  it('shows WebDialer’s refusal in words and records nothing as placed', async () => {
    const webDialer = created.lab!.webDialer;
    const calls = webDialer.calls.length;
    // The next request to WebDialer fails once, as a server without a free line does.
    webDialer.failWith(6);
    await row('maria').hover();
    await row('maria').locator('[data-testid="contact-more"]').click();
    await page.locator('[data-testid="menu-call"][data-label="mobile"]').click();
    const error = page.locator('[data-testid="menu-call-result"][data-ok="false"][role="alert"]');
    await error.waitFor();
    expect((await error.textContent())?.length).toBeGreaterThan(5);
    expect(webDialer.calls.length).toBe(calls);
    await page.click('[data-testid="menu-call-dismiss"]');
    expect(await page.locator('[data-testid="menu-call-result"]').count()).toBe(0);
  });
});

describe('Settings → Connection, SIP', () => {
  const openConnection = async () => {
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-connection"]');
    await page.locator('[data-testid="sip-settings"]').waitFor();
  };

  it('saves the transport, the presence list and a trusted certificate, and keeps them across a reload', async () => {
    await openConnection();
    expect(await page.inputValue('[data-testid="sip-transport"]')).toBe('auto');
    await page.locator('[data-testid="sip-certificate-none"]').waitFor();

    await page.selectOption('[data-testid="sip-transport"]', 'tcp');
    await page.locator('[data-testid="sip-saved"]', { hasText: 'Transport saved. Used from the next sign-in.' }).waitFor();
    expect((await sipSaved()).sipTransport).toBe('tcp');

    await page.check('[data-testid="presence-list-uri-choice"]');
    await page.fill('[data-testid="presence-list-uri"]', `sip:alex-list@${created.lab!.domain}`);
    await page.click('[data-testid="presence-list-save"]');
    await page.locator('[data-testid="sip-saved"]', { hasText: 'Presence list saved.' }).waitFor();
    expect((await sipSaved()).presenceList).toBe(`sip:alex-list@${created.lab!.domain}`);

    await page.fill('[data-testid="sip-certificate-pem"]', created.lab!.kamailio.tlsCertificate);
    await page.click('[data-testid="sip-certificate-save"]');
    await page.locator('[data-testid="sip-certificate"]').waitFor();
    expect(await page.inputValue('[data-testid="sip-certificate-pem"]')).toBe('');
    expect(await page.locator('[data-testid="sip-certificate"]').textContent()).toMatch(/[0-9A-F]{2}(:[0-9A-F]{2}){31}/);
    expect((await sipSaved()).sipCertificates).toHaveLength(1);

    await page.reload();
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    await openConnection();
    expect(await page.inputValue('[data-testid="sip-transport"]')).toBe('tcp');
    expect(await page.isChecked('[data-testid="presence-list-uri-choice"]')).toBe(true);
    expect(await page.inputValue('[data-testid="presence-list-uri"]')).toBe(`sip:alex-list@${created.lab!.domain}`);
    expect(await page.locator('[data-testid="sip-certificate"]').count()).toBe(1);
    expect(await page.locator('text=used from the next sign-in').count()).toBeGreaterThan(0);
  });

  it('refuses what could not work, in words, and keeps what was saved', async () => {
    await page.fill('[data-testid="presence-list-uri"]', 'alex-list');
    await page.click('[data-testid="presence-list-save"]');
    await page
      .locator('[data-testid="sip-error"][role="alert"]', {
        hasText: '"alex-list" is not a list address: write a SIP address such as sip:alex-list@example.com.',
      })
      .waitFor();
    expect((await sipSaved()).presenceList).toBe(`sip:alex-list@${created.lab!.domain}`);

    await page.fill('[data-testid="sip-certificate-pem"]', 'MIIB this is not a certificate');
    await page.click('[data-testid="sip-certificate-save"]');
    await page.locator('[data-testid="sip-error"]', { hasText: 'No certificate found: paste PEM text that starts with -----BEGIN CERTIFICATE-----' }).waitFor();
    expect((await sipSaved()).sipCertificates).toHaveLength(1);

    // Clearing goes back to the system's roots only, and per-contact presence is one click.
    await page.click('[data-testid="sip-certificate-clear"]');
    await page.locator('[data-testid="sip-certificate-none"]').waitFor();
    await page.check('[data-testid="presence-list-off"]');
    await page.locator('[data-testid="sip-saved"]', { hasText: 'Presence per contact saved.' }).waitFor();
    expect(await sipSaved()).toEqual({ sipTransport: 'tcp', sipCertificates: [], presenceList: '', xcapRoot: '', dnsServers: '' });
    await page.click('[data-testid="settings-close"]');
    expect(pageErrors).toEqual([]);
  });
});
