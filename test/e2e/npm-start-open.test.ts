/**
 * `npm start -- --open tel:…` in the browser host: once the page is open, the number is in the
 * dial box with its rule preview, and nothing is called until the user confirms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';

const root = join(import.meta.dirname, '..', '..');
let child: ChildProcess | undefined;
const config = mkdtempSync(join(tmpdir(), 'pd-start-open-'));

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
  rmSync(config, { recursive: true, force: true });
});

describe('npm start --open', () => {
  it('fills the dial box with a tel: number given on the command line', async () => {
    const output: string[] = [];
    child = spawn('npm', ['start', '--', '--open', 'tel:+1-408-555-0102;phone-context=example.com'], {
      cwd: root,
      env: { ...process.env, XDG_CONFIG_HOME: config, PRESENCE_DESK_HOST: 'browser' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 20 s:\n${output.join('')}`)), 20_000);
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
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="dial-preview"]', { hasText: "will dial 0102 (rule 'Own site')" }).waitFor({ timeout: 10_000 });
      expect(await page.inputValue('[data-testid="dial-input"]')).toBe('+1-408-555-0102');
      expect(await page.locator('[data-testid="dial-result"]').count()).toBe(0);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
