/**
 * Rules of the code base that a reviewer would otherwise have to remember:
 * the core never imports electron, and no user text is ever turned into HTML.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function files(dir: string, ext = /\.(ts|tsx)$/): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, ext));
    else if (ext.test(name)) out.push(path);
  }
  return out;
}

describe('architecture', () => {
  it('core/, shared/ and lab/ never import electron', () => {
    const offenders = ['core', 'shared', 'lab']
      .flatMap((d) => files(join(root, d)))
      .filter((f) => /(from\s+['"]electron['"/]|require\(\s*['"]electron['"]|import\(\s*['"]electron['"])/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('the renderer never writes HTML from strings', () => {
    const offenders = files(join(root, 'renderer'))
      .filter((f) => /dangerouslySetInnerHTML|\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('the architecture rule itself catches an electron import', () => {
    // Guard against a rule that silently matches nothing.
    expect(/(from\s+['"]electron['"/])/.test(`import { app } from 'electron';`)).toBe(true);
  });
});
