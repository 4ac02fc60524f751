import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { HistoryWriteError, MessageHistory, historyDatabaseName, historyFileName } from '../../../core/store/history';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-history-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const msg = (id: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  peer: 'sip:maria@lab.test',
  direction: 'out',
  text: `text ${id} <b>not html</b> ✓`,
  at: Date.now(),
  state: 'queued',
  ...extra,
});

const line = (record: unknown) => `${JSON.stringify(record)}\n`;
const legacy = (account: string, content: string | Buffer) => writeFileSync(join(dir, historyFileName(account)), content);

describe('MessageHistory', () => {
  it('survives a restart with every message and its latest delivery state', () => {
    const h = new MessageHistory(dir, 'alex@lab.test');
    h.add(msg('a'));
    h.add(msg('b'));
    h.setState('a', 'sent');
    h.setState('b', 'failed', '404 Not Found');
    h.close();

    const again = new MessageHistory(dir, 'alex@lab.test');
    const conv = again.conversation('sip:maria@lab.test');
    expect(conv.map((m) => [m.id, m.state, m.error])).toEqual([
      ['a', 'sent', undefined],
      ['b', 'failed', '404 Not Found'],
    ]);
    expect(conv[0].text).toBe('text a <b>not html</b> ✓');
    expect(again.loadReport).toEqual({ messages: 2, badLines: 0 });
    again.close();
  });

  it('keeps every acknowledged write on disk: a second reader sees it before close', () => {
    const h = new MessageHistory(dir, 'alex');
    h.add(msg('a'));
    h.setState('a', 'sent');
    // Another connection (as after a kill -9) reads the committed WAL.
    const other = new Database(h.file, { readonly: true });
    expect(other.prepare('SELECT id, state FROM messages').all()).toEqual([{ id: 'a', state: 'sent' }]);
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
    h.close();
  });

  it('ignores a duplicate id (retransmitted incoming message)', () => {
    const h = new MessageHistory(dir, 'alex');
    expect(h.add(msg('in:1', { direction: 'in', state: 'received' }))).toBe(true);
    expect(h.add(msg('in:1', { direction: 'in', state: 'received' }))).toBe(false);
    expect(h.conversation('sip:maria@lab.test')).toHaveLength(1);
    h.close();
  });

  it('lists pending outgoing messages oldest first', () => {
    const h = new MessageHistory(dir, 'alex');
    h.add(msg('late', { at: 2000 }));
    h.add(msg('early', { at: 1000 }));
    h.add(msg('done', { at: 500 }));
    h.setState('done', 'sent');
    expect(h.pending().map((m) => m.id)).toEqual(['early', 'late']);
    h.close();
  });

  it('reads a conversation in pages, latest first, and lists conversations by last activity', () => {
    const h = new MessageHistory(dir, 'alex');
    for (let i = 1; i <= 25; i += 1) h.add(msg(`m${i}`, { at: 1000 + i }));
    h.add(msg('s1', { peer: 'sip:sam@lab.test', at: 5000 }));
    const first = h.page('sip:maria@lab.test', { limit: 10 });
    expect(first.messages.map((m) => m.id)).toEqual(['m16', 'm17', 'm18', 'm19', 'm20', 'm21', 'm22', 'm23', 'm24', 'm25']);
    expect(first.more).toBe(true);
    const second = h.page('sip:maria@lab.test', { before: 'm16', limit: 10 });
    expect(second.messages[0].id).toBe('m6');
    const third = h.page('sip:maria@lab.test', { before: 'm6', limit: 10 });
    expect(third).toEqual({ messages: expect.any(Array), more: false });
    expect(third.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(h.page('sip:maria@lab.test', { before: 'no such id' })).toEqual({ messages: [], more: false });
    expect(h.peers()).toEqual(['sip:sam@lab.test', 'sip:maria@lab.test']);
    const recent = h.recent(3);
    expect(recent['sip:maria@lab.test'].map((m) => m.id)).toEqual(['m23', 'm24', 'm25']);
    expect(recent['sip:sam@lab.test'].map((m) => m.id)).toEqual(['s1']);
    expect(Object.keys(h.recent(3, 1))).toEqual(['sip:sam@lab.test']);
    h.close();
  });

  it('searches substrings of any case through the index, and short queries too, newest first with a limit', () => {
    const h = new MessageHistory(dir, 'alex');
    h.add(msg('a', { text: 'The Release is on Friday', at: 1 }));
    h.add(msg('b', { text: 'pre-release notes', at: 2 }));
    h.add(msg('c', { text: 'Ünïcödé RELEASE', at: 3 }));
    h.add(msg('d', { text: 'nothing', at: 4 }));
    expect(h.search('release').map((x) => [x.message.id, x.start, x.length])).toEqual([
      ['c', 8, 7],
      ['b', 4, 7],
      ['a', 4, 7],
    ]);
    expect(h.search('elea', 2).map((x) => x.message.id)).toEqual(['c', 'b']);
    expect(h.search('ün').map((x) => x.message.id)).toEqual(['c']);
    expect(h.search('"quoted" AND NOT')).toEqual([]);
    expect(h.search('  ')).toEqual([]);
    h.close();
  });

  it('makes safe file names from account names', () => {
    expect(historyFileName('../../etc/passwd')).not.toContain('/');
    expect(historyDatabaseName('../../etc/passwd')).not.toContain('/');
    expect(historyFileName('Alex@Lab.Test')).toBe('alex@lab.test.jsonl');
    expect(historyDatabaseName('Alex@Lab.Test')).toBe('alex@lab.test.sqlite3');
  });
});

describe('import of the JSON Lines history of earlier versions', () => {
  it('a line `null` does not stop the opening (it used to fail with "Cannot read properties of null")', () => {
    legacy('alex', `${line({ t: 'msg', m: msg('a') })}null\n${line({ t: 'msg', m: msg('b') })}${line({ t: 'state', id: 'nobody', state: 'sent' })}`);
    const log: string[] = [];
    const h = new MessageHistory(dir, 'alex', (l) => log.push(l));
    expect(h.loadReport).toEqual({ messages: 2, badLines: 2, imported: 2, unindexed: 2 });
    expect(log).toContainEqual(expect.stringMatching(/alex\.jsonl:2 is null, not a record \(kept in the file, skipped\)$/));
    expect(log).toContainEqual(expect.stringMatching(/alex\.jsonl:4 changes the state of an unknown message "nobody"/));
    expect(h.conversation('sip:maria@lab.test').map((m) => m.id)).toEqual(['a', 'b']);
    h.close();
  });

  it('survives every bad line shape, counts each, logs why, and keeps the file as a backup', () => {
    const shapes = [
      'null',
      '0',
      '42',
      '-1.5e300',
      'true',
      '"a string"',
      '[]',
      '[{"t":"msg"}]',
      '{}',
      '{"t":null}',
      '{"t":"msg"}',
      '{"t":"msg","m":null}',
      '{"t":"msg","m":[]}',
      '{"t":"msg","m":{"id":"x"}}',
      '{"t":"msg","m":{"id":"y","peer":"sip:p@x","direction":"sideways","text":"t","at":1,"state":"sent"}}',
      '{"t":"msg","m":{"id":"z","peer":"sip:p@x","direction":"in","text":7,"at":1,"state":"sent"}}',
      '{"t":"state"}',
      '{"t":"state","id":"a","state":"exploded"}',
      '{"t":"state","id":"nobody","state":"sent","at":1}',
      '{"t":"unknown","m":{}}',
      'not json at all',
      '\u0000\u0001\u0002',
    ];
    const good = [
      line({ t: 'msg', m: msg('a', { at: 1 }) }),
      line({ t: 'state', id: 'a', state: 'sent', at: 2 }),
      line({ t: 'msg', m: msg('b', { at: 3, direction: 'in', state: 'received' }) }),
    ];
    const content = `${good[0]}${shapes.join('\n')}\n${good[1]}\r\n\n${good[2]}{"t":"msg","m":{"id":"torn","pe`;
    legacy('alex', content);
    const log: string[] = [];
    const h = new MessageHistory(dir, 'alex', (l) => log.push(l));
    expect(h.loadReport).toEqual({ messages: 2, badLines: shapes.length + 1, imported: 2, unindexed: 2 });
    expect(h.conversation('sip:maria@lab.test').map((m) => [m.id, m.state])).toEqual([
      ['a', 'sent'],
      ['b', 'received'],
    ]);
    expect(log.some((l) => l.includes(':2 is null, not a record'))).toBe(true);
    expect(log.some((l) => l.includes('is a torn last line'))).toBe(true);
    expect(log.some((l) => l.includes('23 bad lines in') && l.includes('the first 20 are listed above'))).toBe(true);
    expect(log.at(-1)).toMatch(/imported 2 message\(s\) from .*alex\.jsonl \(kept as a backup\), 23 bad line\(s\) skipped/);
    // The file is a backup: left exactly as it was.
    expect(readFileSync(h.legacyFile, 'utf8')).toBe(content);
    h.add(msg('c'));
    h.close();
    // Imported once: a second opening neither imports again nor reports the bad lines again.
    const again = new MessageHistory(dir, 'alex');
    expect(again.loadReport).toEqual({ messages: 3, badLines: 0, unindexed: 2 });
    again.close();
  });

  it('keeps a message whose line has invalid UTF-8, with U+FFFD for the bad bytes', () => {
    const bytes = Buffer.from(line({ t: 'msg', m: msg('a', { text: 'caf#' }) }));
    bytes[bytes.indexOf('caf#') + 3] = 0xe9; // a Latin-1 é: one byte, not UTF-8
    legacy('alex', Buffer.concat([bytes, Buffer.from([0xff, 0xfe, 0x0a])]));
    const log: string[] = [];
    const h = new MessageHistory(dir, 'alex', (l) => log.push(l));
    expect(h.loadReport).toEqual({ messages: 1, badLines: 1, imported: 1, unindexed: 1 });
    expect(h.get('a')?.text).toBe('caf\uFFFD');
    expect(log.some((l) => /2 line\(s\) .* invalid UTF-8/.test(l))).toBe(true);
    h.close();
  });

  it('reads a large file in pieces and keeps the last record of a duplicate id once', () => {
    const lines: string[] = [];
    for (let i = 0; i < 12_000; i += 1) lines.push(line({ t: 'msg', m: msg(`m${i}`, { at: i, text: `message ${i} ${'x'.repeat(100)}` }) }));
    lines.push(line({ t: 'msg', m: msg('m0', { text: 'a second copy of m0' }) }));
    lines.push(line({ t: 'state', id: 'm0', state: 'failed', error: 'no route' }));
    legacy('alex', lines.join(''));
    const h = new MessageHistory(dir, 'alex');
    expect(h.loadReport).toEqual({ messages: 12_000, badLines: 0, imported: 12_000, unindexed: 12_000 });
    expect(h.get('m0')).toMatchObject({ text: expect.stringMatching(/^message 0 /), state: 'failed', error: 'no route' });
    expect(h.search('message 11999').map((x) => x.message.id)).toEqual(['m11999']);
    h.close();
  });
});

describe('search index of imported history', () => {
  it('finds imported messages before, while and after they are indexed, each once, newest first', () => {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i += 1) lines.push(line({ t: 'msg', m: msg(`m${i}`, { at: i, text: i % 100 === 0 ? `Needle ${i}` : `hay ${i}` }) }));
    legacy('alex', lines.join(''));
    const h = new MessageHistory(dir, 'alex', undefined, { indexInBackground: false });
    h.add(msg('live', { at: 5000, text: 'a live needle' }));
    expect(h.loadReport).toEqual({ messages: 1000, badLines: 0, imported: 1000, unindexed: 1000 });
    const expected = ['live', 'm900', 'm800', 'm700', 'm600', 'm500', 'm400', 'm300', 'm200', 'm100', 'm0'];
    expect(h.search('needle').map((x) => x.message.id)).toEqual(expected);
    expect(h.indexSome(350)).toBe(650);
    expect(h.search('needle').map((x) => x.message.id)).toEqual(expected);
    expect(h.search('needle', 3).map((x) => x.message.id)).toEqual(['live', 'm900', 'm800']);
    h.close();
    // The range left to index survives a restart.
    const again = new MessageHistory(dir, 'alex', undefined, { indexInBackground: false });
    expect(again.loadReport.unindexed).toBe(650);
    while (again.indexSome(300) > 0);
    expect(again.search('needle').map((x) => x.message.id)).toEqual(expected);
    again.close();
    expect(new MessageHistory(dir, 'alex').loadReport).toEqual({ messages: 1001, badLines: 0 });
  });
});

