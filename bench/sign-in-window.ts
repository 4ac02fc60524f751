/**
 * `npx tsx bench/sign-in-window.ts [contacts] [rounds] [windows]` (default 2000, 3, `128,0`):
 * per-contact sign-in to full presence on the lab Kamailio (both server profiles, as in
 * sign-in.ts), with initial SUBSCRIBEs sent in a window of each given size (0: all at once),
 * interleaved round by round with fresh users; prints medians, spread and the load average.
 * A server slows down with every sign-in it has served (the last one's un-SUBSCRIBEs are still
 * being handled), so the first run of a round has an edge; with `FRESH=1` every run gets a
 * server of its own instead (slower to run, no order effect).
 */
import { load, median, presenceDesk, seconds, spread, startServer, stopServer, type Server } from './sign-in';

const size = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
const windows = (process.argv[4] ?? '128,0').split(',').map(Number);
const fresh = process.env.FRESH === '1';
const watchers = Array.from({ length: rounds }, (_, r) => windows.map((w) => ({ id: `pd-${r}-w${w}`, password: `pw-${r}-${w}` }))).flat();
const servers: Server[] = [];
const runs = new Map<string, number[]>();
console.log(
  `per-contact sign-in, ${size} contacts${fresh ? ', a fresh server per run' : ''}, windows ${windows.map((w) => w || 'none').join(', ')}, ${rounds} rounds; load ${load()}`,
);
try {
  for (const profile of ['qop', 'plain'] as const) if (!fresh) servers.push(await startServer(profile, `${profile}.window.test`, size, watchers));
  const profiles = fresh ? (['qop', 'plain'] as const).map((profile) => ({ profile }) as Server) : servers;
  for (let r = 0; r < rounds; r++) {
    for (const shared of r % 2 ? [...profiles].reverse() : profiles) {
      for (const w of r % 2 ? [...windows].reverse() : windows) {
        const user = watchers.find((x) => x.id === `pd-${r}-w${w}`)!;
        const key = `${shared.profile} window ${w || 'none'}`;
        const server = fresh ? await startServer(shared.profile, `${shared.profile}.window.test`, size, watchers) : shared;
        try {
          const run = await presenceDesk(server.kamailio, user.id, user.password, server.members, false, w || Infinity);
          runs.set(key, [...(runs.get(key) ?? []), run.ms]);
          console.log(`     round ${r + 1} ${key.padEnd(18)} ${seconds(run.ms)} s, CPU ${(run.cpuMs! / size).toFixed(2)} ms a contact (load ${load()})`);
        } catch (error) {
          console.log(`     round ${r + 1} ${key}: ${(error as Error).message} (not counted)`);
        } finally {
          if (fresh) await stopServer(server);
        }
      }
    }
  }
} finally {
  for (const server of servers) await stopServer(server);
}
for (const [key, ms] of runs) console.log(`     ${key.padEnd(18)} ${seconds(median(ms))} s (${spread(ms)})`);
console.log(`     load at the end ${load()}`);
process.exit(0);
