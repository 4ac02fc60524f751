/**
 * The end-to-end fixture: the app as a user gets it with no server configured — the demo lab,
 * the real backend, the browser host serving the built renderer — and a Chromium page on it,
 * each with a fresh profile, on free loopback ports. Page errors are collected for the tests'
 * "no script errors" checks. `close()` takes it all down in reverse order.
 *
 * When a test of a file that uses this fixture fails, each fixture open at that moment leaves a
 * screenshot, the page's console and the protocol trace under `test-results/<test name>/`
 * (test/support/e2e-artifacts.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach } from 'vitest';
import type { ExportedFile } from '../../shared/domain';
import { createBackend, type CreatedBackend } from '../../host/backend-factory';
import { demoLabStarter } from '../../host/demo-lab';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from '../../host/browser-host';
import type { LabOptions } from '../../lab';
import { launchChromium } from './chromium';
import { recordConsole, saveFailureArtifacts } from './e2e-artifacts';

const root = join(import.meta.dirname, '..', '..');

type Browser = Awaited<ReturnType<typeof launchChromium>>;

export interface PageWithErrors {
  page: Page;
  /** Uncaught errors of the page, each with the start of its stack. */
  pageErrors: string[];
  /** The page's console messages and uncaught errors, as they came (kept for a failing test). */
  console: string[];
}

/** A new page in `browser` at `url`, recording its uncaught errors and its console. */
export async function openPage(browser: Browser, url: string): Promise<PageWithErrors> {
  const pageErrors: string[] = [];
  const page = await browser.context.newPage();
  const console = recordConsole(page);
  page.on('pageerror', (e) => pageErrors.push(String(e.stack).slice(0, 600)));
  await page.goto(url);
  return { page, pageErrors, console };
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
  /** The app's command line (`['--demo', 'cme']`: the lab CME router). */
  argv?: string[];
  /** The system language the browser reports ('de-DE'); Chromium's default (English) otherwise. */
  locale?: string;
}

/** The fixtures open now: a failing test saves what each of them shows. */
const open = new Set<DeskE2e>();

/** The masked protocol trace, as Diagnostics → Export gives it. */
async function traceText(created: CreatedBackend): Promise<string> {
  const file = (await created.backend.handlers['diagnostics:export']({})) as ExportedFile;
  return file.text;
}

/** Suite and test names, outermost first ("Click-to-dial > dials from the contact card"). */
function testName(task: { name: string; suite?: { name: string; suite?: unknown } }): string {
  const names = [task.name];
  for (let suite = task.suite as { name: string; suite?: unknown } | undefined; suite?.name; suite = suite.suite as typeof suite) names.unshift(suite.name);
  return names.join(' > ');
}

// Registered when a test file imports this fixture: runs after each of that file's tests.
afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail') return;
  for (const e2e of open) {
    const saved = await saveFailureArtifacts(open.size > 1 ? `${testName(task)} (${e2e.profile.split('-').at(-1)})` : testName(task), {
      page: e2e.page,
      console: e2e.console,
      trace: () => traceText(e2e.created),
    });
    process.stderr.write(
      `Failure artifacts: ${saved.dir} (${saved.files.join(', ') || 'none'})${saved.problems.length ? `; not saved: ${saved.problems.join('; ')}` : ''}\n`,
    );
  }
}, 20_000);

export async function startDeskE2e(name: string, options: DeskE2eOptions = {}): Promise<DeskE2e> {
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), `pd-e2e-${name}-`));
  const created = await createBackend(options.argv ?? [], 'browser', {
    profileDir: profile,
    demoLab: demoLabStarter(options.lab ?? { livenEveryMs: 0, replyDelayMs: 150 }),
    log: () => {},
  });
  await options.beforeHost?.(created);
  const extra = typeof options.host === 'function' ? options.host(created) : options.host;
  const host = await startBrowserHost({ backend: created.backend, info: created.info, staticDir: RENDERER_DIR, ...extra });
  const browser = await launchChromium(options.locale ? { locale: options.locale } : {});
  const { page, pageErrors, console } = await openPage(browser, host.url);
  const e2e: DeskE2e = {
    created,
    host,
    browser,
    page,
    pageErrors,
    console,
    profile,
    uri: (id) => `sip:${id}@${created.lab!.domain}`,
    close: async () => {
      open.delete(e2e);
      await browser.close();
      await host.close();
      await created.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
  open.add(e2e);
  if (options.signedIn !== false) {
    try {
      await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    } catch (error) {
      // Before any test runs: no afterEach sees this failure, so the fixture saves it itself.
      await saveFailureArtifacts(`${name} (start)`, { page, console, trace: () => traceText(created) });
      throw error;
    }
  }
  return e2e;
}
