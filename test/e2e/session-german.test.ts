/**
 * End to end: the sign-in screen and the app's frame in German, in Chromium through the browser
 * host, on a lab with no colleagues. The saved language choice is German: the form, the server
 * types and a refused sign-in's headline are German, the server's own words stay as they came,
 * and after signing in the header, the tabs and the own-status controls are German too. No
 * string of the session area is missing in German (i18n reports one on the console).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore } from '../../core/store/settings';
import { startBrowserHost, type BrowserHost } from '../../host/browser-host';
import { startLab, type Lab } from '../../lab';
import { launchChromium } from '../support/chromium';
import { openPage } from '../support/desk-e2e';

const root = join(import.meta.dirname, '..', '..');
let lab: Lab;
let session: DeskSession;
let host: BrowserHost;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let dir: string;
const settings = new MemorySettingsStore({ language: 'de' });
let pageErrors: string[];
let consoleLines: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-e2e-de-'));
  lab = await startLab({ bots: false });
  const info = { host: 'browser' as const, version: 'e2e' };
  session = new DeskSession({ info, settings, historyDir: join(dir, 'history') });
  host = await startBrowserHost({ backend: session, info, staticDir: join(root, 'dist/renderer') });
  browser = await launchChromium();
  ({ page, pageErrors, console: consoleLines } = await openPage(browser, host.url));
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await session?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const form = (selector: string) => page.locator(`[data-testid="sign-in"] ${selector}`);

async function signIn(password: string): Promise<void> {
  await form('input[autocomplete="url"]').fill(lab.cupsUrl);
  await form('input[autocomplete="username"]').fill(lab.demoUser.id);
  await form('input[type="password"]').fill(password);
  await form('button[type="submit"]').click();
}

describe('the session area in German', () => {
  it('shows the sign-in form and its server types in German', async () => {
    await page.locator('[data-testid="sign-in"]').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await form('label:has(input[autocomplete="username"])').textContent()).toBe('Benutzername');
    expect(await form('label:has(input[type="password"])').textContent()).toBe('Kennwort');
    expect(await form('button[type="submit"]').textContent()).toBe('Anmelden');
    expect(await page.locator('[data-testid="server-type"] option').allTextContents()).toEqual([
      'Cisco Unified Presence (CUPS)',
      'Cisco Unified CME (Router)',
      'Beliebiger SIMPLE-Server (nur SIP)',
      'Anhand der Adresse ermitteln',
    ]);
    expect(await page.locator('[data-testid="connection"]').textContent()).toBe('Abgemeldet');
  });

  it('heads a refused sign-in with a German headline and keeps the server’s words below it', async () => {
    await signIn('not-the-password');
    const detail = page.locator('[data-testid="sign-in-error"][data-code="auth"]');
    await detail.waitFor();
    expect(await page.locator('[data-testid="error-headline"][data-code="auth"]').textContent()).toBe('Falscher Benutzername oder falsches Kennwort');
    // The core's message is not translated: it is the server's account of what happened.
    expect(await detail.textContent()).not.toBe('');
    expect(await detail.textContent()).not.toContain('Kennwort');
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-de-sign-in-refused.png') });
  });

  it('after signing in, the header, tabs and own status are German', async () => {
    await signIn(lab.demoUser.password);
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    expect(await page.locator('[data-testid="connection"]').textContent()).toMatch(/^Online/);
    expect(await page.locator('[data-testid="open-settings"]').textContent()).toBe('Einstellungen');
    expect(await page.locator('[data-testid="open-diagnostics"]').textContent()).toBe('Diagnose');
    expect(await page.locator('.side-tabs [role="tab"]').allTextContents()).toEqual(['Kontakte', 'Zuletzt', 'Verlauf']);
    expect(await page.getAttribute('[data-testid="own-status"]', 'aria-label')).toBe('Mein Status');
    expect(await page.getAttribute('[data-testid="own-note"]', 'placeholder')).toBe('Was machen Sie gerade?');
    expect(await page.locator('[data-testid="long-term-open"]').textContent()).toBe('Langzeitstatus festlegen…');
    expect(await page.locator('.empty-chat').textContent()).toBe('Wählen Sie einen Kontakt aus, um eine Unterhaltung zu beginnen.');
    expect(await page.title()).toBe('Presence Desk');
    await page.screenshot({ path: join(root, 'test-results', 'e2e-de-signed-in.png') });
  });

  it('reported no missing string and no page error', () => {
    expect(consoleLines.filter((l) => l.includes('missing string:') && l.includes('session:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
