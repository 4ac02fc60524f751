/**
 * `npm run bench -- sign-in [--rounds N] [--sizes 1000,2000] [--rls 5000|0]`: sign-in to full
 * presence against a baresip peer, measured the way users meet both, in the same run.
 *
 * - Two server profiles, each a lab Kamailio of its own, both up for the whole run:
 *   `qop`   — the lab's own: digest with qop=auth and nonce counts;
 *   `plain` — a stock Kamailio: MD5 digest without qop (every out-of-dialog request
 *             challenged), SUBSCRIBE answered 200.
 * - Presence Desk: a `SipAccount` over TCP with the Diagnostics recorder attached (as the app
 *   runs it), one SUBSCRIBE per contact; timed from `start()` (REGISTER) until every contact has
 *   a known state at the account; its CPU for the sign-in alone is `process.cpuUsage()`'s
 *   delta, user + system (the bench process does nothing else meanwhile).
 * - baresip: run as a user runs it (no `-s` SIP trace), its presence module watching the same
 *   contacts; timed from its start until the server has sent it a NOTIFY with a body from
 *   every contact (the server's log: Kamailio logs those NOTIFYs for watchers named `bs-…`
 *   only, so Presence Desk's runs pay nothing for it). That stops the clock before baresip
 *   has read the last NOTIFY, in baresip's favour. baresip's presence module waits a fixed
 *   1 s before it subscribes (`BARESIP_START_DELAY_MS`): each line shows baresip as measured
 *   and with that second taken off.
 * - Rounds are interleaved: every round runs both profiles and all sizes, alternating which
 *   profile and which client goes first; each (profile, size, client) has fresh users, so no
 *   run inherits another's subscriptions. Medians and the spread (min–max) are printed, and
 *   the ratio is baresip's median over ours. With `--fresh-servers` every sign-in has a server
 *   of its own, started for it (a server slows with each sign-in it has served: the last one's
 *   un-SUBSCRIBEs and ended subscriptions are still being handled).
 * - Each line also gives the CPU of the server's busiest process over the sign-in: one TCP
 *   connection's requests are handled by one Kamailio process, so that is the floor under the
 *   wall time of any client signing in over one connection.
 * - RLS: on a third Kamailio with the resource list server (qop profile), one event-list
 *   subscription for the whole list against one SUBSCRIBE per contact (and baresip), to choose
 *   the faster path.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SipAccount, defaultListUri, type SipAccountOptions } from '../core/sip';
import { TraceRecorder } from '../core/diagnostics';
import { startKamailio, type Kamailio } from '../lab/kamailio';
import { BulkPublisher } from '../lab/publisher';
import type { OwnStatus } from '../shared/domain';
import { serverCpuMeter, type ServerCpu } from './server-cpu';

/** baresip's presence module subscribes one second after it starts (a fixed timer). */
export const BARESIP_START_DELAY_MS = 1000;
const AVAILABILITY: OwnStatus['availability'][] = ['available', 'away', 'busy', 'dnd'];
const PROFILES = ['qop', 'plain'] as const;
type Profile = (typeof PROFILES)[number];

export interface SignInBenchOptions {
  rounds: number;
  sizes: number[];
  /** Members of the RLS comparison list (0: none). */
  rls: number;
  rlsRounds: number;
  /** A fresh server for every sign-in (a server slows with each sign-in it has served). */
  freshServers?: boolean;
}

