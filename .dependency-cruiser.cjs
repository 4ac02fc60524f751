/**
 * The layers of Presence Desk, enforced by `npm run lint:layers` (a counted step of `npm test`):
 *
 *   renderer ──► shared ◄── core ◄── host ◄── electron
 *                              ▲
 *                    lab, test, scripts, bench
 *
 * The core knows no window, no Electron and no lab (it runs in any host, and a simulator must
 * never be what the client's tests rely on); the renderer sees only the IPC contract in shared/
 * (it runs sandboxed, with no Node); shared/ is plain data and contracts that all layers load.
 */
const { join } = require('node:path');

const OUTSIDE_CORE = '^(electron|renderer|host|lab|test|scripts|bench)/';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-outer-layer',
      comment:
        'core/ must not import electron/, renderer/, host/, lab/, test/, scripts/ or bench/: the core runs in every host and never depends on a simulator.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: OUTSIDE_CORE },
    },
    {
      name: 'core-or-shared-imports-electron',
      comment: 'core/ and shared/ must not import the electron package: only electron/ may.',
      severity: 'error',
      from: { path: '^(core|shared|lab)/' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'renderer-imports-beyond-shared',
      comment: 'renderer/ may import only shared/, its own files and UI packages: it talks to the rest through the IPC contract.',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '^renderer/vite\\.config\\.ts$' },
      to: { path: '^(core|electron|host|lab|test|scripts|bench)/' },
    },
    {
      name: 'renderer-imports-node',
      comment: 'renderer/ runs sandboxed in a browser page: no Node built-ins.',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '^renderer/vite\\.config\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-imports-beyond-shared',
      comment: 'shared/ is loaded by every layer, the renderer included: it imports nothing of ours but shared/.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(core|electron|renderer|host|lab|test|scripts|bench)/' },
    },
    {
      name: 'shared-imports-node',
      comment: 'shared/ runs in the renderer too: no Node built-ins.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'lab-imports-client-shell',
      comment: 'lab/ simulates servers: it may use the core, never the hosts, the Electron shell or the renderer.',
      severity: 'error',
      from: { path: '^lab/' },
      to: { path: '^(electron|renderer|host)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test-results|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};
