/**
 * The shipped Electron bundle holds no lab: the demo lab (Kamailio, the lab CUPS server,
 * WebDialer, the CTI gateway, slapd, the bots) belongs to development's `npm start`. The test
 * builds the bundle with the project's own script into a directory of its own and reads what
 * esbuild put in (its metafile), then looks for lab markers in the bundle's text.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
let outdir: string;
let inputs: string[];
let bundle: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'pd-bundle-'));
  const build = spawnSync(process.execPath, ['scripts/build-electron.mjs', '--outdir', outdir], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build-electron.mjs failed:\n${build.stderr || build.stdout}`);
  inputs = Object.keys((JSON.parse(readFileSync(join(outdir, 'main.meta.json'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
  bundle = readFileSync(join(outdir, 'main.cjs'), 'utf8');
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the Electron bundle', () => {
  it('is built from the app: main, the host backend and the core are in it', () => {
    expect(inputs).toContain('electron/main.ts');
    expect(inputs).toContain('host/backend-factory.ts');
    expect(inputs).toContain('core/desk-session.ts');
  });

  it('contains no lab module, not even the demo-lab starter', () => {
    expect(inputs.filter((path) => path.startsWith('lab/') || path === 'host/demo-lab.ts')).toEqual([]);
  });

  it('carries none of the lab’s markers in its text', () => {
    for (const marker of ['startLab', 'startLabCups', 'startLabWebDialer', 'startLabCtiGateway', 'LabSwitch', 'kamailio.cfg.template', 'demoLabStarter'])
      expect(bundle, marker).not.toContain(marker);
  });
});
