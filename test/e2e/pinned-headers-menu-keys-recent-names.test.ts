/**
 * End to end on the demo lab with 350 more contacts in seven groups (real Kamailio, lab CUPS,
 * slapd) in Debian's Chromium: the header of the group being scrolled through stays pinned at
 * the top of the buddy list (and still collapses, takes drops and lets the keyboard rows show),
 * the contact menu works from the keyboard as a WAI-ARIA menu, and Recent names the people of
 * the contact list in its IM entries.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { LAB_EXTRA_GROUPS } from '../../lab/directory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';
import { allPresenceKnown } from '../support/wait';

const EXTRA = 350;
// Row heights the buddy list's CSS gives its rows.
const GROUP_ROW = 32;
const CONTACT_ROW = 46;
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('ui-gaps', { lab: { livenEveryMs: 0, extraContacts: EXTRA }, beforeHost: (c) => allPresenceKnown(c.session) });
  ({ created, page, pageErrors } = desk);
}, 120_000);

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const scroller = () => page.locator('[data-testid="buddy-scroll"]');
const header = (group: string) => page.locator(`[data-testid="group"][data-name="${group}"] [data-testid="group-header"]`);
const contact = (id: string) => page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`);
const row = (id: string) => page.locator('li', { has: contact(id) });
/** A lab group's people in the list's (name) order. */
const people = (group: string) => created.lab!.extraPeople.filter((p) => p.group === group).sort((a, b) => a.displayName.localeCompare(b.displayName));
/** Where a group's header row starts in the list, from the groups before it. */
const startOf = (group: string) => {
  const sizes: Array<[string, number]> = [['Product team', 3], ['Support desk', 3], ...LAB_EXTRA_GROUPS.map((g): [string, number] => [g, people(g).length])];
  let top = 0;
  for (const [name, count] of sizes) {
    if (name === group) return top;
    top += GROUP_ROW + count * CONTACT_ROW;
  }
  throw new Error(`no group ${group}`);
};
const scrollTo = (top: number) => scroller().evaluate((el, t) => void (el.scrollTop = t), top);
const view = async () => (await scroller().boundingBox())!;
const box = async (locator: ReturnType<Page['locator']>) => (await locator.boundingBox())!;
/** The group header drawn at this point of the page, if any: what the user sees and clicks there. */
const headerAt = (x: number, y: number) =>
  page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.closest('[data-testid="group-header"]')?.getAttribute('aria-label') ?? null, [x, y]);
const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? null);

