/**
 * Event-list (RLS, RFC 4662) benchmarks, run by `npm run bench` (bench/run.ts):
 *
 * - Event-list NOTIFY bodies (multipart/related + RLMI + PIDF) read per second by our parser
 *   (`EventListState.apply`: framing, RLMI, every PIDF, composition), against a bare
 *   fast-xml-parser parse of the same bodies' XML parts split naively (the floor).
 * - Sign-in to full presence for 1,000 contacts on the local Kamailio over TCP: through one
 *   event-list subscription, through one subscription per contact, and — when baresip is
 *   installed — a baresip peer watching the same 1,000 contacts, all in the same run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { SipAccount, buildPidf, defaultListUri } from '../core/sip';
import { EventListState } from '../core/sip/usages/event-list';
import { startKamailio, type Kamailio } from '../lab/kamailio';
import { BulkPublisher } from '../lab/publisher';
import type { OwnStatus } from '../shared/domain';

const row = (what: string, value: string, target: string, ok: boolean) => console.log(`${ok ? 'ok  ' : 'MISS'} ${what.padEnd(46)} ${value.padStart(14)}   target ${target}`);
const info = (what: string, value: string) => console.log(`     ${what.padEnd(46)} ${value.padStart(14)}`);

const BOUNDARY = 'bench-boundary-4662';
const CONTENT_TYPE = `multipart/related;type="application/rlmi+xml";start="<root@bench>";boundary="${BOUNDARY}"`;
const AVAILABILITY: OwnStatus['availability'][] = ['available', 'away', 'busy', 'dnd'];

/** An event-list body shaped like Kamailio's (CRLF, RLMI root first, one PIDF per member). */
function eventListBody(version: number, fullState: boolean, members: number[]): string {
  const rlmi =
    `<?xml version="1.0"?>\r\n<list uri="sip:alex-list@bench.test" xmlns="urn:ietf:params:xml:ns:rlmi" version="${version}" fullState="${fullState}">` +
    members.map((i) => `<resource uri="sip:user${i}@bench.test"><instance id="x${i}" state="active" cid="c${i}@bench"/></resource>`).join('') +
    `</list>`;
  const part = (id: string, type: string, text: string) => `--${BOUNDARY}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${id}>\r\nContent-Type: ${type}\r\n\r\n${text}\r\n\r\n`;
  return (
    part('root@bench', 'application/rlmi+xml;charset="UTF-8"', rlmi) +
    members.map((i) => part(`c${i}@bench`, 'application/pidf+xml', buildPidf(`sip:user${i}@bench.test`, { availability: AVAILABILITY[i % 4], note: `note ${i} with some words` }, `t${i}`))).join('') +
    `--${BOUNDARY}--\r\n`
  );
}

