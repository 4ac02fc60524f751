/**
 * End to end: signing in to a CUPS server with a self-signed certificate, in Chromium through
 * the browser host, on a lab whose CUPS serves HTTPS with a certificate made for this run.
 * The sign-in screen shows the certificate, the user trusts it for host:port, signs in; after
 * the server's certificate changes, the next sign-in is refused in words that say so.
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

const root = join(import.meta.dirname, '..', '..');
let lab: Lab;
let session: DeskSession;
let host: BrowserHost;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let dir: string;
const settings = new MemorySettingsStore();
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-e2e-tls-'));
  lab = await startLab({ bots: false, cupsTls: true, webDialerTls: true });
  const info = { host: 'browser' as const, version: 'e2e' };
  session = new DeskSession({ info, settings, historyDir: join(dir, 'history') });
  host = await startBrowserHost({ backend: session, info, staticDir: join(root, 'dist/renderer') });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e.stack).slice(0, 600)));
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await session?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(): Promise<void> {
  await page.fill('[data-testid="sign-in"] input[autocomplete="url"]', lab.cupsUrl);
  await page.fill('[data-testid="sign-in"] input[autocomplete="username"]', lab.demoUser.id);
  await page.fill('[data-testid="sign-in"] input[type="password"]', lab.demoUser.password);
  await page.click('[data-testid="sign-in"] button[type="submit"]');
}

describe('signing in over HTTPS with a self-signed certificate', () => {
  it('shows the certificate, trusts it for host:port on request, and signs in', async () => {
    const hostPort = `127.0.0.1:${lab.cups.port}`;
    await page.locator('[data-testid="sign-in"]').waitFor();
    await signIn();
    const error = page.locator('[data-testid="sign-in-error"][data-code="tls"]');
    await error.waitFor();
    expect(await error.textContent()).toBe(`The certificate of ${hostPort} is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT).`);
    await expect(page.locator('[data-testid="cert-fingerprint"]').textContent()).resolves.toBe(lab.cups.certificateFingerprint);
    await expect(page.locator('[data-testid="cert-subject"]').textContent()).resolves.toBe('O=Presence Desk lab, CN=Presence Desk lab CUPS');
    await expect(page.locator('[data-testid="cert-validity"]').textContent()).resolves.toMatch(/GMT – .*GMT$/);
    expect(await page.locator('[data-testid="cert-changed"]').count()).toBe(0);
    expect(lab.cups.sessionOf(lab.demoUser.id)).toBeUndefined();
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-tls-untrusted.png') });

    await page.click(`[data-testid="cert-trust"]:has-text("Trust this certificate for ${hostPort}")`);
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    expect(settings.get().trustedCertificates.map((c) => [c.hostPort, c.fingerprint256])).toEqual([[hostPort, lab.cups.certificateFingerprint]]);
    expect(lab.cups.sessionOf(lab.demoUser.id)).toBeDefined();
  });

  it('a call through WebDialer with its own self-signed certificate: refused, trusted from the dial box, placed', async () => {
    const hostPort = `127.0.0.1:${lab.webDialer.port}`;
    await page.fill('[data-testid="dial-input"]', '+1 (650) 555-0199');
    await page.locator('[data-testid="dial-preview"]', { hasText: 'will dial 916505550199' }).waitFor();
    await page.click('[data-testid="dial-call"]');
    const result = page.locator('[data-testid="dial-result"][data-ok="false"]');
    await result.waitFor();
    expect(await result.textContent()).toBe(
      `The call was not placed: The certificate of ${hostPort} is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT).`,
    );
    await expect(page.locator('.dial-box [data-testid="cert-fingerprint"]').textContent()).resolves.toBe(lab.webDialer.certificateFingerprint);
    expect(lab.webDialer.calls).toEqual([]);
    await page.click(`.dial-box [data-testid="cert-trust"]:has-text("Trust this certificate for ${hostPort}")`);
    await page.locator('[data-testid="dial-result"][data-ok="true"]').waitFor();
    expect(lab.webDialer.calls.map((c) => [c.user, c.destination])).toEqual([[lab.demoUser.id, '916505550199']]);
    expect(
      settings
        .get()
        .trustedCertificates.map((c) => c.hostPort)
        .sort(),
    ).toEqual([`127.0.0.1:${lab.cups.port}`, hostPort].sort());
  });

  it('refuses the server once its certificate changed, saying so', async () => {
    const trusted = lab.cups.certificateFingerprint!;
    await page.click('text=Sign out');
    await page.locator('[data-testid="sign-in"]').waitFor();
    lab.cups.rotateCertificate();
    await signIn();
    const error = page.locator('[data-testid="sign-in-error"][data-code="tls"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(`has changed since you trusted it (trusted ${trusted.slice(0, 23)}…`);
    await expect(page.locator('[data-testid="cert-changed"]').textContent()).resolves.toContain(trusted);
    await expect(page.locator('[data-testid="cert-fingerprint"]').textContent()).resolves.toBe(lab.cups.certificateFingerprint);
    expect(lab.cups.sessionOf(lab.demoUser.id)).toBeUndefined();
    // Still only the old decisions are stored: nothing was trusted without the user.
    expect(settings.get().trustedCertificates.map((c) => c.fingerprint256)).toContain(trusted);
    expect(settings.get().trustedCertificates.map((c) => c.fingerprint256)).not.toContain(lab.cups.certificateFingerprint);
    await page.screenshot({ path: join(root, 'test-results', 'e2e-tls-changed.png') });
  });

  it('trusting the new certificate signs in; Settings → Connection lists it and can forget it', async () => {
    const hostPort = `127.0.0.1:${lab.cups.port}`;
    await page.click('[data-testid="cert-trust"]');
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    expect(settings.get().trustedCertificates.find((c) => c.hostPort === hostPort)?.fingerprint256).toBe(lab.cups.certificateFingerprint);
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-connection"]');
    const entry = page.locator(`[data-testid="trusted-certificate"][data-host-port="${hostPort}"]`);
    await expect(entry.locator('.cert-fingerprint').textContent()).resolves.toBe(lab.cups.certificateFingerprint);
    await expect(page.locator('[data-testid="soap-timeout"]').inputValue()).resolves.toBe('10');
    await entry.locator('[data-testid="trusted-forget"]').click();
    await entry.waitFor({ state: 'detached' });
    expect(settings.get().trustedCertificates.map((c) => c.hostPort)).toEqual([`127.0.0.1:${lab.webDialer.port}`]);
    await page.fill('[data-testid="soap-timeout"]', '20');
    await page.locator('[data-testid="soap-max"]').focus();
    await expect.poll(() => settings.get().soapTimeoutSeconds).toBe(20);
    await page.click('[data-testid="settings-close"]');
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