export function parseSignInArgs(args: string[]): SignInBenchOptions {
  const options: SignInBenchOptions = { rounds: 5, sizes: [1000, 2000], rls: 5000, rlsRounds: 1 };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    const number = (what: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${args[i]} takes a whole number (${what}), not "${value ?? ''}"`);
      i++;
      return n;
    };
    if (args[i] === '--rounds') options.rounds = Math.max(1, number('rounds'));
    else if (args[i] === '--rls') options.rls = number('members of the RLS list, 0 for none');
    else if (args[i] === '--rls-rounds') options.rlsRounds = Math.max(1, number('rounds'));
    else if (args[i] === '--fresh-servers') options.freshServers = true;
    else if (args[i] === '--sizes') {
      options.sizes = (value ?? '').split(',').map(Number);
      if (!options.sizes.length || options.sizes.some((n) => !Number.isInteger(n) || n < 1))
        throw new Error(`--sizes takes contact counts separated by commas (1000,2000), not "${value ?? ''}"`);
      i++;
    } else throw new Error(`unknown option ${args[i]} (known: --rounds N, --sizes 1000,2000, --rls N, --rls-rounds N, --fresh-servers)`);
  }
  return options;
}

export interface Run {
  ms: number;
  /** Presence Desk only: client CPU for the sign-in, ms. */
  cpuMs?: number;
  /** The server's CPU from the client's start until its full presence. */
  server: ServerCpu;
}

/** Who is told about the NOTIFYs the server logs, per watcher user name. */
const notifyListeners = new Map<string, (presentity: string) => void>();
const onNotifyLog = (watcher: string, presentity: string) => notifyListeners.get(watcher)?.(presentity);

/**
 * Presence Desk's SIP account as a bench signs it in: over TCP to the lab `kamailio`, every
 * message recorded as the app records them (no Diagnostics view follows the trace live).
 */
export function benchAccount(kamailio: Kamailio, user: string, password: string, more: Partial<SipAccountOptions> = {}): SipAccount {
  return new SipAccount({
    server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
    domain: kamailio.domain,
    user,
    password,
    requestTimeoutMs: 30_000,
    trace: new TraceRecorder(),
    ...more,
  });
}

/** `WINDOW=N` in the environment: the window of initial SUBSCRIBEs (0: all at once; unset: the default). */
export const windowFromEnv = (): number | undefined => (process.env.WINDOW === undefined ? undefined : Number(process.env.WINDOW) || Infinity);

/** Full presence: resolves once `count` contacts have a known state on any of `accounts`; `known` grows meanwhile. */
export function fullPresence(accounts: SipAccount[], count: number): { known: Set<string>; done: Promise<void> } {
  const known = new Set<string>();
  const done = new Promise<void>((resolve) => {
    for (const account of accounts)
      account.on('presence', (uri, presence) => {
        if (presence.availability !== 'unknown') known.add(uri);
        if (known.size >= count) resolve();
      });
  });
  return { known, done };
}

export async function presenceDesk(
  kamailio: Kamailio,
  user: string,
  password: string,
  members: string[],
  list = false,
  subscribeWindow?: number,
): Promise<Run> {
  const trace = new TraceRecorder();
  trace.addSecret(password);
  const account = benchAccount(kamailio, user, password, { trace, subscribeWindow });
  const { known, done: full } = fullPresence([account], members.length);
  let timer: NodeJS.Timeout | undefined;
  const done = Promise.race([
    full,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Presence Desk gave up after 120 s with ${known.size} of ${members.length} contacts`)), 120_000);
    }),
  ]);
  const server = serverCpuMeter(kamailio);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await account.start();
    if (list) account.watchList(defaultListUri(user, kamailio.domain), members);
    else for (const m of members) account.watch(m);
    await done;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, server: server() };
  } finally {
    clearTimeout(timer);
    await account.stop();
  }
}

