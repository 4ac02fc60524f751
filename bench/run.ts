/**
 * `npm run bench`: measures what DESIGN's targets name, on this machine, and prints each
 * number with its target and ratio. Not a test: numbers vary with the machine.
 *
 * - PIDF bodies parsed per second (ours) against fast-xml-parser's bare parse of the same
 *   bodies in the same process (the floor any PIDF reader built on it pays).
 * - Presence change on the server → event at a watcher (p50, p99), real Kamailio over TCP.
 * - SIP messages read per second through sip.js, against sip.js's own grammar entry point.
 * - IM loopback round trip (send → peer receives → peer answers → received), p50.
 * - Sign-in to full presence against baresip on two server profiles (bench/sign-in.ts).
 */
import { XMLParser } from 'fast-xml-parser';
import { buildPidf, parsePidf, composePresence, SipAccount } from '../core/sip';
import { startKamailio } from '../lab/kamailio';
import type { Presence } from '../shared/domain';
import { buddyListBench } from './buddy-list';
import { eventListParsing } from './rls';
import { parseSignInArgs, signInComparison } from './sign-in';
import { sipParsing } from './sip-parse';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const row = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'ok  ' : 'MISS'} ${what.padEnd(46)} ${value.padStart(14)}   target ${target}`);

function pidfThroughput(): void {
  const statuses = ['available', 'away', 'busy', 'dnd'] as const;
  const bodies = Array.from({ length: 1000 }, (_, i) =>
    buildPidf(`sip:user${i}@bench.test`, { availability: statuses[i % 4], note: `note ${i} with some words` }, `t${i}`),
  );
  const bare = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
  const run = (fn: (b: string) => unknown) => {
    const start = process.hrtime.bigint();
    let n = 0;
    while (process.hrtime.bigint() - start < 1_000_000_000n) {
      for (const b of bodies) {
        fn(b);
        n++;
      }
    }
    return n / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  run((b) => composePresence(parsePidf(b).devices)); // warm-up
  const ours = run((b) => composePresence(parsePidf(b).devices));
  const peer = run((b) => bare.parse(b));
  row('PIDF bodies parsed + composed per second', ours.toFixed(0), '≥ 20,000/s (DESIGN)', ours >= 20_000);
  console.log(`     ratio to a bare fast-xml-parser parse of the same bodies: ${(ours / peer).toFixed(2)} (peer ${peer.toFixed(0)}/s)`);
}

async function onKamailio(): Promise<void> {
  const domain = 'bench.test';
  const kamailio = await startKamailio({
    domain,
    users: [
      { id: 'a', password: 'pa' },
      { id: 'b', password: 'pb' },
    ],
  });
  const account = (user: string, password: string) =>
    new SipAccount({ server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' }, domain, user, password });
  const a = account('a', 'pa');
  const b = account('b', 'pb');
  try {
    await Promise.all([a.start(), b.start()]);
    await a.setPresence({ availability: 'available', note: 'start' });
    const first = new Promise<void>((resolve) => b.on('presence', () => resolve()));
    b.watch(a.uri);
    await first;

    const latencies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const note = `n${i}`;
      const seen = new Promise<void>((resolve) => {
        const off = b.on('presence', (_u: string, p: Presence) => {
          if (p.note === note) {
            off();
            resolve();
          }
        });
      });
      const t0 = performance.now();
      await a.setPresence({ availability: i % 2 ? 'busy' : 'available', note });
      await seen;
      latencies.push(performance.now() - t0);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    row('presence change → watcher event, p50 (ms)', p50.toFixed(1), '≤ 30 ms (to the renderer)', p50 <= 30);
    row('presence change → watcher event, p99 (ms)', p99.toFixed(1), '≤ 100 ms (to the renderer)', p99 <= 100);

    b.on('message', (m) => void b.sendMessage(m.from, `re: ${m.text}`));
    const trips: number[] = [];
    for (let i = 0; i < 100; i++) {
      const back = new Promise<void>((resolve) => {
        const off = a.on('message', (m) => {
          if (m.text === `re: ping ${i}`) {
            off();
            resolve();
          }
        });
      });
      const t0 = performance.now();
      await a.sendMessage(b.uri, `ping ${i}`);
      await back;
      trips.push(performance.now() - t0);
    }
    const rt = percentile(trips, 50);
    row('IM loopback round trip, p50 (ms)', rt.toFixed(1), '≤ 20 ms', rt <= 20);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await kamailio.stop();
  }
}

// `npm run bench -- sign-in [--rounds N] [--sizes 1000,2000] [--rls 5000|0]` runs only the
// sign-in comparison with baresip (bench/sign-in.ts); options also apply to the full run.
// `npm run bench -- parse` runs only the body parsers (PIDF, event lists): no servers started.
const only = process.argv[2];
console.log('Presence Desk benchmarks (this machine, this run)');
if (only === 'parse') {
  pidfThroughput();
  eventListParsing();
  process.exit(0);
}
const signIn = parseSignInArgs(process.argv.slice(only === 'sign-in' ? 3 : 2));
if (only !== 'sign-in') {
  sipParsing();
  pidfThroughput();
  await onKamailio();
  await buddyListBench(row);
  eventListParsing();
}
await signInComparison(signIn);
console.log('Not yet measured here: 20 server restarts (the reliability suite restarts Kamailio 5 times).');
