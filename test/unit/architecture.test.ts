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

describe('Electron shell', () => {
  it('keeps the window hardened: sandbox, context isolation, no node integration, navigation and window.open locked', () => {
    const main = readFileSync(join(root, 'electron/main.ts'), 'utf8');
    expect(main).toMatch(/sandbox:\s*true/);
    expect(main).toMatch(/contextIsolation:\s*true/);
    expect(main).toMatch(/nodeIntegration:\s*false/);
    expect(main).toMatch(/setWindowOpenHandler\([^]*action:\s*'deny'/);
    expect(main).toMatch(/will-navigate[^]*preventDefault/);
    expect(main).toMatch(/requestSingleInstanceLock/);
    expect(main).not.toMatch(/webSecurity:\s*false|allowRunningInsecureContent:\s*true|nodeIntegration:\s*true/);
  });

  it('exposes only the typed API from the preload, never ipcRenderer itself', () => {
    const preload = readFileSync(join(root, 'electron/preload.ts'), 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\(PRELOAD_API_NAME, Object\.freeze\(api\)\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('bundles main and the CommonJS preload', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('node', ['scripts/build-electron.mjs'], { cwd: root, stdio: 'pipe' });
    const preload = readFileSync(join(root, 'dist/electron/preload.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).not.toMatch(/^import /m);
    expect(readFileSync(join(root, 'dist/electron/main.cjs'), 'utf8')).toContain('sandbox: true');
  });
});

describe('types', () => {
  it('the whole project type-checks under strict settings', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: root, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 120_000);
});
