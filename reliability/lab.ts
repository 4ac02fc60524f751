/**
 * Figures against the real lab (Kamailio, lab CUPS, colleague bots) with a real DeskSession:
 * sign-in over a history holding every bad line shape; the server killed and restarted 20 times
 * while IMs flow both ways; the server frozen (SIGSTOP) for 40 s; an incoming IM while history
 * cannot be written; CUPS slow, faulty, dropping and answering HTML; and secrets searched for in
 * the profile, the logs, the lab's run directory and a Diagnostics export.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage, SessionState } from '../shared/domain';
import { DeskSession } from '../core/desk-session';
import { historyDatabaseName } from '../core/store/history';
import { MemorySettingsStore } from '../core/store/settings';
import { startLab, type Lab } from '../lab';
import type { Bot } from '../lab/bots';
import { writeAllShapes } from './history';
import { ms, percentile, type Report } from './report';

/** Sends an IM through the session's own IPC handler, as the page does. */
const sendIm = (session: DeskSession, to: string, text: string): Promise<ChatMessage> => Promise.resolve(session.handlers['im:send'](to, text));

const KILLS = 20;
const FREEZE_MS = 40_000;
/** Longest wait for anything in a round: a figure past it is printed as "not within". */
const PATIENCE_MS = 30_000;

type Waiter = { predicate: (s: SessionState) => boolean; resolve: (at: number) => void };

/** A session with its event history: phases with times, IMs by text. */
class Watched {
  readonly session: DeskSession;
  readonly log: string[];
  readonly messages: ChatMessage[] = [];
  private waiters: Waiter[] = [];

  constructor(
    readonly historyDir: string,
    log: string[],
  ) {
    this.log = log;
    this.session = new DeskSession({
      info: { host: 'browser', version: 'reliability' },
      settings: new MemorySettingsStore(),
      historyDir,
      log: (l) => log.push(l),
    });
    this.session.on('session:state', (s) => {
      const now = performance.now();
      this.waiters = this.waiters.filter((w) => (w.predicate(s) ? (w.resolve(now), false) : true));
    });
    this.session.on('im:message', (m) => this.messages.push(m));
  }

  /** Resolves with the time the phase was reached, or undefined after `ms`. */
  phase(phase: SessionState['phase'], waitMs = PATIENCE_MS): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, waitMs);
      const waiter: Waiter = {
        predicate: (s) => s.phase === phase,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** The latest state of the outgoing message with this text. */
  outgoing(text: string): ChatMessage | undefined {
    return this.messages.filter((m) => m.direction === 'out' && m.text === text).at(-1);
  }

  /** Distinct incoming messages with this text (more than one: shown twice). */
  incoming(text: string): number {
    return new Set(this.messages.filter((m) => m.direction === 'in' && m.text === text).map((m) => m.id)).size;
  }

  /** Waits until `done` holds (checked at each IM event), or `ms`. */
  until(done: () => boolean, waitMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(done());
      }, waitMs);
      const off = this.session.on('im:message', () => {
        if (!done()) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }
}

/** The colleague's copies of each text it received. */
const receivedCount = (bot: Bot, text: string) => bot.received.filter((m) => m.text === text).length;

/** What became of each typed IM: received by the colleague, shown failed, still queued, or lost. */
function outcomes(w: Watched, bot: Bot, typed: string[]) {
  const received = typed.filter((t) => receivedCount(bot, t) > 0);
  const rest = typed.filter((t) => receivedCount(bot, t) === 0).map((t) => w.outgoing(t)?.state);
  const failed = rest.filter((s) => s === 'failed').length;
  const waiting = rest.filter((s) => s === 'queued' || s === 'sending').length;
  return { delivered: received.length, failed, waiting, lost: rest.length - failed - waiting };
}

/** A colleague sending IMs to the user every `everyMs` until stopped; each send's outcome is kept. */
function sendLoop(bot: Bot, to: string, prefix: string, everyMs: number) {
  const sent: Array<{ text: string; outcome: 'ok' | 'failed' | 'pending' }> = [];
  let n = 0;
  const timer = setInterval(() => {
    const entry = { text: `${prefix} ${(n += 1)}`, outcome: 'pending' as 'ok' | 'failed' | 'pending' };
    sent.push(entry);
    bot.account.sendMessage(to, entry.text).then(
      () => (entry.outcome = 'ok'),
      () => (entry.outcome = 'failed'),
    );
  }, everyMs);
  return { sent, stop: () => clearInterval(timer) };
}

