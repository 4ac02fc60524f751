// Bundles Electron main and the sandboxed preload with esbuild. The preload must be
// CommonJS (sandboxed preloads cannot be ES modules); main is CommonJS too, for Electron's
// default loader. `electron` stays external, and so does better-sqlite3: a native module that
// loads its .node file from its own package folder (shipped by electron-builder, rebuilt for
// Electron's ABI). Everything else (core, sip.js, ws…) is bundled.
// The demo lab is not part of the app: `npm start` runs it beside Electron (scripts/start.ts).
// Each bundle's esbuild metafile is written next to it (main.meta.json), so a test can check
// what went in. `--outdir DIR` builds elsewhere than dist/electron.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist/electron' } } });
const outdir = values.outdir;

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['electron', 'better-sqlite3'],
  sourcemap: false,
  logLevel: 'warning',
  metafile: true,
};
const main = await build({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: join(outdir, 'main.cjs'),
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
});
const preload = await build({ ...common, entryPoints: ['electron/preload.ts'], outfile: join(outdir, 'preload.cjs') });
writeFileSync(join(outdir, 'main.meta.json'), JSON.stringify(main.metafile));
writeFileSync(join(outdir, 'preload.meta.json'), JSON.stringify(preload.metafile));
console.log(`built ${join(outdir, 'main.cjs')} and ${join(outdir, 'preload.cjs')}`);
