/**
 * Rules of the code base that a reviewer would otherwise have to remember: the layers (checked
 * by dependency-cruiser, proved to catch a bad tree), and no user text is ever turned into HTML.
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

/** Runs the dependency rules (`.dependency-cruiser.cjs`) over `dirs` of the tree at `cwd`. */
async function checkLayers(cwd: string, dirs: string[]): Promise<{ status: number | null; output: string }> {
  const { spawnSync } = await import('node:child_process');
  const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const run = spawnSync(process.execPath, [cli, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err', ...dirs], { cwd, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('architecture', () => {
  it('the layers hold: core imports no electron/renderer/host/lab, the renderer and shared/ only shared/', async () => {
    const { status, output } = await checkLayers(root, ['core', 'shared', 'renderer', 'electron', 'host', 'lab']);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  }, 120_000);

  it('the layer checker fails on a tree that breaks each rule', async () => {
    const { status, output } = await checkLayers(join(root, 'test', 'fixtures', 'layers', 'bad'), ['core', 'shared', 'renderer', 'lab', 'host']);
    expect(status).not.toBe(0);
    const broken = [...output.matchAll(/error ([a-z-]+): (\S+) → (\S+)/g)]
      .map(([, rule, from, to]) => `${rule} ${from} → ${to.replace(/^.*node_modules\//, 'node_modules/')}`)
      .sort();
    expect(broken).toEqual([
      'core-imports-outer-layer core/bad-core-imports-lab.ts → lab/simulator.ts',
      'core-or-shared-imports-electron core/bad-core-imports-electron.ts → node_modules/electron/index.js',
      'lab-imports-client-shell lab/bad-lab-imports-host.ts → host/shell.ts',
      'renderer-imports-beyond-shared renderer/bad-renderer-imports.ts → core/bad-core-imports-lab.ts',
      'renderer-imports-node renderer/bad-renderer-imports.ts → fs',
      'shared-imports-beyond-shared shared/bad-shared-imports-core.ts → core/bad-core-imports-lab.ts',
    ]);
  }, 120_000);

  it('the renderer never writes HTML from strings', () => {
    const offenders = files(join(root, 'renderer'))
      .filter((f) => /dangerouslySetInnerHTML|\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
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
    // The argument guards (zod) run in main only: the sandboxed preload stays small.
    expect(preload).not.toContain('ZodError');
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

  it('each layer type-checks with only its platform: shared/ with neither DOM nor Node, core/ with Node, the renderer with DOM', async () => {
    const { spawnSync } = await import('node:child_process');
    for (const layer of ['shared', 'core', 'renderer']) {
      const config = JSON.parse(readFileSync(join(root, layer, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as {
        compilerOptions: { lib: string[]; types: string[] };
      };
      expect(config.compilerOptions.lib.includes('DOM'), layer).toBe(layer === 'renderer');
      expect(config.compilerOptions.types.includes('node'), layer).toBe(layer === 'core');
      const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', layer, '--noEmit'], { cwd: root, encoding: 'utf8' });
      expect(run.stdout + run.stderr, layer).toBe('');
      expect(run.status, layer).toBe(0);
    }
  }, 240_000);
});