function rate(bodies: string[], fn: (b: string) => unknown, seconds = 1): number {
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() - start < BigInt(seconds * 1e9)) {
    for (const b of bodies) {
      fn(b);
      n++;
    }
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

export function eventListParsing(): void {
  const bare = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
  // The floor: split on the boundary and parse each XML part, nothing checked or interpreted.
  const bareParse = (b: string) => {
    for (const chunk of b.split(`--${BOUNDARY}`)) {
      const at = chunk.indexOf('\r\n\r\n');
      if (at >= 0) bare.parse(chunk.slice(at + 4));
    }
  };
  const ours = (b: string) => new EventListState().apply(b, CONTENT_TYPE);

  // Typical traffic after sign-in: partial NOTIFYs (versions 2…1001) naming the one member
  // that changed, read in order by one list state; each pass starts from a full state.
  const base = eventListBody(1, true, [0]);
  const partials = Array.from({ length: 1000 }, (_, i) => eventListBody(i + 2, false, [i]));
  let list = new EventListState();
  let calls = 0;
  const inOrder = (b: string) => {
    if (calls++ % partials.length === 0) {
      list = new EventListState();
      list.apply(base, CONTENT_TYPE);
    }
    return list.apply(b, CONTENT_TYPE);
  };
  rate(partials, inOrder, 0.3); // warm-up
  calls = 0;
  const oursRate = rate(partials, inOrder);
  const bareRate = rate(partials, bareParse);
  row('event-list NOTIFY bodies read per second', oursRate.toFixed(0), '≥ 10,000/s', oursRate >= 10_000);
  info('ratio to a bare parse of the same bodies', `${(oursRate / bareRate).toFixed(2)} (bare ${bareRate.toFixed(0)}/s)`);

  // Sign-in: one full-state body with 1,000 members.
  const big = eventListBody(1, true, Array.from({ length: 1000 }, (_, i) => i));
  rate([big], ours, 0.3);
  const bigOurs = rate([big], ours, 2);
  const bigBare = rate([big], bareParse, 2);
  info('1,000-member full state (KB)', (Buffer.byteLength(big) / 1024).toFixed(0));
  info('1,000-member full state read (ms)', (1000 / bigOurs).toFixed(1));
  info('ratio to a bare parse of the same body', `${(bigOurs / bigBare).toFixed(2)} (bare ${(1000 / bigBare).toFixed(1)} ms)`);
}

/** Resolves when `count` distinct contacts have a known state at `account`. */
function fullPresence(account: SipAccount, count: number): Promise<void> {
  const known = new Set<string>();
  return new Promise((resolve) =>
    account.on('presence', (uri, presence) => {
      if (presence.availability !== 'unknown') known.add(uri);
      if (known.size >= count) resolve();
    }),
  );
}

async function signInToFullPresence(kamailio: Kamailio, user: string, password: string, members: string[], list: boolean): Promise<number> {
  const account = new SipAccount({ server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' }, domain: kamailio.domain, user, password, requestTimeoutMs: 20_000 });
  const done = fullPresence(account, members.length);
  const t0 = performance.now();
  try {
    await account.start();
    if (list) account.watchList(defaultListUri(user, kamailio.domain), members);
    else for (const m of members) account.watch(m);
    await done;
    return performance.now() - t0;
  } finally {
    await account.stop();
  }
}

/**
 * baresip watching the same contacts (its presence module, one SUBSCRIBE per contact): timed
 * from its start until a NOTIFY with a body has arrived from every contact (its SIP trace).
 */
async function baresipToFullPresence(kamailio: Kamailio, user: string, password: string, members: string[], timeoutMs: number): Promise<number | string> {
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
  writeFileSync(join(dir, 'accounts'), `<sip:${user}@${kamailio.domain};transport=tcp>;auth_pass=${password};outbound="sip:127.0.0.1:${kamailio.tcpPort};transport=tcp";regint=600\n`);
  writeFileSync(join(dir, 'contacts'), members.map((m) => `<${m}>;presence=p2p`).join('\n') + '\n');
  const t0 = performance.now();
  const proc = spawn('baresip', ['-f', dir, '-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const seen = new Set<string>();
  let buffer = '';
  try {
    return await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => resolve(`gave up after ${timeoutMs / 1000} s with ${seen.size} contacts`), timeoutMs);
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString();
        // A received NOTIFY carrying a PIDF: its From is the contact.
        for (let at = buffer.indexOf('NOTIFY sip:'); at >= 0; at = buffer.indexOf('NOTIFY sip:')) {
          const end = buffer.indexOf('</presence>', at);
          if (end < 0) break;
          const message = buffer.slice(at, end);
          const from = /^From:\s*<?(sip:[^>;\s]+)/im.exec(message)?.[1];
          if (from && /<presence/.test(message)) seen.add(from);
          buffer = buffer.slice(end);
        }
        if (buffer.length > 1_000_000 && buffer.indexOf('NOTIFY sip:') < 0) buffer = '';
        if (seen.size >= members.length) {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => resolve(`baresip exited (${code}) with ${seen.size} contacts`));
    });
  } finally {
    proc.stdin!.end('/quit\n');
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 2000).unref();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function signInBenchmark(count = 1000): Promise<void> {
  const domain = 'rls.bench.test';
  const buddies = Array.from({ length: count }, (_, i) => ({ id: `buddy${i}`, password: `pw${i}` }));
  const watchers = ['rls', 'each', 'baresip'].map((id) => ({ id: `alex-${id}`, password: `pw-${id}` }));
  const kamailio = await startKamailio({ domain, users: [...watchers, ...buddies], rls: true });
  const publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, domain);
  try {
    const members = buddies.map((b) => `sip:${b.id}@${domain}`);
    await kamailio.setResourceList({ user: watchers[0].id, listUri: defaultListUri(watchers[0].id, domain), members });
    await publisher.connect();
    await publisher.publish(buddies.map((user, i) => ({ user, status: { availability: AVAILABILITY[i % 4], note: `note ${i}` } })));

    const rls = await signInToFullPresence(kamailio, watchers[0].id, watchers[0].password, members, true);
    const each = await signInToFullPresence(kamailio, watchers[1].id, watchers[1].password, members, false);
    const baresip = await baresipToFullPresence(kamailio, watchers[2].id, watchers[2].password, members, 120_000).catch((e: Error) => `not measured (${e.message})`);
    const ms = (v: number) => `${(v / 1000).toFixed(2)} s`;
    info(`sign-in → full presence, ${count} contacts, RLS`, ms(rls));
    info(`sign-in → full presence, ${count} contacts, per contact`, ms(each));
    info('ratio per contact / RLS', (each / rls).toFixed(2));
    if (typeof baresip === 'number') {
      info(`baresip peer, ${count} contacts (per contact)`, ms(baresip));
      row('per-contact path vs baresip (×faster)', (baresip / each).toFixed(2), '≥ 2× faster than baresip', baresip / each >= 2);
      info('RLS vs baresip (×faster)', (baresip / rls).toFixed(2));
    } else {
      info('baresip peer', baresip);
    }
  } finally {
    await publisher.close();
    await kamailio.stop();
  }
}
