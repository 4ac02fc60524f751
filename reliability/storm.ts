/**
 * Presence storm: the app signed in to the lab with 5,000 contacts (the real backend, the
 * browser host and the renderer in Chromium, as a user runs it), while the lab's bulk
 * publisher changes 500 contacts' status a second for 60 s over one TCP connection to
 * Kamailio. The lab and the publisher run in a child process (storm-lab.ts), so that this
 * process's memory and event loop are the app's. Printed: the rate achieved, what reached
 * the app and how late, and the app's RSS and event-loop lag every 5 s, then settled.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createBackend, type DemoLabAddress } from '../host/backend-factory';
import { startBrowserHost } from '../host/browser-host';
import { MemorySettingsStore } from '../core/store/settings';
import { launchChromium } from '../test/support/chromium';
import { allPresenceKnown } from '../test/support/wait';
import { builtRenderer } from './renderer-build';
import { mb, ms, percentile, type Report } from './report';

const AREA = 'presence storm';
const ROOT = join(import.meta.dirname, '..');
const epoch = () => performance.timeOrigin + performance.now();

interface StormDone {
  sent: number;
  held: number;
  published: number;
  refused: number;
  firstError: string;
  stormMs: number;
  users: number;
  /** [user id, number of their last change], for users whose last change the server accepted. */
  lastAccepted: Array<[string, number]>;
}

export interface StormOptions {
  contacts: number;
  perSecond: number;
  seconds: number;
}