export async function labFigures(report: Report): Promise<void> {
  const log: string[] = [];
  const profile = mkdtempSync(join(tmpdir(), 'pd-rel-profile-'));
  const lab = await startLab({ replyDelayMs: 20, log: (l) => log.push(l) });
  const sessions: DeskSession[] = [];
  try {
    const historyDir = join(profile, 'history');
    const account = `${lab.demoUser.id}@${lab.domain}`;
    writeAllShapes(historyDir, account);
    const watched = new Watched(historyDir, log);
    sessions.push(watched.session);
    const signIn = () => watched.session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
    const outcome = await signIn().then(
      (s) => s.phase,
      (e: Error) => `failed: ${e.message}`,
    );
    report.add('history', 'sign-in over a history file holding every bad line shape', outcome, 'signed-in', outcome === 'signed-in');

    await restarts(report, lab, watched);
    await freeze(report, lab, watched);
    await unwritableHistory(report, lab, watched, join(historyDir, historyDatabaseName(account)), signIn);
    // The lab CUPS keeps one session per user: sign out so each fault case signs in afresh.
    await watched.session.signOut().catch(() => undefined);
    await cupsFaults(report, lab, profile, log, sessions);
    await secrets(report, lab, watched, profile, log);
  } finally {
    for (const s of sessions) await s.close().catch(() => undefined);
    await lab.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function restarts(report: Report, lab: Lab, w: Watched): Promise<void> {
  const area = 'server restarts';
  const maria = lab.bots.get('maria')!;
  const sender = [...lab.bots.values()].find((b) => b !== maria)!;
  const me = w.session.sessionState.uri ?? `sip:${lab.demoUser.id}@${lab.domain}`;
  const typed: string[] = [];
  const noticed: number[] = [];
  const back: number[] = [];
  let notNoticed = 0;
  let notBack = 0;
  const incoming = sendLoop(sender, me, `from ${sender.name}:`, 400);
  for (let round = 1; round <= KILLS; round += 1) {
    const live = `round ${round}: before the kill`;
    typed.push(live);
    await sendIm(w.session, maria.uri, live).catch(() => undefined);
    await w.until(() => ['sent', 'stored', 'failed'].includes(w.outgoing(live)?.state ?? ''), 10_000);

    const reconnecting = w.phase('reconnecting');
    const killed = performance.now();
    await lab.kamailio.kill();
    const at = await reconnecting;
    if (at === undefined) notNoticed += 1;
    else noticed.push(at - killed);

    for (const text of [`round ${round}: typed while down (1)`, `round ${round}: typed while down (2) — ünïcödé`]) {
      typed.push(text);
      await sendIm(w.session, maria.uri, text).catch(() => undefined);
    }
    const signedIn = w.phase('signed-in');
    await lab.kamailio.restart();
    const restarted = performance.now();
    const up = await signedIn;
    if (up === undefined) notBack += 1;
    else back.push(Math.max(0, up - restarted));
    await w.until(() => ['sent', 'stored', 'failed'].includes(w.outgoing(typed.at(-1)!)?.state ?? ''), 15_000);
  }
  incoming.stop();
  // Let the last IMs of both sides arrive.
  await w.until(() => typed.every((t) => ['sent', 'stored', 'failed'].includes(w.outgoing(t)?.state ?? '')), 20_000);
  await w.until(
    () => incoming.sent.every((s) => s.outcome !== 'pending') && incoming.sent.filter((s) => s.outcome === 'ok').every((s) => w.incoming(s.text) > 0),
    20_000,
  );
  await maria.waitForMessage((m) => m.text === typed.at(-1), 10_000).catch(() => undefined);

  report.add(
    area,
    `kill → "Reconnecting" (p50 / max of ${noticed.length})`,
    `${ms(percentile(noticed, 50))} / ${ms(Math.max(...noticed, 0))}`,
    '≤ 5000 ms',
    noticed.length === KILLS && Math.max(...noticed) <= 5000,
  );
  report.atMost(area, `kills not noticed within ${PATIENCE_MS / 1000} s (of ${KILLS})`, notNoticed, 0);
  report.add(
    area,
    `restart → signed in (p50 / max of ${back.length})`,
    `${ms(percentile(back, 50))} / ${ms(Math.max(...back, 0))}`,
    '≤ 5000 ms',
    back.length === KILLS && Math.max(...back) <= 5000,
  );
  report.atMost(area, `restarts not followed by sign-in within ${PATIENCE_MS / 1000} s`, notBack, 0);

  const { delivered, failed, waiting, lost } = outcomes(w, maria, typed);
  const duplicated = typed.filter((t) => receivedCount(maria, t) > 1).length;
  report.add(area, 'IMs typed by the user / delivered / reported failed / still waiting to be sent', `${typed.length} / ${delivered} / ${failed} / ${waiting}`);
  report.atMost(area, 'IMs typed by the user silently lost (shown sent, never received)', lost, 0);
  report.atMost(area, 'IMs typed by the user delivered more than once', duplicated, 0);

  const sentOk = incoming.sent.filter((s) => s.outcome === 'ok');
  const toldFailed = incoming.sent.filter((s) => s.outcome === 'failed').length;
  const shown = incoming.sent.filter((s) => w.incoming(s.text) > 0).length;
  report.add(
    area,
    'IMs sent to the user / accepted (200) / refused to the sender / shown',
    `${incoming.sent.length} / ${sentOk.length} / ${toldFailed} / ${shown}`,
  );
  report.atMost(area, 'IMs to the user accepted but never shown (silently lost)', sentOk.filter((s) => w.incoming(s.text) === 0).length, 0);
  report.atMost(area, 'IMs to the user shown more than once', incoming.sent.filter((s) => w.incoming(s.text) > 1).length, 0);
}

async function freeze(report: Report, lab: Lab, w: Watched): Promise<void> {
  const area = 'server frozen 40 s';
  const maria = lab.bots.get('maria')!;
  const reconnecting = w.phase('reconnecting', FREEZE_MS);
  const typed: string[] = [];
  const frozen = performance.now();
  lab.kamailio.pause();
  const typing = (async () => {
    for (let i = 1; i <= 3; i += 1) {
      await new Promise((r) => setTimeout(r, 8000));
      const text = `typed during the freeze (${i})`;
      typed.push(text);
      await sendIm(w.session, maria.uri, text).catch(() => undefined);
    }
  })();
  const at = await reconnecting;
  await typing;
  await new Promise((r) => setTimeout(r, Math.max(0, FREEZE_MS - (performance.now() - frozen))));
  const signedIn = w.session.sessionState.phase === 'signed-in' ? Promise.resolve(performance.now()) : w.phase('signed-in');
  lab.kamailio.resume();
  const resumed = performance.now();
  const up = await signedIn;
  await w.until(() => typed.every((t) => ['sent', 'stored', 'failed'].includes(w.outgoing(t)?.state ?? '')), PATIENCE_MS);
  await maria.waitForMessage((m) => m.text === typed.at(-1), 10_000).catch(() => undefined);
  // Retransmissions may still arrive after the first copy: wait for the colleague to go quiet.
  await new Promise((r) => setTimeout(r, 5000));
  report.add(
    area,
    'freeze → "Reconnecting"',
    at === undefined ? `not noticed within ${FREEZE_MS / 1000} s` : ms(at - frozen),
    '≤ 5000 ms',
    at !== undefined && at - frozen <= 5000,
  );
  report.add(area, 'resume → signed in', up === undefined ? `not within ${PATIENCE_MS / 1000} s` : ms(Math.max(0, up - resumed)));
  const { delivered, failed, waiting, lost } = outcomes(w, maria, typed);
  report.add(
    area,
    'IMs typed during the freeze / delivered / reported failed / still waiting to be sent',
    `${typed.length} / ${delivered} / ${failed} / ${waiting}`,
  );
  report.atMost(area, 'IMs typed during the freeze silently lost (shown sent, never received)', lost, 0);
  report.atMost(area, 'IMs typed during the freeze delivered more than once', typed.filter((t) => receivedCount(maria, t) > 1).length, 0);
}

async function unwritableHistory(report: Report, lab: Lab, w: Watched, file: string, signIn: () => Promise<SessionState>): Promise<void> {
  const area = 'history';
  await w.session.signOut();
  const chattr = spawnSync('chattr', ['+i', file], { encoding: 'utf8' });
  if (chattr.status !== 0) {
    report.add(area, 'IM received while history cannot be written', `not measured: chattr +i failed (${chattr.stderr.trim()})`);
    await signIn();
    return;
  }
  try {
    const phase = await signIn().then(
      (s) => s.phase,
      (e: Error) => `failed: ${e.message}`,
    );
    report.add(area, 'sign-in with an immutable history file', phase, 'signed-in', phase === 'signed-in');
    const sender = lab.bots.get('maria')!;
    const me = w.session.sessionState.uri ?? `sip:${lab.demoUser.id}@${lab.domain}`;
    const text = 'sent while the history file is immutable';
    const answer = await sender.account.sendMessage(me, text).then(
      () => '200 (accepted)',
      (e: Error) => `refused: ${e.message}`,
    );
    await w.until(() => w.incoming(text) > 0, 2000);
    const stored = (w.session.handlers['im:history'](sender.uri) as ChatMessage[]).some((m) => m.text === text);
    report.add(area, 'IM received while history cannot be written: answer to the sender', answer, 'refused', answer.startsWith('refused'));
    report.add(
      area,
      'IM received while history cannot be written: acknowledged but not kept',
      answer.startsWith('200') && !stored ? 'yes' : 'no',
      'no',
      !(answer.startsWith('200') && !stored),
    );
    const own = await sendIm(w.session, sender.uri, 'typed while the history file is immutable').then(
      (m) => `accepted as ${m.state}`,
      (e: Error) => `refused: ${e.message}`,
    );
    report.add(area, 'IM typed while history cannot be written', own, 'refused, says where', own.includes('cannot be written') && own.includes(file));
  } finally {
    await w.session.signOut().catch(() => undefined);
    spawnSync('chattr', ['-i', file]);
    await signIn().catch(() => undefined);
  }
}

async function cupsFaults(report: Report, lab: Lab, profile: string, log: string[], sessions: DeskSession[]): Promise<void> {
  const area = 'CUPS faults';
  const html = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!DOCTYPE html><html><head><title>Login</title></head><body><form>Please sign in to the portal</form></body></html>');
  });
  await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
  const htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
  const cases: Array<[string, () => void, string?]> = [
    ['slow (the first answer 3 s late)', () => lab.cups.inject({ kind: 'slow', ms: 3000, times: 1 })],
    ['SOAP fault on login', () => lab.cups.inject({ kind: 'fault', code: 'Receiver', text: 'Database unavailable', times: 1, operation: 'login' })],
    ['connection dropped', () => lab.cups.inject({ kind: 'drop', times: 1 })],
    ['HTML page instead of SOAP', () => undefined, htmlUrl],
  ];
  try {
    for (const [name, inject, server] of cases) {
      const session = new DeskSession({
        info: { host: 'browser', version: 'reliability' },
        settings: new MemorySettingsStore(),
        historyDir: join(profile, `cups-${sessions.length}`),
        log: (l) => log.push(l),
      });
      sessions.push(session);
      inject();
      const t = performance.now();
      const result = await session.signIn({ server: server ?? lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password }).then(
        (s) => s.phase,
        (e: Error & { code?: string }) => `${e.code ?? 'error'}: ${e.message}`,
      );
      const took = performance.now() - t;
      // A stack frame (file:line:column) or a path is not words; a server's host:port is.
      const inWords = !/\n\s+at |\bat \S+:\d+:\d+|\/work\/|node_modules|Cannot read|undefined|\[object/.test(result);
      report.add(area, name, `${result} (${ms(took)})`, 'signed in, or an error in words', inWords);
      await session.signOut().catch(() => undefined);
      await session.close();
    }
  } finally {
    html.close();
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      try {
        if (statSync(path).isDirectory()) walk(path);
        else out.push(path);
      } catch {
        // gone meanwhile
      }
    }
  };
  walk(dir);
  return out;
}