export async function baresip(kamailio: Kamailio, user: string, password: string, members: string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'presence-desk-baresip-'));
  writeFileSync(
    join(dir, 'config'),
    [
      'module_path /usr/lib/baresip/modules',
      'module stdio.so',
      'module account.so',
      'module contact.so',
      'module presence.so',
      'module menu.so',
      'sip_listen 127.0.0.1:0',
      'net_interface 127.0.0.1',
      'audio_player nil',
      'audio_source nil',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${user}@${kamailio.domain};transport=tcp>;auth_pass=${password};outbound="sip:127.0.0.1:${kamailio.tcpPort};transport=tcp";regint=600\n`,
  );
  writeFileSync(join(dir, 'contacts'), members.map((m) => `<${m}>;presence=p2p`).join('\n') + '\n');
  const wanted = new Set(members);
  const seen = new Set<string>();
  let output = '';
  const server = serverCpuMeter(kamailio);
  const t0 = performance.now();
  const proc = spawn('baresip', ['-f', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  // Its console output is read and dropped (a full pipe would stall it), never parsed.
  proc.stdout!.on('data', (c: Buffer) => output.length < 4000 && (output += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => output.length < 4000 && (output += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Run>((resolve, reject) => {
      notifyListeners.set(user, (presentity) => {
        if (wanted.has(presentity)) seen.add(presentity);
        if (seen.size >= wanted.size) resolve({ ms: performance.now() - t0, server: server() });
      });
      timer = setTimeout(() => reject(new Error(`baresip gave up after 120 s with ${seen.size} of ${members.length} contacts`)), 120_000);
      proc.once('exit', (code) => reject(new Error(`baresip exited (${code}) with ${seen.size} contacts: ${output.slice(-400)}`)));
      proc.once('error', (e) => reject(new Error(`baresip could not start: ${e.message}`)));
    });
  } finally {
    clearTimeout(timer);
    notifyListeners.delete(user);
    proc.stdin!.end('/quit\n');
    const kill = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(kill);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The load averages (1, 5, 15 min), printed on every run's line: wall times mean little on a loaded machine. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const seconds = (ms: number) => (ms / 1000).toFixed(2);
/** CPU ms of the server's busiest process over a run. */
const worker = (run: Run) => run.server.busiest[0] ?? 0;
export const spread = (xs: number[]) => `${seconds(Math.min(...xs))}–${seconds(Math.max(...xs))}`;

export interface Server {
  profile: Profile;
  kamailio: Kamailio;
  publisher: BulkPublisher;
  members: string[];
}

export async function startServer(profile: Profile, domain: string, count: number, watchers: { id: string; password: string }[], rls = false): Promise<Server> {
  const buddies = Array.from({ length: count }, (_, i) => ({ id: `buddy${i}`, password: `pw${i}` }));
  // 1 GB: every round leaves each SUBSCRIBE, NOTIFY and un-SUBSCRIBE transaction on the server
  // for tm's 32 s wait timer (~9 KB each), and two clients sign in to thousands of contacts.
  let errors = 0;
  const log = (line: string) => errors++ < 5 && console.log(`     ${profile} server: ${line.slice(0, 200)}`);
  const kamailio = await startKamailio({ domain, users: [...watchers, ...buddies], digest: profile, rls, onNotifyLog, sharedMemoryMb: 1024, log });
  const publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, domain);
  await publisher.connect();
  await publisher.publish(buddies.map((user, i) => ({ user, status: { availability: AVAILABILITY[i % 4], note: `note ${i}` } })));
  return { profile, kamailio, publisher, members: buddies.map((b) => `sip:${b.id}@${domain}`) };
}

export async function stopServer(server: Server | undefined): Promise<void> {
  await server?.publisher.close();
  await server?.kamailio.stop();
}

export async function signInComparison(options: SignInBenchOptions): Promise<void> {
  const largest = Math.max(...options.sizes);
  const watcherId = (client: 'pd' | 'bs', round: number, size: number) => `${client}-${round}-${size}`;
  const watchers = Array.from({ length: options.rounds }, (_, r) =>
    options.sizes.flatMap((size) => (['pd', 'bs'] as const).map((c) => ({ id: watcherId(c, r, size), password: `pw-${c}-${r}-${size}` }))),
  ).flat();
  const password = (id: string) => watchers.find((w) => w.id === id)!.password;
  console.log(
    `sign-in → full presence, TCP, one SUBSCRIBE per contact; ${options.rounds} interleaved rounds; sizes ${options.sizes.join(', ')}; profiles: qop (lab), plain (stock MD5 without qop, SUBSCRIBE → 200)`,
  );
  const results = new Map<string, Run[]>();
  const add = (key: string, run: Run) => results.set(key, [...(results.get(key) ?? []), run]);
  // Shared servers: one per profile for the whole run. Fresh: one per sign-in, so that no
  // sign-in meets the state an earlier one left on its server.
  const shared = new Map<Profile, Server>();
  const serverFor = async (profile: Profile, size: number, watcher: { id: string; password: string }): Promise<Server> => {
    if (options.freshServers) return startServer(profile, `${profile}.bench.test`, size, [watcher]);
    let server = shared.get(profile);
    if (!server) shared.set(profile, (server = await startServer(profile, `${profile}.bench.test`, largest, watchers)));
    return server;
  };
  try {
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 ? [...PROFILES].reverse() : PROFILES;
      for (const profile of order) {
        for (const [index, size] of options.sizes.entries()) {
          const clients = (round + index) % 2 ? (['bs', 'pd'] as const) : (['pd', 'bs'] as const);
          for (const client of clients) {
            const id = watcherId(client, round, size);
            const server = await serverFor(profile, size, { id, password: password(id) });
            const members = server.members.slice(0, size);
            let run: Run;
            try {
              run =
                client === 'pd' ? await presenceDesk(server.kamailio, id, password(id), members) : await baresip(server.kamailio, id, password(id), members);
            } catch (error) {
              console.log(`     round ${round + 1} ${profile} ${size} ${client}: ${(error as Error).message} (not counted)`);
              continue;
            } finally {
              if (options.freshServers) await stopServer(server);
            }
            add(`${profile} ${size} ${client}`, run);
            process.stdout.write(
              `     round ${round + 1} ${profile.padEnd(5)} ${String(size).padStart(5)} ${client === 'pd' ? 'Presence Desk' : 'baresip      '} ${seconds(run.ms)} s${run.cpuMs !== undefined ? `, CPU ${(run.cpuMs / size).toFixed(2)} ms a contact` : ''}; server's busiest process ${seconds(worker(run))} s (load ${load()})\n`,
            );
          }
        }
      }
    }
  } finally {
    for (const server of shared.values()) await stopServer(server);
  }

  console.log('');
  console.log(
    `     ${'profile, contacts'.padEnd(18)} ${'Presence Desk'.padEnd(22)} ${'baresip'.padEnd(22)} ${'×faster'.padEnd(8)} ${'baresip −1 s'.padEnd(22)} ${'×faster'.padEnd(8)} ${'CPU/contact'.padEnd(12)} server's busiest process (Presence Desk / baresip)`,
  );
  for (const profile of PROFILES) {
    for (const size of options.sizes) {
      const pd = results.get(`${profile} ${size} pd`) ?? [];
      const bs = results.get(`${profile} ${size} bs`) ?? [];
      if (!pd.length || !bs.length) continue;
      const pdMs = pd.map((r) => r.ms);
      const bsMs = bs.map((r) => r.ms);
      const bsNet = bsMs.map((ms) => ms - BARESIP_START_DELAY_MS);
      const cpu = median(pd.map((r) => r.cpuMs! / size));
      const ratio = median(bsMs) / median(pdMs);
      const ratioNet = median(bsNet) / median(pdMs);
      const ok = ratioNet >= 1.5 && cpu <= 0.5;
      console.log(
        `${ok ? 'ok  ' : 'MISS'} ${`${profile}, ${size}`.padEnd(18)} ${`${seconds(median(pdMs))} s (${spread(pdMs)})`.padEnd(22)} ${`${seconds(median(bsMs))} s (${spread(bsMs)})`.padEnd(22)} ${ratio.toFixed(2).padEnd(8)} ${`${seconds(median(bsNet))} s (${spread(bsNet)})`.padEnd(22)} ${ratioNet.toFixed(2).padEnd(8)} ${`${cpu.toFixed(2)} ms`.padEnd(12)} ${seconds(median(pd.map(worker)))} s / ${seconds(median(bs.map(worker)))} s`,
      );
    }
  }
  console.log(
    '     medians of the rounds (min–max); ×faster = baresip median / Presence Desk median; targets: ≥ 1.5× with baresip −1 s, ≤ 0.5 ms CPU a contact',
  );
  console.log(
    "     server's busiest process: its CPU from the client's start to full presence; one TCP connection's requests are all handled by one Kamailio process, so no client on one connection signs in faster than that",
  );
  if (options.rls > 0) await rlsComparison(options.rls, options.rlsRounds, options.freshServers === true);
}

