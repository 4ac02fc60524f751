/**
 * `npm start`: runs Presence Desk in Electron when an Electron binary is available, otherwise
 * says so and serves the same renderer from the browser host on loopback, printing the URL
 * (with its access token). It opens nothing by itself.
 *
 * Arguments after `--` go to the app: `npm start -- --server cups.example.com --user alice`;
 * `npm start -- --demo cme` opens on the lab Cisco Unified CME router instead of the lab CUPS,
 * `npm start -- --demo simple` on the plain SIMPLE lab (SIP and XCAP only).
 * In the browser host, `--open tel:+14085550101` puts that number in the dial box (with its
 * rule preview) once the page is open; the user confirms the call.
 *
 * The demo lab belongs to development, not to the app: this script starts it (the browser
 * host when no server is configured; for Electron unless `--server` is given) and hands it to
 * the app, to Electron through the `PRESENCE_DESK_DEMO_LAB` variable. The packaged app has no
 * lab and shows sign-in when no server is configured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

/** Newest modification time below a directory (source freshness check for the build). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function ensureRendererBuilt(): string {
  const out = join(root, 'dist', 'renderer');
  const index = join(out, 'index.html');
  const sources = Math.max(newest(join(root, 'renderer')), newest(join(root, 'shared')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    console.log('Building the renderer…');
    const build = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('The renderer build failed (see above).');
  }
  return out;
}

/**
 * The Electron binary, or the reason there is none. Looks at the electron package's install
 * marker rather than requiring it: requiring it tries to download the binary.
 */
function findElectron(): { path: string } | { reason: string } {
  try {
    const pkg = createRequire(import.meta.url).resolve('electron/package.json');
    const marker = join(dirname(pkg), 'path.txt');
    if (!existsSync(marker)) return { reason: 'the Electron binary is not installed' };
    const path = join(dirname(pkg), 'dist', readFileSync(marker, 'utf8').trim());
    if (!existsSync(path)) return { reason: 'the Electron binary is missing' };
    const probe = spawnSync(path, ['--version'], { timeout: 5000, encoding: 'utf8' });
    if (probe.status !== 0)
      return { reason: `the Electron binary does not run (${(probe.stderr || probe.error?.message || '').trim().split('\n')[0] || `exit ${probe.status}`})` };
    return { path };
  } catch (error) {
    return { reason: `the electron package is missing (${(error as Error).message.split('\n')[0]})` };
  }
}

async function runBrowserHost(): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, open: { type: 'string' } }, strict: false, allowPositionals: true });
  const { parseOpenRequest } = await import('../host/open-request');
  let openRequest = typeof values.open === 'string' ? parseOpenRequest(values.open) : undefined;
  if (openRequest && 'error' in openRequest) console.log(`--open: ${openRequest.error}`);
  const staticDir = ensureRendererBuilt();
  const { createBackend } = await import('../host/backend-factory');
  const { demoLabStarter } = await import('../host/demo-lab');
  const { startBrowserHost } = await import('../host/browser-host');
  const created = await createBackend(argv, 'browser', { demoLab: demoLabStarter({ log: (line) => console.log(line) }) });
  const host = await startBrowserHost({
    backend: created.backend,
    info: created.info,
    staticDir,
    port: values.port ? Number(values.port) : 0,
    log: (line) => console.log(line),
    // `--open tel:…`: handed to the first renderer that connects (the user confirms the call).
    onConnect: () => {
      if (openRequest && !('error' in openRequest)) created.session.requestOpen(openRequest);
      openRequest = undefined;
    },
  });
  console.log('');
  console.log(`Presence Desk is running in the browser host. Open this address in a browser on this machine:`);
  console.log(`  ${host.url}`);
  if (created.lab) console.log(`(Signed in to the built-in demo lab as ${created.lab.demoUser.displayName}. Ctrl+C quits.)`);
  else if (created.cme) console.log(`(Signed in to the lab Cisco Unified CME router at ${created.cme.url} as ${created.cme.user.id}. Ctrl+C quits.)`);
  else if (created.session.sessionState.demo) console.log('(Signed in to the plain SIMPLE demo lab, SIP and XCAP only. Ctrl+C quits.)');
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    console.log('Signing out…');
    await host.close().catch(() => undefined);
    await created.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/**
 * Electron with the demo lab beside it: the lab runs in this process (unless `--server` names
 * a real server) and the app gets its address; the lab stops when the app ends.
 */
async function runElectron(electronPath: string): Promise<void> {
  ensureRendererBuilt();
  const build = spawnSync('node', ['scripts/build-electron.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  const { values } = parseArgs({
    args: argv,
    options: { server: { type: 'string' }, demo: { type: 'boolean' } },
    strict: false,
    allowPositionals: true,
  });
  const env: NodeJS.ProcessEnv = { ...process.env };
  let stopLab = async () => {};
  // `--demo=simple` reads as a string, `--demo simple` as true.
  if ((values.demo !== undefined && values.demo !== false) || typeof values.server !== 'string') {
    const { demoLabStarter } = await import('../host/demo-lab');
    const { DEMO_LAB_ENV, demoServerType } = await import('../host/backend-factory');
    console.log('Starting the demo lab (used when no server is configured)…');
    try {
      const started = await demoLabStarter({ log: (line) => console.log(line) })(demoServerType(argv));
      env[DEMO_LAB_ENV] = JSON.stringify(started.address);
      stopLab = () => started.stop();
    } catch (error) {
      console.log(`The demo lab could not start (${(error as Error).message}); the app opens on sign-in.`);
    }
  }
  const child = spawn(electronPath, [join(root, 'dist', 'electron', 'main.cjs'), ...argv], { cwd: root, stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => {
    void stopLab()
      .catch(() => undefined)
      .finally(() => process.exit(code ?? 0));
  });
}

const electron = process.env.PRESENCE_DESK_HOST === 'browser' ? { reason: 'PRESENCE_DESK_HOST=browser' } : findElectron();
if ('path' in electron) {
  await runElectron(electron.path);
} else {
  console.log(`Electron cannot start here: ${electron.reason}.`);
  console.log('Falling back to the browser host (same app, served on 127.0.0.1).');
  await runBrowserHost();
}
