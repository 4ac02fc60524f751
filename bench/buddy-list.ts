/**
 * Buddy list at 5,000 contacts (DESIGN targets: filter ≤ 30 ms, presence → renderer p50 ≤ 30 ms
 * and p99 ≤ 100 ms, core heap ≤ 60 MB), each with a peer measured in the same run:
 *
 * - Filter per keystroke: ours (precomputed keys, narrowing, flattened rows) against the naive
 *   filter the list used to run (lowercasing every field of every contact on each keystroke).
 * - Presence event → DOM in Chromium: the real renderer through the browser host, fed by a test
 *   backend; the peer is the same event's arrival at the page's WebSocket (transport alone).
 * - Core heap: a DeskSession signed in to a lab (in a child process) with 5,000 extra contacts,
 *   all subscribed over real Kamailio; peer: the same process's heap before sign-in.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import { DeskSession, type SipLike } from '../core/desk-session';
import { MemorySettingsStore } from '../core/store/settings';
import { startBrowserHost } from '../host/browser-host';
import { filterGroups, flattenRows, indexGroups, naiveFilter, type Filtered } from '../renderer/src/buddy-model';
import { launchChromium } from '../test/support/chromium';
import { allPresenceKnown } from '../test/support/wait';
import { FakeBackend, presence, scaleGroups } from '../test/support/fake-backend';

type Row = (what: string, value: string, target: string, ok: boolean) => void;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const root = join(import.meta.dirname, '..');

/** What a user types into the search box, one keystroke at a time (names, addresses, numbers). */
const TYPED = ['maria', 'zoe zim', 'kenji.moreau', 'sip:ada', '650 554 43', '+1 650 55', 'partners', 'xu', 'nobody here'];

function filterBench(row: Row): void {
  const groups = scaleGroups(5000);
  const t0 = performance.now();
  const index = indexGroups(groups);
  const indexMs = performance.now() - t0;
  const ours: number[] = [];
  const naive: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const word of TYPED) {
      let previous: Filtered | undefined;
      for (let n = 1; n <= word.length; n++) {
        const q = word.slice(0, n);
        let t = performance.now();
        previous = filterGroups(index, q, previous);
        flattenRows(previous, { sort: 'name', collapsed: new Set(), presence: {} });
        ours.push(performance.now() - t);
        t = performance.now();
        naiveFilter(groups, q);
        naive.push(performance.now() - t);
      }
    }
  }
  const [p50, p99, n50, n99] = [percentile(ours, 50), percentile(ours, 99), percentile(naive, 50), percentile(naive, 99)];
  row('buddy list filter per keystroke, 5,000, p50 (ms)', p50.toFixed(2), '≤ 30 ms', p50 <= 30);
  row('buddy list filter per keystroke, 5,000, p99 (ms)', p99.toFixed(2), '≤ 30 ms', p99 <= 30);
  console.log(
    `     naive per-keystroke filter p50 ${n50.toFixed(2)} ms, p99 ${n99.toFixed(2)} ms: ours is ${(n50 / p50).toFixed(1)}× faster at p50 (index built once in ${indexMs.toFixed(1)} ms)`,
  );
}

/** In the page: when each event arrives at the WebSocket, and when its note shows in the DOM. */
const PAGE_PROBE = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__arrived = {};
  window.__shown = {};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const m = /bench-\\d+/.exec(String(e.data));
        if (m) window.__arrived[m[0]] = now();
      });
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const text = r.target.textContent || '';
      const m = /bench-\\d+/.exec(text);
      if (m && !(m[0] in window.__shown)) window.__shown[m[0]] = now();
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

