/**
 * History figures: every bad line shape of the old JSON Lines files, damaged database files,
 * an immutable file, a full disk (a small tmpfs), kill -9 in the middle of writing, and the
 * opening of 200 MB of history (import once, then open time, RSS and search times).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '../shared/domain';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { MessageHistory, historyDatabaseName, historyFileName } from '../core/store/history';
import type { ImportProgress } from '../core/store/history-import';
import { generateHistory } from './history-generator';
import { mb, ms, type Report } from './report';

const AREA = 'history';
const CHILD = join(import.meta.dirname, 'history-child.ts');
// Node itself with tsx's loader (not the tsx command, which would run the child in a grandchild
// that a kill -9 would leave running).
const ROOT = join(import.meta.dirname, '..');
const runChild = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });

/** Every shape of a bad line met or imagined in a JSON Lines history file. */
export const BAD_LINES: Array<[string, string | Buffer]> = [
  ['null', 'null'],
  ['number', '42'],
  ['huge number', '1e400'],
  ['boolean', 'true'],
  ['string', '"just a string"'],
  ['empty array', '[]'],
  ['array of records', '[{"t":"msg","m":{}}]'],
  ['empty object', '{}'],
  ['type null', '{"t":null}'],
  ['message without body', '{"t":"msg"}'],
  ['message body null', '{"t":"msg","m":null}'],
  ['message body array', '{"t":"msg","m":[1,2]}'],
  ['message missing fields', '{"t":"msg","m":{"id":"x"}}'],
  ['message fields of wrong types', '{"t":"msg","m":{"id":1,"peer":[],"direction":"in","text":{},"at":"now","state":"sent"}}'],
  ['message with unknown direction', '{"t":"msg","m":{"id":"y","peer":"sip:p@x","direction":"up","text":"t","at":1,"state":"sent"}}'],
  ['state without id', '{"t":"state","state":"sent"}'],
  ['state of unknown message', '{"t":"state","id":"nobody","state":"sent","at":1}'],
  ['unknown state', '{"t":"state","id":"good-1","state":"exploded"}'],
  ['unknown record type', '{"t":"call","m":{}}'],
  ['not JSON', 'this is not JSON'],
  ['control characters', '\u0000\u0001\u0002\u001b[2J'],
  ['invalid UTF-8', Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80])],
  [
    'invalid UTF-8 inside a record',
    Buffer.concat([
      Buffer.from('{"t":"msg","m":{"id":"u8","peer":"sip:maria@lab.test","direction":"in","text":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('","at":1,"state":"received"}}'),
    ]),
  ],
  ['very long line (5 MB)', `{"t":"msg","m":{"id":"long","text":"${'x'.repeat(5_000_000)}"}}`],
  [
    'CRLF line end',
    `${JSON.stringify({ t: 'msg', m: { id: 'crlf', peer: 'sip:maria@lab.test', direction: 'in', text: 'crlf', at: 2, state: 'received' } })}\r`,
  ],
  ['truncated last line', '{"t":"msg","m":{"id":"torn","peer":"sip:ma'],
];

const good = (id: string, at: number): ChatMessage => ({ id, peer: 'sip:maria@lab.test', direction: 'in', text: `good ${id}`, at, state: 'received' });
const record = (m: ChatMessage) => `${JSON.stringify({ t: 'msg', m })}\n`;

/** A JSON Lines file with a good message, the bad line, and (unless it is the torn end) another good one. */
export function writeLegacy(dir: string, account: string, bad: string | Buffer, last = false): void {
  mkdirSync(dir, { recursive: true });
  const parts = [
    Buffer.from(record(good('good-1', 1))),
    Buffer.isBuffer(bad) ? bad : Buffer.from(bad),
    Buffer.from(last ? '' : `\n${record(good('good-2', 3))}`),
  ];
  writeFileSync(join(dir, historyFileName(account)), Buffer.concat(parts));
}

