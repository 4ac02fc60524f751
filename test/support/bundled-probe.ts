/**
 * Runs a check inside the app as scripts/build-electron.mjs bundles it (esbuild reprints
 * sip.js's source, so a patch that holds in `tsx` may not hold there): bundles an entry that
 * loads the SIP account, calls `probe` from `module`, and returns what it printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export async function probeBundledApp(module: string, probe: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'pd-bundle-'));
  try {
    const root = join(import.meta.dirname, '../..');
    writeFileSync(
      join(dir, 'entry.ts'),
      `import { ${probe} } from ${JSON.stringify(join(root, module))};\n` +
        `import ${JSON.stringify(join(root, 'core/sip/account.ts'))};\n` +
        `console.log(JSON.stringify({ installed: ${probe}() }));\n`,
    );
    // As scripts/build-electron.mjs bundles Electron's main process.
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      outfile: join(dir, 'out.cjs'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron'],
      logLevel: 'silent',
      nodePaths: [join(root, 'node_modules')],
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    });
    const result = execFileSync(process.execPath, [join(dir, 'out.cjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(result.trim().split('\n').pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
