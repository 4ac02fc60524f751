/**
 * `npx tsx bench/sign-in-split.ts [contacts] [qop|plain] [rounds] [connections]` (default
 * 1000, plain, 3, `1,2`): would the sign-in be faster over more than one TCP connection?
 *
 * Kamailio gives each TCP connection to one of its TCP workers, and that worker reads and
 * handles everything the connection brings (bench/sign-in-timeline.ts shows one Kamailio
 * process doing all of a sign-in's work), so one connection's SUBSCRIBEs are handled one
 * after the other on one core whatever the server's worker count. Here the same user signs in
 * over N connections at once (N accounts, each watching its share of the contacts; each
 * SUBSCRIBE's Contact names its own connection, so its NOTIFYs come back on it), timed from
 * the first REGISTER until every contact is known on some connection; fresh users and a fresh
 * server per run, the connection counts alternated round by round, load average on each line.
 * An experiment, not the app's behaviour: the app signs in over one connection.
 */
import { benchAccount, fullPresence, load, median, seconds, spread, startServer, stopServer } from './sign-in';

const size = Number(process.argv[2] ?? 1000);
const profile = (process.argv[3] ?? 'plain') as 'qop' | 'plain';
const rounds = Number(process.argv[4] ?? 3);
const splits = (process.argv[5] ?? '1,2').split(',').map(Number);

async function signIn(connections: number, round: number): Promise<{ ms: number; cpuMs: number }> {
  const user = { id: `pd-${round}-${connections}`, password: `pw-${round}-${connections}` };
  const server = await startServer(profile, `${profile}.split.test`, size, [user]);
  const accounts = Array.from({ length: connections }, () => benchAccount(server.kamailio, user.id, user.password));
  const { done } = fullPresence(accounts, size);
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(accounts.map((a) => a.start()));
    server.members.forEach((m, i) => accounts[i % connections].watch(m));
    await done;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await Promise.all(accounts.map((a) => a.stop()));
    await stopServer(server);
  }
}

console.log(`per-contact sign-in, ${size} contacts, ${profile}, over ${splits.join(' or ')} TCP connection(s), ${rounds} rounds; load ${load()}`);
const runs = new Map<number, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const n of round % 2 ? [...splits].reverse() : splits) {
    try {
      const run = await signIn(n, round);
      runs.set(n, [...(runs.get(n) ?? []), run.ms]);
      console.log(
        `     round ${round + 1}, ${n} connection(s): ${seconds(run.ms)} s, client CPU ${(run.cpuMs / size).toFixed(2)} ms a contact (load ${load()})`,
      );
    } catch (error) {
      console.log(`     round ${round + 1}, ${n} connection(s): ${(error as Error).message} (not counted)`);
    }
  }
}
for (const [n, ms] of runs) console.log(`     ${n} connection(s): ${seconds(median(ms))} s (${spread(ms)})`);
console.log(`     load at the end ${load()}`);
process.exit(0);
