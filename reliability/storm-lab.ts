/**
 * Child process of the presence storm: the lab (Kamailio, lab CUPS, bots) with N contacts on
 * the demo user's list, and the bulk publisher that changes their status, so that the storm's
 * own work never runs on the app's event loop or counts in its memory. Protocol, one JSON
 * object a line: prints {address} once the lab is up; on "storm <perSecond> <seconds>" on
 * stdin, publishes and prints {tick: {first, count, at}} for each batch (at: epoch ms) and
 * {done: {...}} at the end; on "stop" (or stdin closed) stops the lab and exits.
 */
import { createInterface } from 'node:readline';
import type { OwnAvailability } from '../shared/domain';
import { demoLabAddress } from '../host/demo-lab';
import { startLab } from '../lab';
import { BulkPublisher } from '../lab/publisher';

const contacts = Number(process.argv[2] ?? 5000);
const STATES: OwnAvailability[] = ['available', 'away', 'busy', 'dnd'];
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const epoch = () => performance.timeOrigin + performance.now();

const lab = await startLab({ livenEveryMs: 0, extraContacts: contacts - 6, tablesInMemory: true, log: () => {} });
say({ address: demoLabAddress(lab), domain: lab.domain, people: lab.extraPeople.map((p) => p.id) });

async function storm(perSecond: number, seconds: number): Promise<void> {
  const publisher = new BulkPublisher({ host: lab.kamailio.host, port: lab.kamailio.tcpPort }, lab.domain);
  await publisher.connect();
  const users = lab.extraPeople.map((p) => ({ id: p.id, password: lab.passwordOf(p.id) }));
  const tickMs = 100;
  const perTick = Math.round((perSecond * tickMs) / 1000);
  const total = perSecond * seconds;
  let next = 0;
  let due = 0;
  let held = 0;
  let outstanding = 0;
  let published = 0;
  let refused = 0;
  let firstError = '';
  /** Per user, the number of their last change and whether the server answered it 2xx. */
  const lastOf = new Map<string, { n: number; ok?: boolean }>();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - started;
      const target = Math.min(total, Math.floor(elapsed / tickMs + 1) * perTick);
      // Bounded: a server that falls behind is not buried under an ever-growing backlog; the
      // changes there was no room for are counted and not sent later.
      const wanted = target - due;
      const count = Math.min(wanted, Math.max(0, 4 * perSecond - outstanding));
      held += wanted - count;
      due = target;
      if (count) say({ tick: { first: next, count, at: epoch() } });
      for (let i = 0; i < count; i += 1) {
        const n = next++;
        const user = users[n % users.length]!;
        outstanding += 1;
        const last: { n: number; ok?: boolean } = { n };
        lastOf.set(user.id, last);
        void publisher.publish([{ user, status: { availability: STATES[n % STATES.length]!, note: `storm ${n}` } }]).then(
          () => ((published += 1), (outstanding -= 1), (last.ok = true)),
          (e: Error) => ((refused += 1), (outstanding -= 1), (firstError ||= e.message), (last.ok = false)),
        );
      }
      if (elapsed >= seconds * 1000) return resolve();
      setTimeout(tick, Math.max(0, tickMs - ((performance.now() - started) % tickMs)));
    };
    tick();
  });
  const stormMs = performance.now() - started;
  while (outstanding > 0 && performance.now() - started < (seconds + 60) * 1000) await new Promise((r) => setTimeout(r, 100));
  await publisher.close();
  // Each user's last change the server accepted: what the app must show once it settles.
  const lastAccepted = [...lastOf].filter(([, l]) => l.ok).map(([id, l]) => [id, l.n]);
  say({ done: { sent: next, held, published, refused, firstError, stormMs, users: users.length, lastAccepted } });
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, a, b] = line.trim().split(/\s+/);
  if (command === 'storm') await storm(Number(a), Number(b));
  else if (command === 'stop') break;
}
await lab.stop();
process.exit(0);
