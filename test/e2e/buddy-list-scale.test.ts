/**
 * End to end at scale: the demo lab gives the demo user 5,000 more contacts in seven groups
 * (real Kamailio subscriptions for all 5,006), and the real renderer in Chromium keeps the DOM
 * small while search, scrolling, collapsing, sorting and the keyboard work on the whole list.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { LAB_EXTRA_GROUPS } from '../../lab/directory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';
import { allPresenceKnown } from '../support/wait';

const EXTRA = 5000;
const root = join(import.meta.dirname, '..', '..');
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  // The first NOTIFYs of 5,006 subscriptions keep this process (which also runs the lab and
  // drives Chromium) busy for a while; these tests are about the list, so they start after.
  // The loading progress itself is tested with a backend that sends presence on cue.
  desk = await startDeskE2e('scale', { lab: { livenEveryMs: 0, extraContacts: EXTRA }, beforeHost: (c) => allPresenceKnown(c.session), signedIn: false });
  ({ created, page, pageErrors } = desk);
}, 300_000);

afterAll(() => desk?.close());

const uri = (id: string) => `sip:${id}@${created.lab!.domain}`;
const rowCount = () => page.locator('[role="treeitem"]').count();
const shownUris = (group?: string) =>
  page
    .locator(`${group ? `[data-testid="group"][data-name="${group}"] ` : ''}[data-testid="contact"]`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-uri')));
const contentHeight = () => page.locator('.buddy-rows').evaluate((el) => (el as HTMLElement).getBoundingClientRect().height);
const GROUPS = 2 + LAB_EXTRA_GROUPS.length;

describe('buddy list with 5,000 lab contacts, in Chromium', () => {
  it('shows every group and contact in the scroll range with fewer than 200 rows in the DOM', async () => {
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    await page.locator('[data-testid="group"][data-name="Engineering"]').waitFor();
    expect(await page.locator('[data-testid="presence-loading"]').count()).toBe(0);
    // Every row is accounted for in the scroll height (group rows 32 px, contact rows 46 px)…
    expect(await contentHeight()).toBe(GROUPS * 32 + (EXTRA + 6) * 46);
    // …while only the visible ones (and a few more) exist.
    expect(await rowCount()).toBeGreaterThan(5);
    expect(await rowCount()).toBeLessThan(200);
    const sections = await page.locator('[data-testid="group"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(sections.slice(0, 3)).toEqual(['Product team', 'Support desk', 'Engineering']);
    const perGroup = created.lab!.extraPeople.filter((p) => p.group === 'Engineering').length;
    await expect(page.locator('[data-testid="group"][data-name="Engineering"] [data-testid="group-count"]').textContent()).resolves.toBe(`0/${perGroup}`);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-buddy-list-5000.png') });
  });

  it('filters across all 5,006 contacts by name and by SIP address', async () => {
    const namesakes = created.lab!.extraPeople.filter((p) => p.displayName.startsWith('Zoe Zimmer ')).map((p) => uri(p.id));
    expect(namesakes.length).toBeGreaterThan(1);
    await page.fill('[data-testid="search"]', 'zoe zimmer');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="contact"]').length === n, namesakes.length);
    expect((await shownUris()).sort()).toEqual([...namesakes].sort());

    const person = created.lab!.extraPeople[4320];
    for (const q of [person.displayName, person.id, uri(person.id)]) {
      await page.fill('[data-testid="search"]', q);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length === 1);
      expect(await shownUris()).toEqual([uri(person.id)]);
    }
    await page.fill('[data-testid="search"]', '');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length > 1);
  });

  it('scrolls to the end and shows the last group’s last contact', async () => {
    const lastGroup = LAB_EXTRA_GROUPS.at(-1)!;
    const last = created
      .lab!.extraPeople.filter((p) => p.group === lastGroup)
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .at(-1)!;
    await page.locator('[data-testid="buddy-scroll"]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const row = page.locator(`[data-testid="group"][data-name="${lastGroup}"] [data-testid="contact"][data-uri="${uri(last.id)}"]`);
    await row.waitFor();
    const [box, view] = await Promise.all([row.boundingBox(), page.locator('[data-testid="buddy-scroll"]').boundingBox()]);
    expect(box!.y).toBeGreaterThanOrEqual(view!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(view!.y + view!.height + 1);
    // The group's header, hundreds of rows up, is pinned at the top of the list.
    const header = await page.locator(`[data-testid="group"][data-name="${lastGroup}"] [data-testid="group-header"]`).boundingBox();
    expect(Math.abs(header!.y - view!.y)).toBeLessThan(1);
    expect(await rowCount()).toBeLessThan(200);
  });

  it('moves with the keyboard and opens a conversation with Enter', async () => {
    const lastGroup = LAB_EXTRA_GROUPS.at(-1)!;
    const ordered = created.lab!.extraPeople.filter((p) => p.group === lastGroup).sort((a, b) => a.displayName.localeCompare(b.displayName));
    const active = () =>
      page.locator('[data-testid="buddy-scroll"]').evaluate((el) => {
        const id = el.getAttribute('aria-activedescendant');
        const row = id ? document.getElementById(id) : null;
        return row?.querySelector('[data-uri]')?.getAttribute('data-uri') ?? row?.textContent ?? null;
      });
    await page.locator('[data-testid="buddy-scroll"]').focus();
    await page.keyboard.press('End');
    await expect.poll(active).toBe(uri(ordered.at(-1)!.id));
    await page.keyboard.press('ArrowUp');
    await expect.poll(active).toBe(uri(ordered.at(-2)!.id));
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="conversation"][data-peer="${uri(ordered.at(-2)!.id)}"]`).waitFor();

    await page.locator('[data-testid="buddy-scroll"]').focus();
    await page.keyboard.press('Home');
    await expect.poll(active).toMatch(/^▾Product team/);
    await page.keyboard.press('ArrowDown');
    await expect.poll(active).toBe(uri('maria'));

    // The contact menu opens from the keyboard with the focus in it, and gives it back on Escape.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    await page.keyboard.press('Shift+F10');
    await expect.poll(focused).toBe('menu-card'); // the first item: Contact card…
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="contact-menu"]').waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('buddy-scroll');

    // Typing while the list has focus searches; Ctrl+K goes back to the search box.
    await page.keyboard.press('o');
    await page.keyboard.press('k');
    await page.keyboard.press('a');
    await expect(page.locator('[data-testid="search"]').inputValue()).resolves.toBe('oka');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length === 1);
    expect(await shownUris()).toEqual([uri('sam')]);
    await page.locator('[data-testid="buddy-scroll"]').focus();
    await page.keyboard.press('Control+k');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact"]').length > 1);
  });

  it('collapses a group, hiding its rows, and remembers it after a reload', async () => {
    const engineering = page.locator('[data-testid="group"][data-name="Engineering"]');
    const perGroup = created.lab!.extraPeople.filter((p) => p.group === 'Engineering').length;
    const before = await contentHeight();
    await engineering.locator('[data-testid="group-toggle"]').click();
    await expect.poll(() => engineering.locator('[data-testid="contact"]').count()).toBe(0);
    await expect(engineering.locator('[data-testid="group-toggle"]').getAttribute('aria-expanded')).resolves.toBe('false');
    expect(await contentHeight()).toBe(before - perGroup * 46);
    await page.locator('[data-testid="group"][data-name="Sales"] [data-testid="group-toggle"]').waitFor();

    await page.reload();
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    await page.locator('[data-testid="group"][data-name="Sales"] [data-testid="contact"]').first().waitFor();
    await expect(engineering.locator('[data-testid="group-toggle"]').getAttribute('aria-expanded')).resolves.toBe('false');
    expect(await engineering.locator('[data-testid="contact"]').count()).toBe(0);

    await engineering.locator('[data-testid="group-toggle"]').click();
    await engineering.locator('[data-testid="contact"]').first().waitFor();
    expect(await contentHeight()).toBe(before);
  });

  it('sorts by status with available people first, and back by name', async () => {
    for (const [id, availability] of [
      ['omar', 'available'],
      ['jonas', 'dnd'],
      ['lena', 'offline'],
      ['maria', 'available'],
      ['priya', 'busy'],
      ['sam', 'away'],
    ]) {
      await page.locator(`[data-testid="contact"][data-uri="${uri(id)}"][data-availability="${availability}"]`).waitFor();
    }
    expect(await shownUris('Support desk')).toEqual([uri('jonas'), uri('lena'), uri('omar')]);
    await page.click('[data-testid="sort-status"]');
    await expect.poll(() => shownUris('Support desk')).toEqual([uri('omar'), uri('jonas'), uri('lena')]);
    expect(await shownUris('Product team')).toEqual([uri('maria'), uri('priya'), uri('sam')]);
    await page.click('[data-testid="sort-name"]');
    await expect.poll(() => shownUris('Support desk')).toEqual([uri('jonas'), uri('lena'), uri('omar')]);
  });

  it('moves a contact to another group by drag and drop', async () => {
    const stored = (name: string) =>
      created
        .lab!.cups.contactList('alex')
        .find((g) => g.name === name)
        ?.contacts.map((c) => c.personaId);
    const lena = page.locator(`[data-testid="group"][data-name="Support desk"] li:has([data-uri="${uri('lena')}"])`);
    await lena.dragTo(page.locator('[data-testid="group"][data-name="Product team"] [data-testid="group-toggle"]'));
    await page.locator(`[data-testid="group"][data-name="Product team"] [data-uri="${uri('lena')}"]`).waitFor();
    // A move is an add to the new group and then a delete from the old one: wait for both.
    await expect.poll(() => [stored('Product team')?.includes('lena'), stored('Support desk')?.includes('lena')]).toEqual([true, false]);
  });

  it('a rename among 5,006 contacts reaches the page as one small WebSocket frame, not the list', async () => {
    const cdp = await page.context().newCDPSession(page);
    const frames: string[] = [];
    cdp.on('Network.webSocketFrameReceived', (e) => frames.push(e.response.payloadData));
    await cdp.send('Network.enable');
    try {
      const person = created.lab!.extraPeople[1234];
      await created.session.handlers['contacts:rename'](person.group, uri(person.id), 'Renamed Once Only');
      await page.fill('[data-testid="search"]', 'renamed once only');
      await page.locator(`[data-testid="contact"][data-uri="${uri(person.id)}"]`).waitFor();
      const contactFrames = frames.filter((f) => f.includes('"event":"contacts:'));
      expect(contactFrames.map((f) => JSON.parse(f).event)).toEqual(['contacts:delta']);
      expect(contactFrames[0].length).toBeLessThan(1000);
      expect(JSON.stringify(created.session.snapshot().groups).length).toBeGreaterThan(500 * contactFrames[0].length);
      expect(
        await created
          .lab!.cups.contactList('alex')
          .find((g) => g.name === person.group)
          ?.contacts.find((c) => c.personaId === person.id)?.nickname,
      ).toBe('Renamed Once Only');
    } finally {
      await page.fill('[data-testid="search"]', '');
      await cdp.detach();
    }
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