/** Every bad line shape, alone in a file between good records: survived, good ones kept, counted. */
export function corruptionShapes(report: Report): void {
  let survived = 0;
  const failures: string[] = [];
  for (const [name, bad] of BAD_LINES) {
    const dir = mkdtempSync(join(tmpdir(), 'pd-rel-shape-'));
    try {
      const last = name === 'truncated last line';
      writeLegacy(dir, 'alex', bad, last);
      const h = new MessageHistory(dir, 'alex', () => {}, { indexInBackground: false });
      const ids = h.conversation('sip:maria@lab.test').map((m) => m.id);
      h.close();
      const keptGood = ids.includes('good-1') && (last || ids.includes('good-2'));
      if (keptGood) survived += 1;
      else failures.push(`${name}: kept ${ids.join(',')}`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report.add(
    AREA,
    `bad line shapes survived, good records kept (${BAD_LINES.length} shapes)`,
    `${survived}/${BAD_LINES.length}${failures.length ? ` — ${failures.join('; ')}` : ''}`,
    `${BAD_LINES.length}/${BAD_LINES.length}`,
    survived === BAD_LINES.length,
  );
}

/** Damaged database files: opened (moved aside or read), and writable again. */
export function damagedDatabases(report: Report): void {
  const damages: Array<[string, (file: string) => void]> = [
    ['header overwritten', (f) => writeAt(f, 0, Buffer.from('garbage garbage garbage garbage garbage'))],
    ['truncated to half', (f) => truncate(f, Math.floor(statSync(f).size / 2))],
    ['truncated to 10 bytes', (f) => truncate(f, 10)],
    ['pages in the middle overwritten', (f) => writeAt(f, Math.floor(statSync(f).size / 2), Buffer.alloc(8192, 0xa5))],
    ['empty file', (f) => writeFileSync(f, '')],
    ['WAL file of garbage', (f) => writeFileSync(`${f}-wal`, Buffer.alloc(100_000, 0x5a))],
  ];
  for (const [name, damage] of damages) {
    const dir = mkdtempSync(join(tmpdir(), 'pd-rel-db-'));
    let outcome: string;
    let ok = false;
    try {
      const h = new MessageHistory(dir, 'alex', () => {}, { indexInBackground: false });
      for (let i = 0; i < 600; i += 1) h.add({ ...good(`m${i}`, i), text: `message ${i} ${'w'.repeat(200)}` });
      h.close();
      damage(join(dir, historyDatabaseName('alex')));
      const again = new MessageHistory(dir, 'alex', () => {}, { indexInBackground: false });
      const readable = tryIt(() => again.page('sip:maria@lab.test', { limit: 100 }).messages.length);
      const searched = tryIt(() => again.search('message 599').length);
      const written = tryIt(() => (again.add(good('after', Date.now())) ? 'yes' : 'duplicate'));
      again.close();
      ok = !written.startsWith('error');
      outcome = `${again.loadReport.movedAside ? 'moved aside, new file' : 'opened'}; ${again.loadReport.messages} messages; page ${readable}; search ${searched}; write ${written}`;
    } catch (error) {
      outcome = `opening failed: ${(error as Error).message}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    report.add(AREA, `database ${name}`, outcome, 'opens, writes', ok);
  }
}

function tryIt<T>(fn: () => T): string {
  try {
    return String(fn());
  } catch (error) {
    return `error (${(error as Error).message})`;
  }
}

function writeAt(file: string, position: number, data: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, data, 0, data.length, position);
  closeSync(fd);
}

function truncate(file: string, size: number): void {
  const fd = openSync(file, 'r+');
  ftruncateSync(fd, size);
  closeSync(fd);
}

/** The history file made immutable (chattr +i; root on ext4): every write refused, with where. */
export function immutableFile(report: Report): void {
  const dir = mkdtempSync(join(tmpdir(), 'pd-rel-ro-'));
  const file = join(dir, historyDatabaseName('alex'));
  try {
    const h = new MessageHistory(dir, 'alex');
    h.add(good('before', 1));
    h.close();
    const chattr = spawnSync('chattr', ['+i', file], { encoding: 'utf8' });
    if (chattr.status !== 0) {
      report.add(AREA, 'immutable history file', `not measured: chattr +i failed (${(chattr.stderr || chattr.error?.message || '').trim()})`);
      return;
    }
    const again = new MessageHistory(dir, 'alex');
    const outcome = tryIt(() => again.add(good('after', 2)));
    const kept = again.get('before') !== undefined;
    again.close();
    report.add(
      AREA,
      'write to an immutable history file',
      outcome,
      'refused, says where',
      outcome.includes('History cannot be written') && outcome.includes(file),
    );
    report.add(AREA, 'immutable history file: earlier messages readable', kept ? 'yes' : 'no', 'yes', kept);
  } finally {
    spawnSync('chattr', ['-i', file]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A full disk: history on a 2 MB tmpfs, written until it refuses; nothing acknowledged is lost. */
export function fullDisk(report: Report): void {
  const mount = mkdtempSync(join(tmpdir(), 'pd-rel-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mount], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    report.add(AREA, 'full disk', `not measured: cannot mount a tmpfs (${(mounted.stderr || mounted.error?.message || '').trim()})`);
    rmSync(mount, { recursive: true, force: true });
    return;
  }
  try {
    const h = new MessageHistory(join(mount, 'history'), 'alex', () => {});
    const acknowledged: string[] = [];
    let refusal = '';
    for (let i = 0; i < 100_000 && !refusal; i += 1) {
      try {
        h.add({ ...good(`full-${i}`, i), text: `filling ${i} ${'f'.repeat(500)}` });
        acknowledged.push(`full-${i}`);
      } catch (error) {
        refusal = (error as Error).message;
      }
    }
    h.close();
    const again = tryOpen(join(mount, 'history'));
    const lost = again ? acknowledged.filter((id) => !again.has(id)).length : acknowledged.length;
    again?.close();
    report.add(
      AREA,
      'full disk: write refused with the reason and where',
      refusal || 'never refused',
      'refused, says where',
      /History cannot be written to .*: the disk is full/.test(refusal),
    );
    report.atMost(AREA, `full disk: acknowledged writes lost after reopening (of ${acknowledged.length})`, lost, 0);
  } finally {
    spawnSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  }
}

function tryOpen(dir: string): MessageHistory | undefined {
  try {
    return new MessageHistory(dir, 'alex', () => {}, { indexInBackground: false });
  } catch {
    return undefined;
  }
}

/** kill -9 of a process in the middle of writing, 5 times: every acknowledged message is there after. */
export async function killMidWrite(report: Report, rounds = 5): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pd-rel-kill-'));
  let acknowledged = 0;
  let lost = 0;
  let openFailures = 0;
  try {
    for (let round = 0; round < rounds; round += 1) {
      const ids: string[] = [];
      const child = runChild(['write', dir]);
      let buffer = '';
      await new Promise<void>((resolve) => {
        const target = 300 + round * 250;
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          ids.push(...lines);
          if (ids.length >= target && child.exitCode === null && !child.killed) child.kill('SIGKILL');
        });
        child.on('exit', () => resolve());
      });
      acknowledged += ids.length;
      const h = tryOpen(dir);
      if (!h) {
        openFailures += 1;
        lost += ids.length;
        continue;
      }
      lost += ids.filter((id) => !h.has(id)).length;
      h.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report.atMost(AREA, `kill -9 mid-write ×${rounds}: acknowledged messages lost (of ${acknowledged})`, lost, 0);
  report.atMost(AREA, `kill -9 mid-write ×${rounds}: openings that failed after`, openFailures, 0);
}

function child(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const run = runChild(args);
    let out = '';
    run.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    run.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`history child ${args[0]} exited with ${code}`));
      try {
        resolve(JSON.parse(last));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The rows and distinct ids of the history database. */
function countStored(dir: string): { rows: number; ids: number } {
  const db = new Database(join(dir, historyDatabaseName('alex')), { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM messages').get() as { rows: number; ids: number };
  } finally {
    db.close();
  }
}

/** A first sign-in's history child, killed -9 once the background import has read `share` of the file. */
function killedDuringImport(dir: string, share: number): Promise<{ openMs: number; importMs: number; killedAt: ImportProgress }> {
  return new Promise((resolve, reject) => {
    const run = runChild(['background', dir]);
    const started = performance.now();
    let openMs = NaN;
    let killedAt: ImportProgress | undefined;
    const lines = createInterface({ input: run.stdout });
    lines.on('line', (line) => {
      const report = JSON.parse(line) as { openMs?: number; progress?: ImportProgress };
      if (report.openMs !== undefined && !report.progress) openMs = report.openMs;
      const p = report.progress;
      if (p && !killedAt && p.offset >= p.size * share) {
        killedAt = p;
        run.kill('SIGKILL');
      }
    });
    run.on('exit', () => {
      if (!killedAt) return reject(new Error('the import ended before it could be killed'));
      resolve({ openMs, importMs: performance.now() - started, killedAt });
    });
  });
}

/** 200 MB of old history: generated, imported in the background at a first sign-in killed -9 midway, resumed at the next, then opened three times (each in a fresh process). */
export async function largeHistory(report: Report, bytes = 200e6): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pd-rel-large-'));
  try {
    const t = performance.now();
    const generated = generateHistory(join(dir, historyFileName('alex')), bytes);
    report.add(
      AREA,
      'large history generated (JSON Lines of earlier versions)',
      `${mb(generated.bytes)}, ${generated.messages} messages, ${generated.peers} conversations, in ${ms(performance.now() - t)}`,
    );
    // First sign-in: the history opens at once and the import runs behind it, until a kill -9.
    const first = await killedDuringImport(dir, 0.4);
    report.add(AREA, 'large history: first sign-in waits for the history to open', ms(first.openMs), '≤ 1000 ms', first.openMs <= 1000);
    const killedPercent = Math.round((first.killedAt.offset / first.killedAt.size) * 100);
    // Next sign-in: the import resumes where the last committed batch ended.
    const second = await child(['background', dir]);
    const stored = countStored(dir);
    const lost = generated.messages - stored.rows;
    const doubled = stored.rows - stored.ids;
    report.add(
      AREA,
      `large history: kill -9 at ${killedPercent}% of the import (${first.killedAt.imported} stored), next sign-in resumes`,
      `${stored.rows} of ${generated.messages} stored: ${lost} lost, ${doubled} doubled`,
      '0 lost, 0 doubled',
      lost === 0 && doubled === 0,
    );
    report.add(AREA, 'large history: second sign-in waits for the history to open', ms(second.openMs), '≤ 1000 ms', second.openMs <= 1000);
    report.add(
      AREA,
      'large history: import in the background (both runs), longest event-loop stall in the resumed run',
      `${ms(first.importMs + second.importMs)}, stall ${ms(second.lagMaxMs)} (p99 ${ms(second.lagP99Ms)})`,
      'stall ≤ 200 ms',
      second.lagMaxMs <= 200,
    );
    report.add(AREA, 'large history: search index built after the import', `${ms(second.indexMs)}, longest slice ${ms(second.worstSliceMs)}`);
    report.add(
      AREA,
      'large history: database size',
      mb(
        statSync(join(dir, historyDatabaseName('alex'))).size +
          (existsSync(join(dir, `${historyDatabaseName('alex')}-wal`)) ? statSync(join(dir, `${historyDatabaseName('alex')}-wal`)).size : 0),
      ),
    );
    const opens: Array<Record<string, number>> = [];
    for (let i = 0; i < 3; i += 1) opens.push(await child(['open', dir, generated.rareWord]));
    const worst = (key: string) => Math.max(...opens.map((o) => o[key]));
    report.add(AREA, 'large history: open (worst of 3)', ms(worst('openMs')), '≤ 1000 ms', worst('openMs') <= 1000);
    report.add(
      AREA,
      'large history: RSS of the process after open + first frame (worst of 3)',
      `${mb(worst('rss'))} (process at start: ${mb(worst('rssAtStart'))})`,
      '≤ 200 MB',
      worst('rss') <= 200e6,
    );
    report.add(AREA, 'large history: first frame (100 latest of 200 conversations)', `${ms(worst('recentMs'))}, ${opens[0].conversations} conversations`);
    report.add(AREA, 'large history: search of a rare word (worst of 3)', `${ms(worst('rareMs'))}, ${opens[0].rareHits} hits`);
    report.add(AREA, 'large history: search of a common word, 200 newest hits (worst of 3)', `${ms(worst('commonMs'))}, ${opens[0].commonHits} hits`);
    report.add(AREA, 'large history: latest page and one older page of a conversation', ms(worst('pageMs')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Appends to a JSON Lines file: used by the lab part to give sign-in every shape at once.
export function writeAllShapes(dir: string, account: string): void {
  writeLegacy(
    dir,
    account,
    Buffer.concat(
      BAD_LINES.filter(([n]) => n !== 'truncated last line').map(([, b]) => Buffer.concat([Buffer.isBuffer(b) ? b : Buffer.from(b), Buffer.from('\n')])),
    ),
  );
  appendFileSync(join(dir, historyFileName(account)), '{"t":"msg","m":{"id":"torn","pe');
}
