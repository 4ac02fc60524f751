/**
 * `npx tsx bench/sign-in-timeline.ts [contacts] [qop|plain] [runs]`: where a per-contact
 * sign-in's wall time goes. Each run signs in to full presence on a fresh lab Kamailio (as
 * bench/sign-in.ts does, Diagnostics recorder attached) and prints:
 * - the milestones (REGISTER answered, first and last SUBSCRIBE out, first and last NOTIFY in)
 *   from the messages as the transport reports them;
 * - the client's CPU (`process.cpuUsage`) and how busy its event loop was
 *   (`performance.eventLoopUtilization`): a loop near 100 % busy means the client is the limit;
 * - the server's CPU over the same interval (every process of Kamailio's process group, from
 *   /proc), and the load average: with two cores, client + server CPU near 2 × wall time means
 *   the machine is the limit, far below it means someone is waiting.
 * `WINDOW=N` sets the window of initial SUBSCRIBEs (0: all at once). `BARESIP=1` also runs
 * baresip (as bench/sign-in.ts runs it) on a fresh server of its own after each run, with the
 * server's CPU for its sign-in, to compare what each client costs the server.
 */
import { performance } from 'node:perf_hooks';
import { TraceRecorder } from '../core/diagnostics';
import type { TraceRecord } from '../core/trace';
import { perProcess, serverCpuMeter } from './server-cpu';
import { BARESIP_START_DELAY_MS, baresip, benchAccount, fullPresence, load, startServer, stopServer, windowFromEnv } from './sign-in';

const count = Number(process.argv[2] ?? 1000);
const digest = (process.argv[3] ?? 'plain') as 'qop' | 'plain';
const runs = Number(process.argv[4] ?? 1);
const domain = 'timeline.bench.test';

for (let run = 0; run < runs; run++) {
  const server = await startServer(digest, domain, count, [
    { id: 'alex', password: 'pw-alex' },
    { id: 'bs-alex', password: 'pw-bs-alex' },
  ]);
  const kamailio = server.kamailio;
  const recorder = new TraceRecorder();
  const marks = { registered: 0, firstSubscribe: 0, lastSubscribe: 0, firstNotify: 0, lastNotify: 0, subscribes: 0, notifies: 0, challenges: 0 };
  let t0 = 0;
  const trace = {
    record(record: TraceRecord) {
      const now = performance.now() - t0;
      const line = record.raw.slice(0, record.raw.indexOf('\r\n'));
      if (record.direction === 'out' && line.startsWith('SUBSCRIBE ')) {
        if (!marks.subscribes++) marks.firstSubscribe = now;
        marks.lastSubscribe = now;
      } else if (record.direction === 'in' && line.startsWith('NOTIFY ')) {
        if (!marks.notifies++) marks.firstNotify = now;
        marks.lastNotify = now;
      } else if (record.direction === 'in' && line.startsWith('SIP/2.0 ')) {
        if (/^SIP\/2\.0 40[17]/.test(line)) marks.challenges++;
        if (!marks.registered && /^SIP\/2\.0 2/.test(line) && /\r\nCSeq: *\d+ REGISTER/i.test(record.raw)) marks.registered = now;
      }
      recorder.record(record);
    },
  };
  const account = benchAccount(kamailio, 'alex', 'pw-alex', { requestTimeoutMs: 20_000, trace, subscribeWindow: windowFromEnv() });
  const { done } = fullPresence([account], count);
  const loadBefore = load();
  const serverCpuSince = serverCpuMeter(kamailio);
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  await account.start();
  for (const m of server.members) account.watch(m);
  await done;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const serverCpu = serverCpuSince();
  const serverMs = serverCpu.total;
  const clientMs = (cpu.user + cpu.system) / 1000;
  const f = (x: number) => `${(x / 1000).toFixed(3)}`;
  console.log(
    `${count} contacts (${digest}) run ${run + 1}: ${f(ms)} s; REGISTER ${f(marks.registered)}, SUBSCRIBE ${f(marks.firstSubscribe)}–${f(marks.lastSubscribe)} (${marks.subscribes}), NOTIFY ${f(marks.firstNotify)}–${f(marks.lastNotify)} (${marks.notifies}), ${marks.challenges} challenges`,
  );
  console.log(
    `     client CPU ${clientMs.toFixed(0)} ms (${(clientMs / count).toFixed(2)} ms a contact), event loop ${(elu.utilization * 100).toFixed(0)} % busy; server CPU ${serverMs.toFixed(0)} ms (${(serverMs / count).toFixed(2)} ms a contact; ${perProcess(serverCpu.busiest)}); load ${loadBefore} → ${load()}`,
  );
  await account.stop();
  await stopServer(server);
  if (process.env.BARESIP === '1') {
    const peer = await startServer(digest, domain, count, [{ id: 'bs-alex', password: 'pw-bs-alex' }]);
    const loadAt = load();
    const bs = await baresip(peer.kamailio, 'bs-alex', 'pw-bs-alex', peer.members);
    const peerServer = bs.server;
    console.log(
      `     baresip ${f(bs.ms)} s (${f(bs.ms - BARESIP_START_DELAY_MS)} s without its start delay); server CPU ${peerServer.total.toFixed(0)} ms (${(peerServer.total / count).toFixed(2)} ms a contact; ${perProcess(peerServer.busiest)}; to its full presence, as for Presence Desk); load ${loadAt} → ${load()}`,
    );
    await stopServer(peer);
  }
}
process.exit(0);