describe('pinned group headers', () => {
  it('keeps the header of the group being scrolled through at the top of the list, over its rows', async () => {
    const engineering = people('Engineering');
    expect(engineering.length).toBe(EXTRA / LAB_EXTRA_GROUPS.length);
    await scrollTo(startOf('Engineering') + GROUP_ROW + 20 * CONTACT_ROW + 10);
    await contact(engineering[21].id).waitFor();
    // The group's first rows are scrolled away (not even kept as overscan)…
    await contact(engineering[0].id).waitFor({ state: 'detached' });
    await header('Product team').waitFor({ state: 'detached' });
    // …and its header, with its counts and toggle, is at the top edge of the list, on top of the rows.
    const list = await view();
    const pinned = await box(header('Engineering'));
    expect(Math.abs(pinned.y - list.y)).toBeLessThan(1);
    expect(await headerAt(list.x + 40, list.y + 8)).toBe(`Engineering, 0 of ${engineering.length} online`);
    expect(await header('Engineering').locator('[data-testid="group-count"]').textContent()).toBe(`0/${engineering.length}`);
    expect(await header('Engineering').locator('[data-testid="group-toggle"]').getAttribute('aria-expanded')).toBe('true');
    // The row half under it is still there, just covered.
    expect((await box(contact(engineering[20].id))).y).toBeLessThan(list.y);
    expect(await page.locator('[role="treeitem"]').count()).toBeLessThan(200);
  });

  it('lets the next group’s header push it out and take its place', async () => {
    const list = await view();
    await scrollTo(startOf('Sales') - 12);
    await header('Sales').waitFor();
    await contact(people('Engineering').at(-1)!.id).waitFor();
    // Sales's header is 12 px below the top: Engineering's is pushed up by as much as it overlaps.
    expect(Math.abs((await box(header('Sales'))).y - (list.y + 12))).toBeLessThan(1);
    expect(Math.abs((await box(header('Engineering'))).y - (list.y + 12 - GROUP_ROW))).toBeLessThan(1);
    expect(await headerAt(list.x + 40, list.y + 16)).toMatch(/^Sales, /);

    await scrollTo(startOf('Sales') + GROUP_ROW + 5 * CONTACT_ROW);
    await header('Engineering').waitFor({ state: 'detached' });
    expect(Math.abs((await box(header('Sales'))).y - list.y)).toBeLessThan(1);
    expect(await headerAt(list.x + 40, list.y + 8)).toMatch(/^Sales, /);
  });

  it('collapses the group from its pinned header, which comes back to its place', async () => {
    const sales = people('Sales');
    await scrollTo(startOf('Sales') + GROUP_ROW + 20 * CONTACT_ROW);
    await contact(sales[22].id).waitFor();
    await header('Sales').locator('[data-testid="group-toggle"]').click();
    await expect.poll(() => header('Sales').getAttribute('aria-expanded')).toBe('false');
    expect(await scroller().evaluate((el) => el.scrollTop)).toBe(startOf('Sales'));
    const list = await view();
    expect(Math.abs((await box(header('Sales'))).y - list.y)).toBeLessThan(1);
    await header('Operations').waitFor();
    expect(Math.abs((await box(header('Operations'))).y - (list.y + GROUP_ROW))).toBeLessThan(1);
    expect(await page.locator(`[data-testid="group"][data-name="Sales"] [data-testid="contact"]`).count()).toBe(0);

    await header('Sales').locator('[data-testid="group-toggle"]').click();
    await contact(sales[0].id).waitFor();
    expect(await header('Sales').getAttribute('aria-expanded')).toBe('true');
  });

  it('brings a row reached with the arrow keys into view below the pinned header, not under it', async () => {
    const sales = people('Sales');
    await scrollTo(startOf('Sales') + GROUP_ROW + 20 * CONTACT_ROW);
    await contact(sales[23].id).waitFor();
    await contact(sales[22].id).click();
    await page.locator(`[data-testid="conversation"][data-peer="${uri(sales[22].id)}"]`).waitFor();
    await scroller().focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
    const active = () =>
      scroller().evaluate(
        (el) =>
          document
            .getElementById(el.getAttribute('aria-activedescendant') ?? '')
            ?.querySelector('[data-uri]')
            ?.getAttribute('data-uri') ?? null,
      );
    await expect.poll(active).toBe(uri(sales[18].id));
    const list = await view();
    const pinned = await box(header('Sales'));
    expect(Math.abs(pinned.y - list.y)).toBeLessThan(1);
    expect((await box(contact(sales[18].id))).y).toBeGreaterThanOrEqual(pinned.y + pinned.height - 1);
  });

  it('takes a contact dropped on the pinned header into that group', async () => {
    const stored = (name: string) =>
      created
        .lab!.cups.contactList('alex')
        .find((g) => g.name === name)
        ?.contacts.map((c) => c.personaId);
    const moved = people('Operations')[0];
    await scrollTo(startOf('Operations') - 200);
    await contact(moved.id).waitFor();
    const list = await view();
    expect(Math.abs((await box(header('Sales'))).y - list.y)).toBeLessThan(1);
    await row(moved.id).dragTo(header('Sales').locator('[data-testid="group-toggle"]'));
    // A move is an add to the new group and then a delete from the old one: wait for both.
    await expect.poll(() => [stored('Sales')?.includes(moved.id), stored('Operations')?.includes(moved.id)], { timeout: 5000 }).toEqual([true, false]);
    // The pinned header counts the newcomer (whose row is up in the group, out of view).
    await header('Sales')
      .locator('[data-testid="group-count"]', { hasText: `0/${people('Sales').length + 1}` })
      .waitFor();
  });
});

