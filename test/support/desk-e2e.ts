/**
 * The end-to-end fixture: the app as a user gets it with no server configured — the demo lab,
 * the real backend, the browser host serving the built renderer — and a Chromium page on it,
 * each with a fresh profile, on free loopback ports. Page errors are collected for the tests'
 * "no script errors" checks. `close()` takes it all down in reverse order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createBackend, type CreatedBackend } from '../../host/backend-factory';
import { demoLabStarter } from '../../host/demo-lab';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from '../../host/browser-host';
import type { LabOptions } from '../../lab';
import { launchChromium } from './chromium';

const root = join(import.meta.dirname, '..', '..');

type Browser = Awaited<ReturnType<typeof launchChromium>>;

export interface PageWithErrors {
  page: Page;
  /** Uncaught errors of the page, each with the start of its stack. */
  pageErrors: string[];
}

/** A new page in `browser` at `url`, recording its uncaught errors. */
export async function openPage(browser: Browser, url: string): Promise<PageWithErrors> {
  const pageErrors: string[] = [];
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e.stack).slice(0, 600)));
  await page.goto(url);
  return { page, pageErrors };
}

/** The built renderer the browser host serves (built once per run by the global setup). */
export const RENDERER_DIR = join(root, 'dist/renderer');

export interface DeskE2e extends PageWithErrors {
  created: CreatedBackend;
  host: BrowserHost;
  browser: Browser;
  /** The profile directory (settings and IM history). */
  profile: string;
  /** A lab user's SIP address. */
  uri(id: string): string;
  close(): Promise<void>;
}

export interface DeskE2eOptions {
  lab?: LabOptions;
  /** Runs after the backend is up and before the host and browser start. */
  beforeHost?: (created: CreatedBackend) => Promise<void>;
  host?: Pick<BrowserHostOptions, 'onConnect'> | ((created: CreatedBackend) => Pick<BrowserHostOptions, 'onConnect'>);
  /** Wait until the demo user is signed in (default true). */
  signedIn?: boolean;
  /** Use this profile directory (settings, IM history) and keep it on close: an app restart. */
  profile?: string;
}

export async function startDeskE2e(name: string, options: DeskE2eOptions = {}): Promise<DeskE2e> {
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), `pd-e2e-${name}-`));
  const created = await createBackend([], 'browser', { profileDir: profile, demoLab: demoLabStarter(options.lab ?? { livenEveryMs: 0, replyDelayMs: 150 }), log: () => {} });
  await options.beforeHost?.(created);
  const extra = typeof options.host === 'function' ? options.host(created) : options.host;
  const host = await startBrowserHost({ backend: created.backend, info: created.info, staticDir: RENDERER_DIR, ...extra });
  const browser = await launchChromium();
  const { page, pageErrors } = await openPage(browser, host.url);
  if (options.signedIn !== false) await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
  return {
    created,
    host,
    browser,
    page,
    pageErrors,
    profile,
    uri: (id) => `sip:${id}@${created.lab!.domain}`,
    close: async () => {
      await browser.close();
      await host.close();
      await created.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
