/**
 * `npx tsx bench/rls-probe.ts [members] [seconds]` (default 5000, 180): an event-list sign-in
 * alone on the RLS lab, with a line per NOTIFY (CSeq, Content-Length against the body's bytes
 * and characters, full or partial state, resources named) and a tally of every message each way
 * every 10 s. Shows whether members missing at the end were never sent by the server (the sum
 * of the partial NOTIFYs' resources equals the members known) or lost by the client.
 */
import { SipAccount, defaultListUri } from '../core/sip';
import { startKamailio } from '../lab/kamailio';
import { BulkPublisher } from '../lab/publisher';
import type { TraceRecord } from '../core/trace';

const size = Number(process.argv[2] ?? 5000);
const limitS = Number(process.argv[3] ?? 180);
const AV = ['available', 'away', 'busy', 'dnd'] as const;
const domain = 'rls.probe.test';
const buddies = Array.from({ length: size }, (_, i) => ({ id: `buddy${i}`, password: `pw${i}` }));
const watcher = { id: 'list-0', password: 'pw-list-0' };
const t00 = performance.now();
const el = () => ((performance.now() - t00) / 1000).toFixed(1);
const kam = await startKamailio({
  domain,
  users: [watcher, ...buddies],
  digest: 'qop',
  rls: true,
  sharedMemoryMb: 1024,
  log: (l) => console.log(`[${el()}] kam: ${l.slice(0, 300)}`),
});
const pub = new BulkPublisher({ host: '127.0.0.1', port: kam.tcpPort }, domain);
await pub.connect();
await pub.publish(buddies.map((user, i) => ({ user, status: { availability: AV[i % 4], note: `note ${i}` } })));
const members = buddies.map((b) => `sip:${b.id}@${domain}`);
await kam.setResourceList({ user: watcher.id, listUri: defaultListUri(watcher.id, domain), members });
console.log(`[${el()}] lab ready, ${size} members`);
const tally = { in: new Map<string, number>(), out: new Map<string, number>() };
const notifies: string[] = [];
const trace = {
  record(r: TraceRecord) {
    const start = r.raw.slice(0, r.raw.indexOf('\r\n'));
    const key = start.startsWith('SIP/2.0') ? start + ' ' + (/\r\nCSeq:\s*\d+\s+(\w+)/i.exec(r.raw)?.[1] ?? '') : start.split(' ')[0];
    const m = tally[r.direction];
    m.set(key, (m.get(key) ?? 0) + 1);
    if (r.direction === 'in' && key === 'NOTIFY') {
      const cseq = /\r\nCSeq:\s*(\d+)/i.exec(r.raw)?.[1];
      const cl = /\r\nContent-Length:\s*(\d+)/i.exec(r.raw)?.[1];
      const st = /\r\nSubscription-State:\s*([^\r\n]*)/i.exec(r.raw)?.[1];
      const body = r.raw.slice(r.raw.indexOf('\r\n\r\n') + 4);
      const fs = /fullState="(\w+)"/.exec(body)?.[1];
      const res = (body.match(/<resource /g) ?? []).length;
      notifies.push(
        `[${el()}] NOTIFY cseq=${cseq} CL=${cl} bodyChars=${body.length} bodyBytes=${Buffer.byteLength(body)} state=${st} fullState=${fs} resources=${res}`,
      );
      console.log(notifies.at(-1));
    }
    if (r.direction === 'out' && start.startsWith('SIP/2.0') && !start.startsWith('SIP/2.0 200'))
      console.log(`[${el()}] out ${start} ${/\r\nCSeq:[^\r\n]*/i.exec(r.raw)?.[0].trim()}`);
  },
};
const logs: string[] = [];
const account = new SipAccount({
  server: { host: '127.0.0.1', port: kam.tcpPort, transport: 'tcp' },
  domain,
  user: watcher.id,
  password: watcher.password,
  requestTimeoutMs: 30_000,
  trace,
  log: (l: string) => {
    logs.push(l);
    if (logs.length < 40) console.log(`[${el()}] log: ${l.slice(0, 300)}`);
  },
});
const known = new Set<string>();
const t0 = performance.now();
const progress = setInterval(
  () => console.log(`[${el()}] known ${known.size}/${size} in=${JSON.stringify([...tally.in])} out=${JSON.stringify([...tally.out])}`),
  10_000,
);
let result: string;
try {
  await new Promise<void>((resolve, reject) => {
    account.on('presence', (uri, p) => {
      if (p.availability !== 'unknown') known.add(uri);
      if (known.size >= size) resolve();
    });
    setTimeout(() => reject(new Error(`gave up after ${limitS} s with ${known.size}`)), limitS * 1000);
    void account.start().then(() => account.watchList(defaultListUri(watcher.id, domain), members), reject);
  });
  result = `event list: all ${size} known in ${((performance.now() - t0) / 1000).toFixed(2)} s`;
} catch (e) {
  result = `event list: ${(e as Error).message}`;
}
clearInterval(progress);
console.log(`RESULT ${result}; in=${JSON.stringify([...tally.in])} out=${JSON.stringify([...tally.out])}`);
await account.stop().catch(() => {});
await pub.close();
await kam.stop();
process.exit(0);
