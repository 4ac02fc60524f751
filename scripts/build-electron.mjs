// Bundles Electron main and the sandboxed preload with esbuild. The preload must be
// CommonJS (sandboxed preloads cannot be ES modules); main is CommonJS too, for Electron's
// default loader. `electron` stays external, and so does better-sqlite3: a native module that
// loads its .node file from its own package folder (shipped by electron-builder, rebuilt for
// Electron's ABI). Everything else (core, sip.js, ws…) is bundled.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron', 'better-sqlite3'], sourcemap: false, logLevel: 'warning' };
await build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', define: { 'import.meta.url': '__importMetaUrl' }, banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" } });
await build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' });
// The demo lab (started when no server is configured) reads its Kamailio configuration next
// to its own module, which in the bundle is main.cjs: without this copy no window ever opens.
copyFileSync('lab/kamailio/kamailio.cfg.template', 'dist/electron/kamailio.cfg.template');
console.log('built dist/electron/main.cjs and dist/electron/preload.cjs');
