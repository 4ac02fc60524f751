/**
 * Contact photos end to end on the demo lab, in Chromium: the directory's portraits in the buddy
 * list, the conversation header and the contact card; initials on a colour from the name for
 * the people the directory has no photo of.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_PHOTO_HUES, labPortrait } from '../../lab/slapd/photos';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let page: Page;

beforeAll(async () => {
  desk = await startDeskE2e('photos', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ page } = desk);
});

afterAll(() => desk?.close());

const row = (id: string) => page.locator(`[data-testid="contact"][data-uri="${desk.uri(id)}"]`);
const face = (scope: ReturnType<Page['locator']>) => scope.locator('[data-testid="avatar"]');
const portrait = (id: string) => `data:image/png;base64,${labPortrait(LAB_PHOTO_HUES[id]).toString('base64')}`;

/** Whether the image was decoded and drawn at its size (a refused or broken image has width 0). */
const drawn = (scope: ReturnType<Page['locator']>) =>
  face(scope).evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth === 64);

describe('contact photos', () => {
  it('shows the directory’s photos in the buddy list, and initials for the people without one', async () => {
    // The directory answers after sign-in: the photo replaces the initials when it arrives.
    await expect.poll(() => face(row('maria')).getAttribute('data-kind'), { timeout: 10_000 }).toBe('photo');
    for (const id of ['maria', 'sam', 'priya', 'omar']) {
      expect(await face(row(id)).getAttribute('data-kind')).toBe('photo');
      expect(await face(row(id)).getAttribute('src')).toBe(portrait(id));
      expect(await drawn(row(id))).toBe(true);
    }
    for (const [id, letters] of [
      ['jonas', 'JB'],
      ['lena', 'LF'],
    ]) {
      expect(await face(row(id)).getAttribute('data-kind')).toBe('initials');
      expect(await face(row(id)).textContent()).toBe(letters);
    }
    // Each name has its own colour, the same every time.
    const colour = (id: string) => face(row(id)).evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await colour('jonas')).not.toBe(await colour('lena'));
    // Decorative: the row's name is what a screen reader reads.
    expect(await row('maria').locator('.avatar').getAttribute('aria-hidden')).toBe('true');
  });

  it('shows the photo in the conversation header and the contact card, initials likewise', async () => {
    await row('maria').click();
    const header = page.locator('[data-testid="conversation"] header');
    await face(header).waitFor();
    expect(await face(header).getAttribute('src')).toBe(portrait('maria'));
    expect(await drawn(header)).toBe(true);
    await page.click('[data-testid="conversation-card"]');
    const card = page.locator('[data-testid="contact-card"]');
    expect(await face(card).getAttribute('src')).toBe(portrait('maria'));
    await page.click('[data-testid="card-close"]');

    await row('jonas').click();
    await page.locator('[data-testid="conversation"][data-peer$="jonas@' + desk.created.lab!.domain + '"]').waitFor();
    expect(await face(header).getAttribute('data-kind')).toBe('initials');
    expect(await face(header).textContent()).toBe('JB');
    expect(desk.pageErrors).toEqual([]);
  });
});