export async function presenceStorm(report: Report, options: StormOptions = { contacts: 5000, perSecond: 500, seconds: 60 }): Promise<void> {
  const staticDir = await builtRenderer();
  const profile = mkdtempSync(join(tmpdir(), 'pd-rel-storm-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'reliability', 'storm-lab.ts'), String(options.contacts)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const sentAt = new Map<number, number>();
  const waiters: Array<(value: Record<string, unknown>) => boolean> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    const tick = value.tick as { first: number; count: number; at: number } | undefined;
    if (tick) for (let n = tick.first; n < tick.first + tick.count; n += 1) sentAt.set(n, tick.at);
    const waiting = waiters.filter((waiter) => !waiter(value));
    waiters.splice(0, waiters.length, ...waiting);
  });
  const next = <T>(key: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the storm lab did not report ${key} within ${timeoutMs / 1000} s`)), timeoutMs);
      waiters.push((value) => (key in value ? (clearTimeout(timer), resolve(value[key] as T), true) : false));
    });
  const t = performance.now();
  const labReady = next<string>('domain', 180_000);
  const peopleReady = next<string[]>('people', 180_000);
  const started = await next<DemoLabAddress>('address', 180_000);
  const domain = await labReady;
  await peopleReady;
  const created = await createBackend([], 'browser', { profileDir: profile, settings: new MemorySettingsStore(), demoLab: started, log: () => {} });
  const host = await startBrowserHost({ backend: created.backend, info: created.info, staticDir });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e.message).slice(0, 200)));
    await page.goto(host.url);
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 120_000 });
    await allPresenceKnown(created.session);
    const contacts = created.session.snapshot().groups.reduce((n, g) => n + g.contacts.length, 0);
    report.add(AREA, 'contacts on the list, all with presence, signed in', `${contacts} in ${ms(performance.now() - t)}`);

    // Each change carries its number in its note: its arrival says how late it came.
    const arrivedAt = new Map<number, number>();
    const offPresence = created.session.on('presence:changed', (updates) => {
      const now = epoch();
      for (const u of updates) {
        const m = /^storm (\d+)$/.exec(u.presence.note);
        if (m) arrivedAt.set(Number(m[1]), now);
      }
    });
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const windows: Array<{ at: number; rss: number; heap: number; cpu: number; lagP99: number; lagMax: number }> = [];
    const stormStart = performance.now();
    // CPU share beside the lag: a busy loop stalls with a high share, a starved one (a loaded machine) with a low one.
    let cpuMark = process.cpuUsage();
    let wallMark = performance.now();
    const sample = () => {
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage(cpuMark);
      const wall = performance.now() - wallMark;
      cpuMark = process.cpuUsage();
      wallMark = performance.now();
      windows.push({
        at: (performance.now() - stormStart) / 1000,
        rss: memory.rss,
        heap: memory.heapUsed,
        cpu: (cpu.user + cpu.system) / 1000 / wall,
        lagP99: lag.percentile(99) / 1e6,
        lagMax: lag.max / 1e6,
      });
      lag.reset();
    };
    lag.enable();
    const sampler = setInterval(sample, 5000);
    child.stdin!.write(`storm ${options.perSecond} ${options.seconds}\n`);
    const done = await next<StormDone>('done', (options.seconds + 120) * 1000);
    // Settled: the app shows every contact's last change (the last number sent for each).
    const settleStart = performance.now();
    const last = new Map(done.lastAccepted.map(([id, n]) => [`sip:${id}@${domain}`, `storm ${n}`]));
    const shownLast = () => {
      const presence = created.session.snapshot().presence;
      let ok = 0;
      for (const [uri, note] of last) if (presence[uri]?.note === note) ok += 1;
      return ok;
    };
    const settleEnd = performance.now() + 60_000;
    while (shownLast() < last.size && performance.now() < settleEnd) await new Promise((r) => setTimeout(r, 250));
    const settleMs = performance.now() - settleStart;
    clearInterval(sampler);
    sample();
    lag.disable();
    offPresence();

    const latencies: number[] = [];
    for (const [n, at] of arrivedAt) {
      const sent = sentAt.get(n);
      if (sent !== undefined) latencies.push(at - sent);
    }
    const rate = done.sent / (done.stormMs / 1000);
    report.add(
      AREA,
      'changes sent by the publisher (its own process)',
      `${done.sent} in ${(done.stormMs / 1000).toFixed(1)} s = ${Math.round(rate)}/s${done.held ? ` (${done.held} held back: the server was behind)` : ''}`,
      `${options.perSecond}/s`,
      rate >= options.perSecond * 0.95,
    );
    report.add(
      AREA,
      'changes accepted by the server (2xx)',
      `${done.published} of ${done.sent}${done.refused ? `, ${done.refused} refused (${done.firstError})` : ''}`,
    );
    report.add(
      AREA,
      'changes that reached the app',
      `${arrivedAt.size} of ${done.published} (a contact changed again before its NOTIFY went out is sent once, with the latest)`,
    );
    const shown = shownLast();
    report.add(
      AREA,
      "every contact's last accepted change shown after the storm",
      `${shown} of ${last.size}, ${ms(settleMs)} after the publisher's last answer`,
      `${last.size} of ${last.size}`,
      shown === last.size,
    );
    report.add(
      AREA,
      'delay from PUBLISH to the app (median / p99 / max)',
      `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))} / ${ms(Math.max(0, ...latencies))}`,
    );
    report.add(
      AREA,
      'app every 5 s: RSS/heap, CPU, event-loop lag p99/max',
      windows
        .map((w) => `${Math.round(w.at)}s ${mb(w.rss)}/${mb(w.heap)} ${Math.round(w.cpu * 100)}% ${Math.round(w.lagP99)}/${Math.round(w.lagMax)}ms`)
        .join(', '),
    );
    const rssGrowth = windows.length > 2 ? windows.at(-1)!.rss - windows[0]!.rss : 0;
    const worstLag = Math.max(...windows.map((w) => w.lagMax));
    report.add(AREA, 'app RSS growth from 5 s into the storm to its end', mb(rssGrowth), '≤ 100 MB', rssGrowth <= 100e6);
    report.add(
      AREA,
      'worst event-loop stall of the app during the storm',
      `${ms(worstLag)} (machine load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
      '≤ 200 ms',
      worstLag <= 200,
    );
    report.add(AREA, 'renderer errors', String(pageErrors.length), '0', pageErrors.length === 0);
  } finally {
    await browser.close();
    await host.close();
    await created.close();
    child.stdin!.end('stop\n');
    await exited;
    rmSync(profile, { recursive: true, force: true });
  }
}
