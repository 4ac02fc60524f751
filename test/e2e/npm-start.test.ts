/**
 * `npm start` on a machine without an Electron binary: it says so, prints the browser-host
 * URL within 10 s (waiting on the line, not sleeping), and that page shows a live buddy list.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';

const root = join(import.meta.dirname, '..', '..');
let child: ChildProcess | undefined;
const config = mkdtempSync(join(tmpdir(), 'pd-start-'));

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
  rmSync(config, { recursive: true, force: true });
});

describe('npm start', () => {
  it('falls back to the browser host, prints its URL within 10 s, and the page is live', async () => {
    // The renderer is built once by the test run's global setup, as after a first start.
    const output: string[] = [];
    child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, XDG_CONFIG_HOME: config }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 10 s:\n${output.join('')}`)), 10_000);
      const onData = (d: Buffer) => {
        output.push(d.toString());
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}/.exec(output.join(''));
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output.join('')}`)));
    });
    expect(output.join('')).toContain('Electron cannot start here');
    expect(output.join('')).toContain('browser host');

    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="contact"][data-availability="available"]').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('[data-testid="contact"]').count()).toBe(6);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