describe('the contact menu from the keyboard', () => {
  it('moves with the arrows (wrapping), Home, End and typed letters', async () => {
    // (Passing over disabled items is covered by menu-keys' unit test: no lab contact has one.)
    await scrollTo(0);
    await page.locator('[data-testid="directory-status"][data-state="ready"]').waitFor();
    await row('maria').hover();
    await row('maria').locator('[data-testid="contact-more"]').click();
    const menu = page.locator(`[data-testid="contact-menu"][role="menu"][aria-label="Actions for Maria Chen"]`);
    await menu.locator('[data-testid="menu-call"][data-label="mobile"]').waitFor();
    const moves = ['Support desk', ...LAB_EXTRA_GROUPS].map((g) => `Move to ${g}`);
    expect(await menu.locator('[role="menuitem"]').allTextContents()).toEqual([
      'Contact card…',
      'Call work +1 408 555 0101',
      'Call mobile +1 650 555 0111',
      'Rename…',
      ...moves,
      'Remove',
    ]);
    await expect.poll(focusedText).toBe('Contact card…');

    const expectAfter = async (key: string, text: string) => {
      await page.keyboard.press(key);
      expect(await focusedText()).toBe(text);
    };
    await expectAfter('ArrowDown', 'Call work +1 408 555 0101');
    await expectAfter('ArrowDown', 'Call mobile +1 650 555 0111');
    await expectAfter('ArrowDown', 'Rename…');
    await expectAfter('ArrowUp', 'Call mobile +1 650 555 0111');
    await expectAfter('Home', 'Contact card…');
    await expectAfter('ArrowUp', 'Remove');
    await expectAfter('ArrowDown', 'Contact card…');
    await expectAfter('End', 'Remove');
    await expectAfter('Home', 'Contact card…');
    await expectAfter('m', 'Move to Support desk');
    await expectAfter('r', 'Remove');
    await expectAfter('r', 'Rename…');
    await expectAfter('c', 'Contact card…');
    await expectAfter('c', 'Call work +1 408 555 0101');
    await expectAfter('C', 'Call mobile +1 650 555 0111');
    await expectAfter('c', 'Contact card…');
    // A letter no item starts with moves nothing and does not start a search in the list.
    await expectAfter('z', 'Contact card…');
    expect(await page.inputValue('[data-testid="search"]')).toBe('');
  });

  it('closes with Escape and gives the focus back to the contact’s row', async () => {
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="contact-menu"]').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('buddy-scroll');
    const active = await scroller().evaluate((el) =>
      document
        .getElementById(el.getAttribute('aria-activedescendant') ?? '')
        ?.querySelector('[data-uri]')
        ?.getAttribute('data-uri'),
    );
    expect(active).toBe(uri('maria'));
  });

  it('activates the focused item with Enter and with Space', async () => {
    await page.keyboard.press('Shift+F10');
    await expect.poll(focusedText).toBe('Contact card…');
    await page.keyboard.press('r');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="dialog"][aria-label="Rename Maria Chen"]').waitFor();
    expect(await page.locator('[data-testid="contact-menu"]').count()).toBe(0);
    await page.click('.dialog-buttons .link');
    await page.locator('[data-testid="dialog"]').waitFor({ state: 'detached' });

    await row('maria').hover();
    await row('maria').locator('[data-testid="contact-more"]').click();
    await expect.poll(focusedText).toBe('Contact card…');
    await page.keyboard.press(' ');
    await page.locator(`[data-testid="contact-card"][data-uri="${uri('maria')}"]`).waitFor();
    await page.click('[data-testid="card-close"]');
    await page.locator('[data-testid="contact-card"]').waitFor({ state: 'detached' });
  });

  it('closes with Tab', async () => {
    await row('maria').hover();
    await row('maria').locator('[data-testid="contact-more"]').click();
    await expect.poll(focusedText).toBe('Contact card…');
    await page.keyboard.press('Tab');
    await page.locator('[data-testid="contact-menu"]').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('buddy-scroll');
  });
});

describe('Recent names the contact list’s people', () => {
  it('shows an IM entry by the contact’s name as the buddy list shows it, the address beside it; unknown addresses stay addresses', async () => {
    const lab = created.lab!;
    await created.session.handlers['contacts:rename']('Product team', uri('sam'), 'Sammy');
    await contact('sam').locator('.contact-name', { hasText: 'Sammy' }).waitFor();
    await lab.bots.get('sam')!.account.sendMessage(uri('alex'), 'Lunch at noon?');
    const ims = () =>
      lab.cups
        .state('alex')
        .recent.filter((r) => r.type === 1)
        .map((r) => r.data.what);
    await expect.poll(ims).toContain(uri('sam'));
    // Other clients write the server's list too, in their own spelling of an address.
    const now = new Date().toISOString();
    const omar = `omar@${lab.domain.toUpperCase()}`;
    lab.cups
      .state('alex')
      .recent.unshift({ timestamp: now, type: 1, data: { what: omar } }, { timestamp: now, type: 1, data: { what: 'sip:visitor@elsewhere.example' } });

    await page.click('[data-testid="tab-recent"]');
    const entry = (address: string) => page.locator('[data-testid="recent-entry"][data-kind="im"]', { has: page.locator(`[title="${address}"]`) });
    await entry(uri('sam')).waitFor();
    expect(await entry(uri('sam')).locator('[data-testid="recent-name"]').textContent()).toBe('Sammy');
    expect(await entry(uri('sam')).locator('[data-testid="recent-address"]').textContent()).toBe(uri('sam'));
    expect(await entry(omar).locator('[data-testid="recent-name"]').textContent()).toBe('Omar Haddad');
    expect(await entry(omar).locator('[data-testid="recent-address"]').textContent()).toBe(omar);
    expect(await entry('sip:visitor@elsewhere.example').locator('[data-testid="recent-name"]').textContent()).toBe('sip:visitor@elsewhere.example');
    expect(await entry('sip:visitor@elsewhere.example').locator('[data-testid="recent-address"]').count()).toBe(0);
    await page.click('[data-testid="tab-contacts"]');
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
