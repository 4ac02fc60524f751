/**
 * The Diagnostics ladder diagram end to end on the demo lab, in Chromium: the sign-in's REGISTER
 * goes from Presence Desk to the SIP server and its 401 and 200 come back, drawn between the
 * right columns; the CUPS login and the directory's LDAP operations have their own columns; an
 * arrow opens its message; the diagram is saved as text, SVG and PNG.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let page: Page;

beforeAll(async () => {
  desk = await startDeskE2e('ladder', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ page } = desk);
});

afterAll(() => desk?.close());

const entry = (summary: RegExp) => page.locator('[data-testid="diag-entry"]', { hasText: summary });
const arrows = () =>
  page.locator('[data-testid="ladder-arrow"]').evaluateAll((els) =>
    els.map((e) => ({
      from: e.getAttribute('data-from') ?? '',
      to: e.getAttribute('data-to') ?? '',
      summary: e.getAttribute('data-summary') ?? '',
      x1: Number(e.getAttribute('data-x1')),
      x2: Number(e.getAttribute('data-x2')),
    })),
  );
const columnX = (name: string) => page.locator(`[data-testid="ladder-column"][data-column="${name}"]`).getAttribute('data-x').then(Number);

async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

describe('Diagnostics ladder diagram', () => {
  it('draws the REGISTER with its 401 and 200 between Presence Desk and the SIP server', async () => {
    await page.click('[data-testid="open-diagnostics"]');
    await entry(/200 OK \(REGISTER\)/)
      .first()
      .waitFor();
    // Choosing the REGISTER shows its dialog (its Call-ID) in the ladder.
    await entry(/^.*REGISTER sip:/)
      .first()
      .click();
    await page.locator('[data-testid="diag-message"]').waitFor();
    await expect.poll(async () => (await arrows()).length).toBeGreaterThanOrEqual(4);
    const drawn = await arrows();
    expect(drawn.map((a) => `${a.from} → ${a.to}: ${a.summary}`)).toEqual([
      expect.stringMatching(/^Presence Desk → SIP server: REGISTER sip:/),
      'SIP server → Presence Desk: 401 Unauthorized (REGISTER)',
      expect.stringMatching(/^Presence Desk → SIP server: REGISTER sip:/),
      'SIP server → Presence Desk: 200 OK (REGISTER)',
    ]);
    const desk = await columnX('Presence Desk');
    const sip = await columnX('SIP server');
    expect(sip).toBeGreaterThan(desk);
    // Requests start at Presence Desk's line and end at the server's; answers the other way.
    expect(drawn.map((a) => [a.x1, a.x2])).toEqual([
      [desk, sip],
      [sip, desk],
      [desk, sip],
      [sip, desk],
    ]);
    expect(await page.locator('[data-testid="ladder"]').getAttribute('aria-label')).toMatch(/^Ladder of Call-ID .+: 4 messages$/);
  });

  it('opens the message of an arrow', async () => {
    await page.locator('[data-testid="ladder-arrow"]', { hasText: '401 Unauthorized' }).click();
    await expect.poll(() => page.locator('[data-testid="diag-message"]').textContent()).toMatch(/^SIP\/2\.0 401 Unauthorized/);
  });

  it('gives CUPS and the directory their own columns', async () => {
    await page.selectOption('[data-testid="diag-protocol"]', 'directory');
    await entry(/searchResultDone/)
      .first()
      .click();
    await expect
      .poll(async () => (await arrows()).some((a) => a.from === 'Directory' && a.to === 'Presence Desk' && /searchResultDone/.test(a.summary ?? '')), {
        timeout: 10_000,
      })
      .toBe(true);
    expect((await arrows()).every((a) => [a.from, a.to].includes('Directory') && [a.from, a.to].includes('Presence Desk'))).toBe(true);
    await page.selectOption('[data-testid="diag-protocol"]', 'soap');
    await expect
      .poll(async () => (await arrows()).some((a) => a.from === 'Presence Desk' && a.to === 'CUPS' && a.summary === 'login'), { timeout: 10_000 })
      .toBe(true);
  });

  it('saves the diagram as text, SVG and PNG', async () => {
    await page.selectOption('[data-testid="diag-protocol"]', 'sip');
    await entry(/200 OK \(REGISTER\)/)
      .first()
      .click();
    await expect.poll(async () => (await arrows()).length).toBe(4);

    const text = await download(() => page.click('[data-testid="ladder-export-text"]'));
    expect(text.name).toMatch(/^presence-desk-ladder-.*\.txt$/);
    const lines = text.bytes.toString('utf8').split('\n');
    expect(lines[0]).toMatch(/^Ladder of Call-ID /);
    expect(lines[2]).toMatch(/^time\s+Presence Desk\s+SIP server$/);
    expect(lines[3]).toMatch(/^\S+\s+\|-+REGISTER[^|]*->\|\s+REGISTER sip:/);
    expect(lines[4]).toMatch(/^\S+\s+\|<-+401 Unaut.*-\|\s+401 Unauthorized \(REGISTER\)$/);

    const svg = await download(() => page.click('[data-testid="ladder-export-svg"]'));
    expect(svg.name).toMatch(/\.svg$/);
    const svgText = svg.bytes.toString('utf8');
    expect(svgText).toMatch(/^<\?xml [^>]*\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svgText).toContain('401 Unauthorized (REGISTER)');
    expect(svgText).not.toContain('class=');
    expect(svgText).toMatch(/<line [^>]*stroke="rgb\(/);

    const png = await download(() => page.click('[data-testid="ladder-export-png"]'));
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // Width and height from the IHDR chunk: twice the diagram's size.
    const svgWidth = Number(await page.locator('[data-testid="ladder"]').getAttribute('width'));
    expect(png.bytes.readUInt32BE(16)).toBe(svgWidth * 2);
    expect(desk.pageErrors).toEqual([]);
  });
});
