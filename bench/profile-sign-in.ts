/**
 * `npx tsx bench/profile-sign-in.ts [contacts] [qop|plain]`: one per-contact sign-in to full
 * presence on a fresh lab Kamailio; prints the client's CPU for the sign-in alone
 * (process.cpuUsage), per contact. With `PROFILE_OUT=file.cpuprofile`, also writes a CPU
 * profile of the sign-in alone (open it in Chrome DevTools). `WINDOW=N` sets the window of
 * initial SUBSCRIBEs (0: all at once; default SUBSCRIBE_WINDOW).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startKamailio } from '../lab/kamailio';
import { BulkPublisher } from '../lab/publisher';
import { benchAccount, fullPresence, windowFromEnv } from './sign-in';

const count = Number(process.argv[2] ?? 1000);
const digest = (process.argv[3] ?? 'plain') as 'qop' | 'plain';
const domain = 'profile.bench.test';
const buddies = Array.from({ length: count }, (_, i) => ({ id: `buddy${i}`, password: `pw${i}` }));
const kamailio = await startKamailio({ domain, users: [{ id: 'alex', password: 'pw-alex' }, ...buddies], digest });
const publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, domain);
await publisher.connect();
await publisher.publish(buddies.map((user, i) => ({ user, status: { availability: i % 2 ? 'away' : 'available', note: `note ${i}` } })));
const account = benchAccount(kamailio, 'alex', 'pw-alex', { requestTimeoutMs: 20_000, subscribeWindow: windowFromEnv() });
const { done } = fullPresence([account], count);
const out = process.env.PROFILE_OUT;
const inspector = new Session();
if (out) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await account.start();
for (const b of buddies) account.watch(`sip:${b.id}@${domain}`);
await done;
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
if (out) writeFileSync(out, JSON.stringify((await inspector.post('Profiler.stop')).profile));
console.log(
  `${count} contacts (${digest}): ${(ms / 1000).toFixed(2)} s, client CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms = ${((cpu.user + cpu.system) / 1000 / count).toFixed(2)} ms a contact`,
);
await account.stop();
await publisher.close();
await kamailio.stop();
