/**
 * `npm start` as a user runs it, in the browser host:
 * - on a machine without an Electron binary it says so, prints the browser-host URL within
 *   10 s (waiting on the line, not sleeping), and that page shows a live buddy list;
 * - with `-- --open tel:…`, once the page is open the number is in the dial box with its rule
 *   preview, and nothing is called until the user confirms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';

const root = join(import.meta.dirname, '..', '..');
let child: ChildProcess | undefined;
let config: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
  child = undefined;
  if (config) rmSync(config, { recursive: true, force: true });
  config = undefined;
});

/**
 * Runs `npm start` with `args` on a fresh profile, waits for the URL it prints (failing after
 * `withinMs`, or when npm exits first), and opens that URL once the app is signed in.
 * `check` gets the page and everything npm printed until the URL.
 */
async function startAndOpen(args: string[], env: NodeJS.ProcessEnv, withinMs: number, check: (page: Page, output: string) => Promise<void>): Promise<void> {
  config = mkdtempSync(join(tmpdir(), 'pd-start-'));
  const output: string[] = [];
  const started = spawn('npm', ['start', ...args], {
    cwd: root,
    env: { ...process.env, ...env, XDG_CONFIG_HOME: config },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${withinMs / 1000} s:\n${output.join('')}`)), withinMs);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    started.stdout!.on('data', onData);
    started.stderr!.on('data', onData);
    started.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output.join('')}`)));
  });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 10_000 });
    await check(page, output.join(''));
  } finally {
    await browser.close();
  }
}

describe('npm start', () => {
  it('falls back to the browser host, prints its URL within 10 s, and the page is live', async () => {
    // The renderer is built once by the test run's global setup, as after a first start.
    await startAndOpen([], {}, 10_000, async (page, output) => {
      expect(output).toContain('Electron cannot start here');
      expect(output).toContain('browser host');
      await page.locator('[data-testid="contact"][data-availability="available"]').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-testid="contact"]').count()).toBe(6);
    });
  }, 60_000);

  it('--open fills the dial box with a tel: number given on the command line', async () => {
    await startAndOpen(['--', '--open', 'tel:+1-408-555-0102;phone-context=example.com'], { PRESENCE_DESK_HOST: 'browser' }, 20_000, async (page) => {
      await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 0102 (rule 'Own site')" }).waitFor({ timeout: 10_000 });
      expect(await page.inputValue('[data-testid="dial-input"]')).toBe('+1-408-555-0102');
      expect(await page.locator('[data-testid="dial-result"]').count()).toBe(0);
    });
  }, 60_000);
});