describe('when history cannot be written', () => {
  it('rejects the write with the reason and the path when the disk is full, and keeps what was stored', () => {
    const log: string[] = [];
    // A full disk, as SQLite reports it: no page can be added past the current ones.
    const h = new MessageHistory(dir, 'alex', (l) => log.push(l), {
      openDatabase: (file) => {
        const db = new Database(file);
        db.pragma(`max_page_count = ${Math.max(1, db.pragma('page_count', { simple: true }) as number) + 40}`);
        return db;
      },
    });
    let error: unknown;
    for (let i = 0; i < 500 && !error; i += 1) {
      try {
        h.add(msg(`m${i}`, { text: `${i} ${'y'.repeat(2000)}` }));
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(HistoryWriteError);
    expect((error as Error).message).toBe(`History cannot be written to ${h.file}: the disk is full.`);
    expect(log.at(-1)).toContain('History cannot be written');
    const stored = h.conversation('sip:maria@lab.test').length;
    expect(stored).toBeGreaterThan(0);
    h.close();
    expect(new MessageHistory(dir, 'alex').conversation('sip:maria@lab.test')).toHaveLength(stored);
  });

  it('rejects the write when the file is read-only', () => {
    new MessageHistory(dir, 'alex').close();
    const h = new MessageHistory(dir, 'alex', undefined, { openDatabase: (file) => new Database(file, { readonly: true }) });
    expect(() => h.add(msg('a'))).toThrow(`History cannot be written to ${h.file}: the file or its folder is read-only.`);
    expect(h.get('a')).toBeUndefined();
    h.close();
  });

  it('shows the messages already stored when the file can no longer be written (read-only or immutable), and refuses writes', () => {
    const before = new MessageHistory(dir, 'alex');
    before.add(msg('kept', { text: 'said before the file became read-only' }));
    before.close();
    const log: string[] = [];
    const refused = Object.assign(new Error('SQLITE_READONLY: attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    const h = new MessageHistory(dir, 'alex', (l) => log.push(l), {
      openDatabase: () => {
        throw refused;
      },
    });
    expect(h.get('kept')?.text).toBe('said before the file became read-only');
    expect(h.conversation('sip:maria@lab.test').map((m) => m.id)).toEqual(['kept']);
    expect(() => h.add(msg('new'))).toThrow(HistoryWriteError);
    expect(log[0]).toMatch(/cannot open .* for writing .*history is read-only for this session$/);
    h.close();
  });

  it('opens read-only from the old file when the folder cannot be created, and says so on every write', () => {
    legacy('alex', line({ t: 'msg', m: msg('a') }));
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'a file where the history folder should be');
    const log: string[] = [];
    const h = new MessageHistory(join(blocker, 'history'), 'alex', (l) => log.push(l));
    expect(h.writeProblem).toBe('the file cannot be created or opened');
    expect(() => h.add(msg('b'))).toThrow(/^History cannot be written to .*not-a-folder\/history\/alex\.sqlite3: the file cannot be created or opened\.$/);
    expect(log[0]).toMatch(/cannot open .*history is read-only for this session/);
    h.close();
  });

  it('moves a damaged database aside and starts again from the old file', () => {
    legacy('alex', line({ t: 'msg', m: msg('a') }));
    writeFileSync(join(dir, historyDatabaseName('alex')), 'this is not an SQLite database, it is a text file that is long enough'.repeat(100));
    const log: string[] = [];
    const h = new MessageHistory(dir, 'alex', (l) => log.push(l));
    expect(h.loadReport.movedAside).toMatch(/alex\.sqlite3\.corrupt-\d+$/);
    expect(existsSync(h.loadReport.movedAside!)).toBe(true);
    expect(h.conversation('sip:maria@lab.test').map((m) => m.id)).toEqual(['a']);
    expect(h.add(msg('b'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toHaveLength(1);
    h.close();
  });
});
