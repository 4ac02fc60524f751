/**
 * What an end-to-end test leaves behind when it fails, so the failure can be read without
 * running it again: under `test-results/<test name>/`
 *   - `screenshot.png`: the page as it was when the test failed;
 *   - `console.txt`: the page's console messages and uncaught errors, in order;
 *   - `trace.txt`: the session's SIP/SOAP/WebDialer/CTI trace (Diagnostics' export, masked);
 *   - `problems.txt`: only when one of the above could not be saved, and why.
 * Each part is saved on its own: a page that is already closed still leaves the console and
 * the trace. Nothing here throws: the test's own failure is the one to report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const TEST_RESULTS_DIR = join(import.meta.dirname, '..', '..', 'test-results');

/** Starts recording `page`'s console messages and uncaught errors; the array fills as they come. */
export function recordConsole(page: Page): string[] {
  const lines: string[] = [];
  const at = () => new Date().toISOString().slice(11, 23);
  page.on('console', (message) => {
    const where = message.location();
    lines.push(`${at()} [${message.type()}] ${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => lines.push(`${at()} [uncaught] ${String(error.stack ?? error).slice(0, 2000)}`));
  return lines;
}

/** A directory name for a test: its suite and test names, with nothing a file system could trip on. */
export function artifactDirName(testName: string): string {
  const name = testName
    .replace(/[^\p{L}\p{N} ._-]+/gu, '-')
    .replace(/\s+/g, ' ')
    .replace(/-{2,}/g, '-')
    .trim()
    .slice(0, 150)
    .replace(/^[.-]+|[ .-]+$/g, '');
  return name || 'unnamed test';
}

export interface FailureSources {
  page?: Page;
  /** What `recordConsole` recorded. */
  console: readonly string[];
  /** The protocol trace as text (Diagnostics' export). */
  trace?: () => string | Promise<string>;
}

export interface SavedArtifacts {
  dir: string;
  /** File names written. */
  files: string[];
  /** What could not be saved, in words. */
  problems: string[];
}

export async function saveFailureArtifacts(testName: string, sources: FailureSources, root = TEST_RESULTS_DIR): Promise<SavedArtifacts> {
  const dir = join(root, artifactDirName(testName));
  const saved: SavedArtifacts = { dir, files: [], problems: [] };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    saved.problems.push(`the directory ${dir} could not be made: ${(error as Error).message}`);
    return saved;
  }
  const attempt = async (file: string, what: string, write: (path: string) => Promise<void> | void) => {
    try {
      await write(join(dir, file));
      saved.files.push(file);
    } catch (error) {
      saved.problems.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  if (sources.page) {
    const page = sources.page;
    await attempt('screenshot.png', 'screenshot', async (path) => {
      if (page.isClosed()) throw new Error('the page was already closed');
      await page.screenshot({ path, fullPage: true, timeout: 5000 });
    });
  } else saved.problems.push('screenshot: the test had no page');
  await attempt('console.txt', 'console', (path) =>
    writeFileSync(path, sources.console.length ? `${sources.console.join('\n')}\n` : '(the page wrote nothing to its console)\n'),
  );
  if (sources.trace) {
    const trace = sources.trace;
    await attempt('trace.txt', 'protocol trace', async (path) => writeFileSync(path, await trace()));
  } else saved.problems.push('protocol trace: the test had no session');
  if (saved.problems.length) writeFileSync(join(dir, 'problems.txt'), `${saved.problems.join('\n')}\n`);
  return saved;
}
