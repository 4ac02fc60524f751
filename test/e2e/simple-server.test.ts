/**
 * End to end on a plain SIMPLE service (lab profile "simple"), the real renderer in Chromium
 * through the browser host: sign in with only a SIP address and password (the SIP and XCAP
 * servers found through the lab's DNS), add a group and a contact (the XCAP document holds
 * them), another client's change appears, and a watcher's request answered Allow and Block.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore } from '../../core/store/settings';
import { startBrowserHost, type BrowserHost } from '../../host/browser-host';
import { startSimpleLab, type SimpleLab } from '../../lab/simple';
import { launchChromium } from '../support/chromium';
import { openPage, RENDERER_DIR } from '../support/desk-e2e';
import { watchDemoUser, watcherSees } from '../support/presence-watcher';

let lab: SimpleLab;
let profile: string;
let session: DeskSession;
let host: BrowserHost;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  lab = await startSimpleLab({ bots: false, extraUsers: ['carol', 'dave'] });
  profile = mkdtempSync(join(tmpdir(), 'pd-e2e-simple-'));
  const info = { host: 'browser' as const, version: 'test' };
  // The client asks the lab's DNS, as it would ask the system's; the list is read again every 300 ms.
  const settings = new MemorySettingsStore({ dnsServers: lab.dnsServer });
  session = new DeskSession({ info, settings, historyDir: join(profile, 'history'), xcapPollMs: 300 });
  host = await startBrowserHost({ backend: session, info, staticDir: RENDERER_DIR });
  browser = await launchChromium();
  ({ page, pageErrors } = await openPage(browser, host.url));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await session?.close();
  await lab?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const group = (name: string) => page.locator(`[data-testid="group"][data-name="${name}"]`);
const serverList = async () => (await lab.xcap(lab.demoUser.id, 'GET', 'resource-lists')).body;

describe('Presence Desk on any SIMPLE server, in Chromium', () => {
  it('signs in with only a SIP address and password', async () => {
    await page.selectOption('[data-testid="server-type"]', 'simple');
    await page.fill('[data-testid="sip-address"]', lab.demoUser.address);
    await page.fill('input[type="password"]', lab.demoUser.password);
    await page.click('button[type="submit"]');
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 15_000 });
    expect(lab.dns.asked).toEqual(expect.arrayContaining([`NAPTR ${lab.domain}`, `SRV _xcap._tcp.${lab.domain}`]));
    await group('Product team').waitFor();
    await group('Support desk').waitFor();
  });

  it('adds a group and a contact, which the XCAP document on the server then holds', async () => {
    await page.click('[data-testid="new-group"]');
    await page.fill('[data-testid="dialog-input"]', 'Partners');
    await page.click('[data-testid="dialog-submit"]');
    await group('Partners').waitFor();
    await group('Partners').locator('.group-header-row').hover();
    await group('Partners').locator('[data-testid="group-add-contact"]').click();
    await page.fill('[data-testid="dialog-input"]', 'carol');
    await page.fill('[data-testid="dialog-second"]', 'Carol Über');
    await page.click('[data-testid="dialog-submit"]');
    await group('Partners').locator(`[data-uri="sip:carol@${lab.domain}"]`).waitFor();
    const doc = await serverList();
    expect(doc).toMatch(/<list (xmlns="[^"]+" )?name="Partners">/);
    expect(doc).toMatch(/uri="sip:carol@demo\.presence-desk\.test"><display-name>Carol Über<\/display-name>/);
  });

  it("shows another client's change to the list", async () => {
    const put = await lab.xcap(
      lab.demoUser.id,
      'PUT',
      'resource-lists',
      'resource-lists/list[@name="Friends"]',
      `<list xmlns="urn:ietf:params:xml:ns:resource-lists" name="Friends"><entry uri="sip:dave@${lab.domain}"><display-name>Dave from the phone</display-name></entry></list>`,
      'application/xcap-el+xml',
    );
    expect(put.status).toBe(200);
    await group('Friends').locator(`[data-uri="sip:dave@${lab.domain}"]`).waitFor({ timeout: 10_000 });
    await expect(group('Friends').textContent()).resolves.toContain('Dave from the phone');
  });

  it('asks about a new watcher: Allow lets them see the status, Block does not', async () => {
    await page.fill('[data-testid="own-note"]', 'Drafting');
    await page.selectOption('[data-testid="own-status"]', 'busy');
    const carol = await watchDemoUser(lab, 'carol');
    const dave = await watchDemoUser(lab, 'dave');
    try {
      const prompt = (id: string) => page.locator(`[data-testid="watcher-prompt"][data-uri="sip:${id}@${lab.domain}"]`);
      await prompt('carol').waitFor({ timeout: 10_000 });
      await expect(prompt('carol').textContent()).resolves.toContain('Carol Über wants to see your status');
      await prompt('carol').locator('[data-testid="watcher-allow"]').click();
      await prompt('carol').waitFor({ state: 'detached' });
      await watcherSees(carol, (p) => p.availability === 'busy' && p.note === 'Drafting', 'carol sees it');

      await prompt('dave').waitFor();
      await prompt('dave').locator('[data-testid="watcher-block"]').click();
      await prompt('dave').waitFor({ state: 'detached' });
      await watcherSees(dave, (p) => p.note.includes('rejected'), 'dave refused');
      expect(dave.presence.some((p) => p.note === 'Drafting')).toBe(false);
      const rules = (await lab.xcap(lab.demoUser.id, 'GET', 'pres-rules')).body;
      expect(rules).toContain(`<one id="sip:carol@${lab.domain}"/>`);
      expect(rules).toMatch(/<rule id="pd-block"><conditions><identity><one id="sip:dave@demo\.presence-desk\.test"\/>/);
    } finally {
      await carol.account.stop();
      await dave.account.stop();
    }
    expect(pageErrors).toEqual([]);
  });
});