/**
 * One event-list subscription against one SUBSCRIBE per contact (and baresip), on the RLS lab.
 * The order of the three turns round by round; with `fresh`, each sign-in has an RLS lab of its
 * own (else one serves them all, and each meets what the ones before it left).
 */
async function rlsComparison(size: number, rounds: number, fresh: boolean): Promise<void> {
  const watchers = Array.from({ length: rounds }, (_, r) => ['list', 'pd', 'bs'].map((c) => ({ id: `${c}-rls-${r}`, password: `pw-${c}-rls-${r}` }))).flat();
  let shared: Server | undefined;
  const runs: Record<'list' | 'pd' | 'bs', Run[]> = { list: [], pd: [], bs: [] };
  const clients = ['list', 'pd', 'bs'] as const;
  console.log('');
  console.log(
    `RLS lab (qop profile, resource list server with MariaDB), ${size} contacts, ${rounds} round(s)${fresh ? ', a fresh server for every sign-in' : ''}: event list vs one SUBSCRIBE per contact vs baresip`,
  );
  try {
    for (let r = 0; r < rounds; r++) {
      const order = clients.map((_, i) => clients[(i + r) % clients.length]!);
      for (const client of order) {
        const w = watchers.find((x) => x.id === `${client}-rls-${r}`)!;
        const server = fresh
          ? await startServer('qop', 'rls.bench.test', size, [w], true)
          : (shared ??= await startServer('qop', 'rls.bench.test', size, watchers, true));
        try {
          if (client === 'list')
            await server.kamailio.setResourceList({ user: w.id, listUri: defaultListUri(w.id, server.kamailio.domain), members: server.members });
          const run =
            client === 'bs'
              ? await baresip(server.kamailio, w.id, w.password, server.members)
              : await presenceDesk(server.kamailio, w.id, w.password, server.members, client === 'list');
          runs[client].push(run);
          process.stdout.write(
            `     round ${r + 1} ${client === 'list' ? 'Presence Desk, event list ' : client === 'pd' ? 'Presence Desk, per contact' : 'baresip, per contact      '} ${seconds(run.ms)} s${run.cpuMs !== undefined ? `, CPU ${(run.cpuMs / size).toFixed(2)} ms a contact` : ''}; server's busiest process ${seconds(worker(run))} s (load ${load()})\n`,
          );
        } catch (error) {
          console.log(`     round ${r + 1} ${client}: ${(error as Error).message}`);
        } finally {
          if (fresh) await stopServer(server);
        }
      }
    }
  } finally {
    await stopServer(shared);
  }
  const line = (what: string, xs: Run[]) =>
    xs.length &&
    console.log(
      `     ${what.padEnd(40)} ${seconds(median(xs.map((r) => r.ms)))} s (${spread(xs.map((r) => r.ms))})${xs[0].cpuMs !== undefined ? `, CPU ${(median(xs.map((r) => r.cpuMs!)) / size).toFixed(2)} ms a contact` : ''}`,
    );
  line(`event list, ${size}`, runs.list);
  line(`one SUBSCRIBE per contact, ${size}`, runs.pd);
  line(`baresip, ${size}`, runs.bs);
  if (runs.list.length && runs.pd.length)
    console.log(
      `     full presence first: ${median(runs.list.map((r) => r.ms)) < median(runs.pd.map((r) => r.ms)) ? 'the event list' : 'one SUBSCRIBE per contact'} (list / per contact = ${(median(runs.list.map((r) => r.ms)) / median(runs.pd.map((r) => r.ms))).toFixed(2)})`,
    );
}