async function secrets(report: Report, lab: Lab, w: Watched, profile: string, log: string[]): Promise<void> {
  const area = 'secrets';
  const password = lab.demoUser.password;
  // An unmasked digest response: 32 hex digits after response=.
  const digest = /response="?[0-9a-f]{32}/i;
  const exported = await w.session.handlers['diagnostics:export']();
  const places: Array<[string, Array<[string, string]>]> = [
    ['profile (settings, history, secrets)', filesUnder(profile).map((f) => [f, readFileSync(f).toString('latin1')])],
    ['logs', [['log', log.join('\n')]]],
    ['Diagnostics export', [[exported.fileName, exported.text]]],
    ["lab run directory (the lab server's own files)", filesUnder(lab.kamailio.runDir).map((f) => [f, readFileSync(f).toString('latin1')])],
  ];
  for (const [where, files] of places) {
    const withPassword = files.filter(([, text]) => text.includes(password)).map(([f]) => f.replace(/^.*\//, ''));
    const withDigest = files.filter(([, text]) => digest.test(text)).map(([f]) => f.replace(/^.*\//, ''));
    const server = where.startsWith('lab run');
    report.add(
      area,
      `password in ${where} (${files.length} files)`,
      withPassword.length ? `found in ${withPassword.slice(0, 5).join(', ')}` : 'not found',
      server ? undefined : 'not found',
      server ? undefined : withPassword.length === 0,
    );
    report.add(
      area,
      `unmasked digest response in ${where}`,
      withDigest.length ? `found in ${withDigest.slice(0, 5).join(', ')}` : 'not found',
      server ? undefined : 'not found',
      server ? undefined : withDigest.length === 0,
    );
  }
}