async function presenceToDom(row: Row): Promise<void> {
  await build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  const groups = scaleGroups(5000);
  const everyone = groups.flatMap((g) => g.contacts);
  const backend = new FakeBackend(groups, Object.fromEntries(everyone.map((c) => [c.uri, presence('offline')])));
  const host = await startBrowserHost({ backend, info: { host: 'browser', version: 'bench' }, staticDir: join(root, 'dist/renderer') });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(PAGE_PROBE);
    await page.goto(host.url);
    await page.locator('[data-testid="contact"]').nth(5).waitFor();
    const visible = await page.locator('[data-testid="contact"]').evaluateAll((els) => els.slice(0, 8).map((e) => e.getAttribute('data-uri')!));
    let seq = 0;
    const run = async (label: string, burst: number) => {
      const dom: number[] = [];
      const wire: number[] = [];
      for (let i = 0; i < 200; i++) {
        const note = `bench-${seq++}`;
        const uri = visible[i % visible.length];
        const others = Array.from({ length: burst }, (_, k) => everyone[(i * 37 + k * 101) % everyone.length]).filter((c) => c.uri !== uri);
        const updates = [
          ...others.map((c) => ({ uri: c.uri, presence: presence(i % 3 === 0 ? 'available' : 'away', 'x') })),
          { uri, presence: presence(i % 2 ? 'busy' : 'available', note) },
        ];
        const sent = performance.timeOrigin + performance.now();
        backend.emit('presence:changed', updates);
        const times = await page.waitForFunction(
          (n) => {
            const w = window as never as { __shown: Record<string, number>; __arrived: Record<string, number> };
            return w.__shown[n] !== undefined && [w.__arrived[n], w.__shown[n]];
          },
          note,
          { polling: 'raf' },
        );
        const [arrived, shown] = (await times.jsonValue()) as [number, number];
        dom.push(shown - sent);
        wire.push(arrived - sent);
      }
      const [p50, p99, w50] = [percentile(dom, 50), percentile(dom, 99), percentile(wire, 50)];
      row(`presence event → DOM, ${label}, p50 (ms)`, p50.toFixed(1), '≤ 30 ms', p50 <= 30);
      row(`presence event → DOM, ${label}, p99 (ms)`, p99.toFixed(1), '≤ 100 ms', p99 <= 100);
      console.log(
        `     of which WebSocket delivery alone p50 ${w50.toFixed(1)} ms; renderer share p50 ${(p50 - w50).toFixed(1)} ms (${(p50 / Math.max(w50, 0.01)).toFixed(1)}× the transport)`,
      );
    };
    await run('one contact', 0);
    await run('batch of 100', 100);
  } finally {
    await browser.close();
    await host.close();
  }
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Starts `npm run lab -- --contacts N` in a child process and reads where to sign in. */
async function childLab(contacts: number): Promise<{ url: string; user: string; password: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'lab/cli.ts'), '--contacts', String(contacts)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = await new Promise<{ url: string; user: string; password: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the lab exited (${code})`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /Lab CUPS server: (\S+)/.exec(out)?.[1];
      const login = /Sign in as (\S+) \/ (\S+)/.exec(out);
      if (url && login) resolve({ url, user: login[1], password: login[2] });
    });
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A SIP account that registers and subscribes to nothing: the core's own share of the heap. */
function quietSip(): SipLike {
  return {
    uri: 'sip:alex@quiet.test',
    state: 'registered',
    start: async () => {},
    stop: async () => {},
    setPresence: async () => {},
    watch: () => {},
    unwatch: () => {},
    sendMessage: async () => {},
    sendComposing: async () => {},
    on: () => () => {},
  } as unknown as SipLike;
}

export async function coreHeap(row: Row): Promise<void> {
  const gc = gcFunction();
  const lab = await childLab(5000);
  const history = mkdtempSync(join(tmpdir(), 'pd-bench-'));
  try {
    // The core without the SIP stack: contact list, presence map, the renderer's snapshot.
    const quiet = new DeskSession({
      info: { host: 'browser', version: 'bench' },
      settings: new MemorySettingsStore(),
      historyDir: history,
      demo: true,
      createSip: quietSip,
    });
    gc();
    const base = process.memoryUsage().heapUsed;
    await quiet.signIn({ server: lab.url, user: lab.user, password: lab.password });
    gc();
    const coreOnly = (process.memoryUsage().heapUsed - base) / 1e6;
    await quiet.close();
    console.log(`     core heap without the SIP stack (contact list, presence, snapshot): ${coreOnly.toFixed(1)} MB`);
  } catch (error) {
    console.log(`     core heap without the SIP stack: not measured (${(error as Error).message})`);
  }
  const session = new DeskSession({ info: { host: 'browser', version: 'bench' }, settings: new MemorySettingsStore(), historyDir: history, demo: true });
  try {
    gc();
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    await session.signIn({ server: lab.url, user: lab.user, password: lab.password });
    const signedIn = performance.now() - t0;
    const total = Object.keys(session.snapshot().presence).length;
    await allPresenceKnown(session);
    const allKnown = performance.now() - t0;
    gc();
    const after = process.memoryUsage().heapUsed;
    const mb = (after - before) / 1e6;
    row(`core heap, ${total} contacts subscribed (MB)`, mb.toFixed(1), '≤ 60 MB', mb <= 60);
    console.log(
      `     process heap before sign-in ${(before / 1e6).toFixed(1)} MB, after ${(after / 1e6).toFixed(1)} MB (${((after - before) / total / 1024).toFixed(1)} KB a contact); signed in after ${(signedIn / 1000).toFixed(1)} s, every presence known after ${(allKnown / 1000).toFixed(1)} s`,
    );
  } finally {
    await session.close();
    await lab.stop();
    rmSync(history, { recursive: true, force: true });
  }
}

export async function buddyListBench(row: Row): Promise<void> {
  filterBench(row);
  await coreHeap(row);
  await presenceToDom(row);
}
