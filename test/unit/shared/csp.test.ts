import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP_PLACEHOLDER, contentSecurityPolicy } from '../../../shared/csp';
import { cspMeta } from '../../../renderer/vite.config';

const root = new URL('../../../', import.meta.url).pathname;

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('one Content-Security-Policy', () => {
  it('is strict in both hosts and differs only in the browser host’s loopback WebSocket', () => {
    const electron = directives(contentSecurityPolicy('electron'));
    const browser = directives(contentSecurityPolicy('browser'));
    expect(electron.get('default-src')).toEqual(["'none'"]);
    expect(electron.get('script-src')).toEqual(["'self'"]);
    expect(electron.get('connect-src')).toEqual(["'self'"]);
    expect(browser.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*']);
    for (const name of new Set([...electron.keys(), ...browser.keys()]))
      if (name !== 'connect-src') expect(browser.get(name), name).toEqual(electron.get(name));
    expect(contentSecurityPolicy('browser')).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('reaches the page through the build: index.html carries the placeholder and the plugin fills it', () => {
    const html = readFileSync(`${root}renderer/index.html`, 'utf8');
    expect(html).toContain(`content="${CSP_PLACEHOLDER}"`);
    const transform = cspMeta().transformIndexHtml as (html: string) => string;
    expect(transform(html)).toContain(`content="${contentSecurityPolicy('browser')}"`);
    expect(() => transform('<html><head></head></html>')).toThrow(/Content-Security-Policy/);
  });

  it('is written nowhere else', async () => {
    const { execFileSync } = await import('node:child_process');
    const files = execFileSync('git', ['ls-files', 'core', 'renderer', 'host', 'lab', 'electron', 'shared', 'scripts'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && f !== 'shared/csp.ts');
    expect(files.filter((f) => readFileSync(`${root}${f}`, 'utf8').includes("default-src 'none'"))).toEqual([]);
  });
});
