/**
 * The failure artifacts an e2e test leaves (test/support/e2e-artifacts.ts), written from a real
 * Chromium page: a deliberately failing inner test run is not something vitest offers, so the
 * writer the fixture's afterEach calls is tested directly.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { artifactDirName, recordConsole, saveFailureArtifacts } from '../support/e2e-artifacts';

let browser: Awaited<ReturnType<typeof launchChromium>>;
let root: string;

beforeAll(async () => {
  browser = await launchChromium();
  root = mkdtempSync(join(tmpdir(), 'pd-artifacts-'));
});

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A page that logs, warns and throws, with its console recorded from the start. */
async function noisyPage(): Promise<{ page: Page; console: string[] }> {
  const page = await browser.context.newPage();
  const console = recordConsole(page);
  const thrown = page.waitForEvent('pageerror');
  await page.setContent(
    `<h1 style="color:#c00">Sign-in failed</h1><script>console.log('signing in as alex'); console.warn('SOAP answer slow'); setTimeout(() => { throw new Error('renderer blew up'); });</script>`,
  );
  await thrown;
  return { page, console };
}

describe('failure artifacts', () => {
  it('saves the screenshot, the console (messages and uncaught errors, in order) and the trace under the test name', async () => {
    const { page, console } = await noisyPage();
    const trace = 'Presence Desk protocol trace\n--> SIP REGISTER sip:demo.presence-desk.test\nAuthorization: Digest response="********"\n';
    const saved = await saveFailureArtifacts('Click-to-dial > dials from the card', { page, console, trace: () => trace }, root);

    expect(saved.dir).toBe(join(root, 'Click-to-dial - dials from the card'));
    expect(saved.files).toEqual(['screenshot.png', 'console.txt', 'trace.txt']);
    expect(saved.problems).toEqual([]);
    const png = readFileSync(join(saved.dir, 'screenshot.png'));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(1000);
    const lines = readFileSync(join(saved.dir, 'console.txt'), 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/\[log\] signing in as alex/);
    expect(lines[1]).toMatch(/\[warning\] SOAP answer slow/);
    expect(lines[2]).toMatch(/\[uncaught\] Error: renderer blew up/);
    expect(readFileSync(join(saved.dir, 'trace.txt'), 'utf8')).toBe(trace);
    expect(existsSync(join(saved.dir, 'problems.txt'))).toBe(false);
    await page.close();
  });

  it('still saves the console and the trace when the page is gone, and says what is missing', async () => {
    const { page, console } = await noisyPage();
    await page.close();
    const saved = await saveFailureArtifacts('page closed early', { page, console, trace: async () => 'the trace' }, root);
    expect(saved.files).toEqual(['console.txt', 'trace.txt']);
    expect(saved.problems).toEqual(['screenshot: the page was already closed']);
    expect(readFileSync(join(saved.dir, 'problems.txt'), 'utf8')).toBe('screenshot: the page was already closed\n');
    expect(readFileSync(join(saved.dir, 'console.txt'), 'utf8')).toContain('renderer blew up');
  });

  it('reports a trace that cannot be read instead of throwing over the test’s own failure', async () => {
    const { page, console } = await noisyPage();
    const saved = await saveFailureArtifacts('trace unavailable', { page, console, trace: () => Promise.reject(new Error('session already closed')) }, root);
    expect(saved.files).toEqual(['screenshot.png', 'console.txt']);
    expect(saved.problems).toEqual(['protocol trace: session already closed']);
    await page.close();
  });

  it('names directories after the test, without path separators or other characters a file system trips on', () => {
    const odd = artifactDirName('IM > sends "<b>hi</b>" / as text: never HTML');
    expect(odd).toBe('IM - sends -b-hi-b- - as text- never HTML');
    expect(odd).not.toMatch(/[/\\<>:"|?*]/);
    expect(artifactDirName('../../etc/passwd')).toBe('etc-passwd');
    expect(artifactDirName('???')).toBe('unnamed test');
    expect(artifactDirName('x'.repeat(400))).toHaveLength(150);
  });
});
