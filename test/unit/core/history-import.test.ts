import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { MessageHistory, historyDatabaseName, historyFileName } from '../../../core/store/history';
import type { ImportProgress } from '../../../core/store/history-import';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-history-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const peer = (i: number) => `sip:peer${i % 7}@lab.test`;
const msg = (i: number): ChatMessage => ({
  id: `old-${i}`,
  peer: peer(i),
  direction: i % 2 ? 'in' : 'out',
  text: `older message ${i} ${'x'.repeat(i % 90)}`,
  at: 1_600_000_000_000 + i,
  state: i % 2 ? 'received' : 'sending',
});

/** An earlier version's history: `count` messages, each outgoing one followed later by its delivery state. */
function writeLegacy(count: number, extra = ''): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    lines.push(JSON.stringify({ t: 'msg', m: msg(i) }));
    if (i % 2 === 0 && i >= 3) lines.push(JSON.stringify({ t: 'state', id: `old-${i - 2}`, state: 'sent' }));
    if (i === 5) lines.push('null');
  }
  writeFileSync(join(dir, historyFileName('alex')), `${lines.join('\n')}\n${extra}`);
}

/** Resolves with the progress that ended the background import. */
function imported(open: (told: (p: ImportProgress) => void) => MessageHistory): Promise<{ history: MessageHistory; reports: ImportProgress[] }> {
  return new Promise((resolve) => {
    const reports: ImportProgress[] = [];
    const history = open((p) => {
      reports.push(p);
      if (p.done || p.error) queueMicrotask(() => resolve({ history, reports }));
    });
  });
}

describe('background import of an earlier version’s history', () => {
  it('opens at once, takes new messages while it imports, and ends with old history before the new', async () => {
    writeLegacy(6000);
    let history!: MessageHistory;
    const done = imported((told) => {
      history = new MessageHistory(dir, 'alex', undefined, { importInBackground: true, indexInBackground: false, onImport: told });
      return history;
    });
    // The constructor returned before the import: nothing imported yet, the import under way.
    expect(history.loadReport.messages).toBe(0);
    expect(history.importing).toMatchObject({ done: false, offset: 0, imported: 0 });
    expect(history.add({ id: 'live-1', peer: peer(0), direction: 'out', text: 'typed during the import', at: Date.now(), state: 'queued' })).toBe(true);
    const { reports } = await done;
    expect(reports.length).toBeGreaterThan(1);
    const offsets = reports.map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(reports.at(-1)).toMatchObject({ done: true, imported: 6000, badLines: 1 });
    expect(history.importing).toBeUndefined();
    // The conversation reads in stored order: the imported (older) messages, then the live one.
    const conversation = history.conversation(peer(0));
    expect(conversation.at(-1)?.id).toBe('live-1');
    expect(conversation.slice(0, 3).map((m) => m.id)).toEqual(['old-0', 'old-7', 'old-14']);
    expect(history.page(peer(0), { limit: 2 }).messages.map((m) => m.id)).toEqual(['old-5999', 'live-1']);
    expect(history.get('old-10')?.state).toBe('sent');
    expect(history.peers()[0]).toBe(peer(0));
    // Searches find both kinds, newest first; the imported rows are indexed after the import.
    expect(history.search('older message 5999 x').map((h) => h.message.id)).toEqual(['old-5999']);
    while (history.indexSome(1000) > 0);
    expect(history.search('typed during').map((h) => h.message.id)).toEqual(['live-1']);
    expect(history.search('older message 12 x').map((h) => h.message.id)).toEqual(['old-12']);
    history.close();
    // Imported once: the next opening has nothing to import.
    const again = new MessageHistory(dir, 'alex', undefined, { importInBackground: true });
    expect(again.importing).toBeUndefined();
    expect(again.loadReport.messages).toBe(6001);
    again.close();
  });

  it('stops with a closed history and resumes where it was at the next opening', async () => {
    writeLegacy(9000);
    const first = await new Promise<MessageHistory>((resolve) => {
      const h: MessageHistory = new MessageHistory(dir, 'alex', undefined, {
        importInBackground: true,
        onImport: (p) => {
          if (!p.done) queueMicrotask(() => resolve(h));
        },
      });
    });
    const part = first.importing!;
    expect(part.done).toBe(false);
    first.close();
    const log: string[] = [];
    const { history, reports } = await imported(
      (told) => new MessageHistory(dir, 'alex', (l) => log.push(l), { importInBackground: true, indexInBackground: false, onImport: told }),
    );
    expect(log[0]).toMatch(new RegExp(`resuming the import of .*alex\\.jsonl at byte ${part.offset} of`));
    expect(reports.at(-1)).toMatchObject({ done: true, imported: 9000 });
    expect(history.loadReport.messages).toBe(part.imported);
    history.close();
  });

  it('loses and repeats nothing when the app is killed (-9) in the middle of the import', async () => {
    writeLegacy(40_000);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../support/history-import-child.ts'), dir, 'alex'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let killedAt: ImportProgress | undefined;
    for await (const text of createInterface({ input: child.stdout! })) {
      const report = JSON.parse(text) as ImportProgress & { opened?: boolean };
      if (report.opened || report.imported === 0) continue;
      killedAt = report;
      child.kill('SIGKILL');
      break;
    }
    await exited;
    expect(killedAt?.done).toBe(false);
    // The database holds the committed batches and where to go on from, nothing else.
    const db = new Database(join(dir, historyDatabaseName('alex')), { readonly: true });
    const saved = db.prepare("SELECT value FROM meta WHERE key LIKE 'importing:%'").get() as { value: string };
    const countAtKill = (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    db.close();
    expect(JSON.parse(saved.value).offset).toBeGreaterThan(0);
    expect(countAtKill).toBeGreaterThan(0);
    expect(countAtKill).toBeLessThan(40_000);
    // The next opening (here all at once) reads on from the committed offset.
    const history = new MessageHistory(dir, 'alex', undefined, { indexInBackground: false });
    expect(history.loadReport).toMatchObject({ messages: 40_000, imported: 40_000 - countAtKill, badLines: 1 });
    const ids = new Set<string>();
    for (let p = 0; p < 7; p += 1) for (const m of history.conversation(peer(p))) ids.add(m.id);
    expect(ids.size).toBe(40_000);
    expect(history.get('old-39996')?.state).toBe('sent');
    expect(history.get('old-39998')?.state).toBe('sending');
    history.close();
  }, 60_000);
});
