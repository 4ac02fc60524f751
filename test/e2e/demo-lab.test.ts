/**
 * End to end: the real renderer in Debian's Chromium, through the browser host, on the demo
 * lab (real Kamailio, lab CUPS, colleague bots). What a newcomer does first: see the buddy
 * list, set a status, chat with a colleague.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NOT_STORED_REASON } from '../../core/im';
import { MessageHistory } from '../../core/store/history';
import type { CreatedBackend } from '../../host/backend-factory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

const root = join(import.meta.dirname, '..', '..');
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('demo', {
    lab: { livenEveryMs: 0, replyDelayMs: 150 },
    signedIn: false,
    // The demo's dialing goes through WebDialer here (CTI calls are tested in cti-desk-phone).
    beforeHost: async (c) => void (await c.session.handlers['phone:options']({ callVia: 'webdialer' })),
  });
  ({ created, page, pageErrors } = desk);
});

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const contact = (id: string) => page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`);

describe('Presence Desk on the demo lab, in Chromium', () => {
  it('shows the groups and colleagues with the right presence', async () => {
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    expect(await page.locator('[data-testid="group"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual([
      'Product team',
      'Support desk',
    ]);
    const expected: Record<string, string> = { maria: 'available', sam: 'away', priya: 'busy', omar: 'available', jonas: 'dnd', lena: 'offline' };
    for (const [id, availability] of Object.entries(expected)) {
      await page.locator(`[data-testid="contact"][data-uri="${uri(id)}"][data-availability="${availability}"]`).waitFor({ timeout: 5000 });
    }
    await expect(contact('priya').locator('[data-testid="contact-note"]').textContent()).resolves.toBe('In a meeting');
    await expect(page.locator('[data-testid="group"][data-name="Product team"] [data-testid="group-count"]').textContent()).resolves.toBe('3/3');
    await expect(page.locator('[data-testid="group"][data-name="Support desk"] [data-testid="group-count"]').textContent()).resolves.toBe('2/3');
  });

  it('filters the list by name', async () => {
    await page.fill('[data-testid="search"]', 'okaf');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length === 1);
    await expect(page.locator('[data-testid="contact"]').getAttribute('data-uri')).resolves.toBe(uri('sam'));
    await page.fill('[data-testid="search"]', '');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length === 6);
  });

  it('changes own status and a colleague sees it', async () => {
    await page.fill('[data-testid="own-note"]', 'Planning the release');
    await page.selectOption('[data-testid="own-status"]', 'busy');
    const seen = await created
      .lab!.bots.get('maria')!
      .waitForPresence(uri('alex'), (p) => p.availability === 'busy' && p.note === 'Planning the release', 5000);
    expect(seen.availability).toBe('busy');
  });

  it('follows a colleague’s status change live', async () => {
    await created.lab!.bots.get('omar')!.setStatus({ availability: 'away', note: 'Lunch' });
    await page.locator(`[data-testid="contact"][data-uri="${uri('omar')}"][data-availability="away"]`).waitFor({ timeout: 5000 });
    await expect(contact('omar').locator('[data-testid="contact-note"]').textContent()).resolves.toBe('Lunch');
  });

  it('exchanges IMs with a colleague, showing hostile text as text', async () => {
    const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> javascript:alert(1) ‮evil Grüße 👋`;
    await contact('maria').click();
    await page.fill('[data-testid="im-input"]', hostile);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="message"][data-direction="out"][data-state="sent"]').waitFor({ timeout: 5000 });
    const received = await created.lab!.bots.get('maria')!.waitForMessage((m) => m.text === hostile, 5000);
    expect(received.text).toBe(hostile);
    await page.locator('[data-testid="message"][data-direction="in"]').waitFor({ timeout: 5000 });
    const texts = await page.locator('[data-testid="message-text"]').allTextContents();
    expect(texts[0]).toBe(hostile);
    expect(texts[1]).toContain(hostile);
    // Nothing the peer or the user typed became markup or ran.
    expect(await page.locator('.messages img, .messages script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-demo-lab.png') });
  });

  it('dials through the server’s rules and WebDialer, and Recent shows the call', async () => {
    const webDialer = created.lab!.webDialer;
    const before = webDialer.calls.length;
    await page.fill('[data-testid="dial-input"]', '+1 (650) 555-0199');
    await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 916505550199 (rule 'North America')" }).waitFor();
    await page.click('[data-testid="dial-call"]');
    await page.locator('[data-testid="dial-result"][data-ok="true"]').waitFor();
    expect(webDialer.calls.slice(before).map((c) => [c.user, c.destination])).toEqual([['alex', '916505550199']]);
    await page.click('[data-testid="tab-recent"]');
    await page.locator('[data-testid="recent-entry"][data-dialed="916505550199"]').waitFor();
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-dial-recent.png') });
  });

  it('with WebDialer unavailable it says so and records nothing as placed', async () => {
    const webDialer = created.lab!.webDialer;
    const calls = webDialer.calls.length;
    const entries = await page.locator('[data-testid="recent-entry"]').count();
    webDialer.failWith(6);
    await page.fill('[data-testid="dial-input"]', '555 0100');
    await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 95550100 (rule 'Local')" }).waitFor();
    await page.click('[data-testid="dial-call"]');
    const error = page.locator('[data-testid="dial-result"][data-ok="false"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('The call was not placed: WebDialer is temporarily unavailable.');
    expect(webDialer.calls.length).toBe(calls);
    expect(await page.locator('[data-testid="recent-entry"]').count()).toBe(entries);
    await page.click('[data-testid="tab-contacts"]');
  });

  it('makes numbers in a message callable with the rule shown, and javascript: links inert', async () => {
    const webDialer = created.lab!.webDialer;
    await page.fill('[data-testid="im-input"]', 'Call me on +44 20 7946 0103 or see https://example.com — not javascript:alert(1)');
    await page.keyboard.press('Enter');
    const number = page.locator('[data-testid="message"][data-direction="out"]').last().locator('[data-testid="message-number"]');
    await number.hover();
    await expect.poll(() => number.getAttribute('title'), { timeout: 5000 }).toBe("will dial 9011442079460103 (rule 'International')");
    const before = webDialer.calls.length;
    await number.click();
    await expect.poll(() => webDialer.calls.length, { timeout: 5000 }).toBe(before + 1);
    expect(webDialer.calls.at(-1)?.destination).toBe('9011442079460103');
    const links = await page
      .locator('[data-testid="message"][data-direction="out"]')
      .last()
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['https://example.com']);
  });

  it('flags a message from someone else with an unread badge and the title, cleared when read', async () => {
    await created.lab!.bots.get('sam')!.account.sendMessage(uri('alex'), 'Got a minute?');
    await contact('sam').locator('[data-testid="unread"]', { hasText: '1' }).waitFor();
    await expect.poll(() => page.title()).toBe('(1) Presence Desk');
    await contact('sam').click();
    await page.locator('[data-testid="conversation"][data-peer="' + uri('sam') + '"] [data-testid="message-text"]', { hasText: 'Got a minute?' }).waitFor();
    await expect.poll(() => page.title()).toBe('Presence Desk');
    expect(await contact('sam').locator('[data-testid="unread"]').count()).toBe(0);
  });

  it('while history cannot be written, a colleague’s IM is refused with the reason and the page says which file', async () => {
    const full = vi.spyOn(MessageHistory.prototype, 'add').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      const refused = await created
        .lab!.bots.get('omar')!
        .account.sendMessage(uri('alex'), 'Only if you keep it')
        .catch((e: Error) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain(`500 ${NOT_STORED_REASON}`);
      const banner = page.locator('[data-testid="history-failing"]');
      await banner.waitFor();
      expect(await banner.textContent()).toMatch(/cannot be written to \S*history\S* \(ENOSPC: no space left on device, write\)/);
    } finally {
      full.mockRestore();
    }
    // Writable again: the sender's next try is kept, shown, and the banner goes.
    await created.lab!.bots.get('omar')!.account.sendMessage(uri('alex'), 'Only if you keep it');
    await page.locator('[data-testid="history-failing"]').waitFor({ state: 'detached' });
    await contact('omar').locator('[data-testid="unread"]', { hasText: '1' }).waitFor();
  });

  it('edits groups and contacts on the server from the list, with undo and the server’s words on failure', async () => {
    const cups = created.lab!.cups;
    const stored = (name: string) =>
      cups
        .contactList('alex')
        .find((g) => g.name === name)
        ?.contacts.map((c) => `${c.personaId}:${c.nickname}`);
    const group = (name: string) => page.locator(`[data-testid="group"][data-name="${name}"]`);
    const row = (g: string, id: string) => group(g).locator('li', { has: page.locator(`[data-uri="${uri(id)}"]`) });
    const dialog = async (value: string, second?: string) => {
      await page.fill('[data-testid="dialog-input"]', value);
      if (second !== undefined) await page.fill('[data-testid="dialog-second"]', second);
      await page.click('[data-testid="dialog-submit"]');
    };

    await page.click('[data-testid="new-group"]');
    await dialog('Project X');
    await group('Project X').waitFor();
    expect(stored('Project X')).toEqual([]);

    await group('Project X').locator('.group-header-row').hover();
    await group('Project X').locator('[data-testid="group-add-contact"]').click();
    await dialog('maria', 'Maria PX');
    await row('Project X', 'maria').waitFor();
    expect(stored('Project X')).toEqual(['maria:Maria PX']);

    await row('Project X', 'maria').hover();
    await row('Project X', 'maria').locator('[data-testid="contact-more"]').click();
    await page.click('[data-testid="menu-rename"]');
    await dialog('Maria X');
    await row('Project X', 'maria').locator('.contact-name', { hasText: 'Maria X' }).waitFor();
    expect(stored('Project X')).toEqual(['maria:Maria X']);

    await row('Support desk', 'omar').hover();
    await row('Support desk', 'omar').locator('[data-testid="contact-more"]').click();
    await page.click('[data-testid="menu-move"][data-to="Project X"]');
    await row('Project X', 'omar').waitFor();
    // A move is an add to the new group and then a delete from the old one: wait for both.
    await expect
      .poll(() => [stored('Project X'), stored('Support desk')?.includes('omar:Omar Haddad')])
      .toEqual([['maria:Maria X', 'omar:Omar Haddad'], false]);

    await row('Project X', 'maria').hover();
    await row('Project X', 'maria').locator('[data-testid="contact-more"]').click();
    await page.click('[data-testid="menu-remove"]');
    await page.locator('[data-testid="toast"]', { hasText: 'Removed Maria X.' }).waitFor();
    await expect.poll(() => stored('Project X')).toEqual(['omar:Omar Haddad']);
    await page.click('[data-testid="undo"]');
    await row('Project X', 'maria').waitFor();
    await expect.poll(() => stored('Project X')).toEqual(['omar:Omar Haddad', 'maria:Maria X']);

    // Only add-group fails: a re-read the server's echo of the edits above may trigger must not take the fault.
    cups.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'add-group' });
    await page.click('[data-testid="new-group"]');
    await dialog('Broken');
    await page.locator('[data-testid="dialog-error"]', { hasText: 'Adding the group "Broken" failed: Could not connect to database.' }).waitFor();
    await page.click('.dialog-buttons .link');
    expect(await group('Broken').count()).toBe(0);
    expect(stored('Broken')).toBeUndefined();

    await row('Project X', 'omar').hover();
    await row('Project X', 'omar').locator('[data-testid="contact-more"]').click();
    await page.click('[data-testid="menu-move"][data-to="Support desk"]');
    await row('Support desk', 'omar').waitFor();
    await group('Project X').locator('.group-header-row').hover();
    await group('Project X').locator('[data-testid="group-delete"]').click();
    await page.locator('[data-testid="toast"]', { hasText: 'Deleted the group "Project X".' }).waitFor();
    await expect.poll(() => cups.contactList('alex').map((g) => g.name)).toEqual(['Product team', 'Support desk']);
    await page.screenshot({ path: join(root, 'test-results', 'e2e-contact-editing.png') });
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
