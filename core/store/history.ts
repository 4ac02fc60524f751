// Over 400 lines: one store around one database (schema, import of the old files, paging, search, write failures), read best in one place.
/**
 * IM history: one SQLite database per account (better-sqlite3), with an FTS5 trigram index
 * for search. Only what is shown is read: the latest messages of a conversation, older pages
 * on demand, a search with a limit; opening a database of years of history reads none of it.
 *
 * Durability: WAL journal with `synchronous = FULL`, so every `add` / `setState` is on disk
 * (the WAL is fsync'd at each commit) before it returns, as the fsync'd JSON Lines file was;
 * NORMAL would survive an app crash but could drop the last acknowledged IMs on a power cut.
 * A write that fails (read-only file or folder, full disk, I/O error) throws a
 * {@link HistoryWriteError} that says so and where: the caller must not acknowledge an IM
 * that is not stored.
 *
 * The JSON Lines files of earlier versions (`<account>.jsonl`, one record a line: a message,
 * or a later delivery-state change by id) are imported on first open and left in place as a
 * backup. Every bad line (`null`, numbers, arrays, strings, objects missing fields, a torn
 * last line, foreign garbage) is skipped and counted, never fatal; a line with invalid UTF-8
 * keeps its message with U+FFFD in place of the bad bytes.
 *
 * Opening, in order:
 *
 *   open file ──ok──> schema ──> import JSONL (once) ──> ready (writable)
 *      │  └─ not a database / corrupt ─> moved aside as *.corrupt-<time>, fresh file, import again
 *      └─ cannot create or open ─> in-memory copy of the JSONL, read-only: every write throws
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage, DeliveryState, HistoryHit } from '../../shared/domain';
import { LegacyImport, type ImportProgress } from './history-import';

type Db = Database.Database;

export interface HistoryLoadReport {
  /** Messages in the history after opening. */
  messages: number;
  /** Lines of the JSON Lines file that were skipped at import (0 when nothing was imported). */
  badLines: number;
  /** Messages newly imported from the JSON Lines file at this opening. */
  imported?: number;
  /** Where a damaged database file was moved aside, if it was. */
  movedAside?: string;
  /** Imported messages not yet in the search index (indexed in the background; search scans them meanwhile). */
  unindexed?: number;
}

export interface HistoryOptions {
  /** Opens the database file (a seam for tests to simulate a full disk or a read-only file). */
  openDatabase?: (file: string) => Db;
  /** Index imported messages for search in the background (default true; false: call indexSome). */
  indexInBackground?: boolean;
  /**
   * Import the JSON Lines file of earlier versions in slices after opening, between other work
   * (what sign-in does: years of history must not hold it up), instead of before the
   * constructor returns (default false).
   */
  importInBackground?: boolean;
  /** Told how a background import goes: after each slice, and at its end (`done`) or stop (`error`). */
  onImport?: (progress: ImportProgress) => void;
}

/** Milliseconds of import work per slice: the event loop is never held longer than about this. */
const IMPORT_SLICE_MS = 25;

/** A write to the history failed: the message says that history cannot be written, where and why. */
export class HistoryWriteError extends Error {
  readonly code = 'history-write';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`History cannot be written to ${path}: ${reason}.`);
    this.name = 'HistoryWriteError';
  }
}

/** Turns an account name into a safe base name (no path separators, no dots at the start). */
function safeAccount(account: string): string {
  const safe = account
    .toLowerCase()
    .replace(/[^a-z0-9@._+-]/g, '_')
    .replace(/^\.+/, '_');
  return safe || 'account';
}

/** The JSON Lines file of earlier versions for an account. */
export function historyFileName(account: string): string {
  return `${safeAccount(account)}.jsonl`;
}

/** The database file for an account. */
export function historyDatabaseName(account: string): string {
  return `${safeAccount(account)}.sqlite3`;
}

const INDEX_TRIGGER = `CREATE TRIGGER IF NOT EXISTS messages_indexed AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
END;`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- seq is the order messages were stored in: a conversation reads in that order.
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  peer TEXT NOT NULL,
  direction TEXT NOT NULL,
  text TEXT NOT NULL,
  at INTEGER NOT NULL,
  state TEXT NOT NULL,
  error TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_peer ON messages(peer, seq);
CREATE INDEX IF NOT EXISTS messages_by_peer_time ON messages(peer, at);
CREATE INDEX IF NOT EXISTS messages_pending ON messages(at) WHERE direction = 'out' AND state IN ('queued', 'sending');
-- One row per conversation, so the list of conversations never scans the messages.
CREATE TABLE IF NOT EXISTS conversations (peer TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, last_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_by_time ON conversations(last_at);
-- Trigram tokens: any substring of 3 characters or more is found, as the old substring search did.
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, content='messages', content_rowid='seq', tokenize='trigram');
${INDEX_TRIGGER}
-- Imported (older) rows may arrive after newer ones: a conversation's last message is the greatest seq.
DROP TRIGGER IF EXISTS messages_added;
CREATE TRIGGER messages_added AFTER INSERT ON messages BEGIN
  INSERT INTO conversations(peer, last_seq, last_at) VALUES (new.peer, new.seq, new.at)
    ON CONFLICT(peer) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq), last_at = max(last_at, excluded.last_at);
END;
CREATE TRIGGER IF NOT EXISTS messages_text_changed AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
  INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER IF NOT EXISTS messages_removed AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
`;

interface Row {
  seq: number;
  id: string;
  peer: string;
  direction: 'in' | 'out';
  text: string;
  at: number;
  state: DeliveryState;
  error: string | null;
}

const toMessage = (row: Row): ChatMessage => ({
  id: row.id,
  peer: row.peer,
  direction: row.direction,
  text: row.text,
  at: row.at,
  state: row.state,
  ...(row.error ? { error: row.error } : {}),
});

/** Conversations whose recent messages go into the first frame (the others load when opened). */
const RECENT_CONVERSATIONS = 200;

export class MessageHistory {
  /** The database file. */
  readonly file: string;
  /** The JSON Lines file of earlier versions (imported, then kept as a backup). */
  readonly legacyFile: string;
  readonly loadReport: HistoryLoadReport;
  /** Set when the history can be read but not written: every write throws with it. */
  readonly writeProblem: string | undefined;
  private readonly db: Db;
  private readonly statements: ReturnType<typeof prepare>;
  private indexTimer: NodeJS.Timeout | undefined;
  private importTimer: NodeJS.Timeout | undefined;
  private legacy: LegacyImport | undefined;

  constructor(
    directory: string,
    account: string,
    private readonly log: (line: string) => void = () => {},
    options: HistoryOptions = {},
  ) {
    this.file = join(directory, historyDatabaseName(account));
    this.legacyFile = join(directory, historyFileName(account));
    const open = options.openDatabase ?? ((file: string) => new Database(file));
    let movedAside: string | undefined;
    let db: Db;
    let writeProblem: string | undefined;
    let readOnlyFile = false;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      try {
        db = openWithSchema(open, this.file);
      } catch (error) {
        if (!isDamaged(error)) throw error;
        // Not a database (or damaged beyond reading): keep it for a specialist, start afresh.
        movedAside = `${this.file}.corrupt-${Date.now()}`;
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(this.file + suffix)) renameSync(this.file + suffix, movedAside + suffix);
        log(`history: ${this.file} is not a readable database (${(error as Error).message}); moved aside to ${movedAside}, starting a new one`);
        db = openWithSchema(open, this.file);
      }
    } catch (error) {
      // The folder or file cannot be created or written (read-only or immutable file, full disk):
      // earlier messages are still shown from the file itself where it can be read; writes are refused.
      writeProblem = describeFailure(error);
      const readable = openReadOnly(this.file);
      log(
        `history: cannot open ${this.file} for writing (${(error as Error).message}); history is read-only for this session` +
          (readable ? '' : ' and earlier messages cannot be read'),
      );
      db = readable ?? openWithSchema(() => new Database(':memory:'), ':memory:');
      readOnlyFile = readable !== undefined;
    }
    this.db = db;
    this.writeProblem = writeProblem;
    this.statements = prepare(db);
    const before = this.count();
    // A file opened read-only cannot take an import: the earlier version's file stays for a later, writable opening.
    let legacy = readOnlyFile
      ? undefined
      : LegacyImport.open(
          {
            db,
            // Without a writable file the import goes to the in-memory copy, so the history can be read.
            write: (work) => (writeProblem ? work() : this.write(work)),
            markUnindexed: (lo, hi, rows) => {
              const gap = this.gap();
              const merged = { lo: Math.min(lo, gap?.lo ?? lo), hi: Math.max(hi, gap?.hi ?? hi), rows: rows + (gap ? this.unindexedRows() : 0) };
              this.statements.setMeta.run('unindexed', JSON.stringify(merged));
            },
            indexTrigger: INDEX_TRIGGER,
            log,
          },
          this.legacyFile,
        );
    let badLines = 0;
    if (legacy && !options.importInBackground) {
      badLines = legacy.runAll().badLines;
      legacy = undefined;
    }
    const messages = this.count();
    const unindexed = this.unindexedRows();
    this.loadReport = {
      messages,
      badLines,
      ...(messages > before ? { imported: messages - before } : {}),
      ...(movedAside ? { movedAside } : {}),
      ...(unindexed ? { unindexed } : {}),
    };
    this.legacy = legacy;
    const indexAfter = options.indexInBackground !== false;
    if (legacy) this.importLater(legacy, options.onImport ?? (() => {}), indexAfter);
    else if (unindexed && indexAfter && !readOnlyFile) this.indexLater();
  }

  private count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  }

  /**
   * How the import of the JSON Lines file of earlier versions goes, while it runs in the
   * background (undefined when there is none or it is over): conversations and searches
   * say "importing…" meanwhile.
   */
  get importing(): ImportProgress | undefined {
    return this.legacy?.progress;
  }

  /** Imports the JSON Lines file a slice at a time between other work, then indexes what it stored. */
  private importLater(legacy: LegacyImport, told: (progress: ImportProgress) => void, indexAfter: boolean): void {
    const step = () => {
      this.importTimer = undefined;
      if (!this.db.open) return;
      const over = legacy.step(IMPORT_SLICE_MS);
      const progress = legacy.progress;
      if (over) this.legacy = undefined;
      told(progress);
      if (!over) this.importTimer = setTimeout(step, 0);
      else if (progress.done && indexAfter && this.gap()) this.indexLater();
    };
    this.importTimer = setTimeout(step, 0);
  }

  /** Rows stored but not yet in the search index (imported, waiting for indexSome). */
  private gap(): { lo: number; hi: number; rows?: number } | undefined {
    const row = this.statements.getMeta.get('unindexed') as { value: string } | undefined;
    if (!row) return undefined;
    const gap = JSON.parse(row.value) as { lo: number; hi: number; rows?: number };
    return gap.hi >= gap.lo ? gap : undefined;
  }

  /**
   * Adds up to `rows` of the imported rows to the search index, newest first (so recent
   * history is found soonest). Returns the number of rows still waiting.
   */
  indexSome(rows = 200): number {
    const gap = this.gap();
    // While an import runs it widens the range at its top: indexing waits for its end.
    if (!gap || this.legacy) return gap ? this.unindexedRows() : 0;
    const top = this.db
      .prepare('SELECT seq FROM messages WHERE seq BETWEEN ? AND ? ORDER BY seq DESC LIMIT 1 OFFSET ?')
      .get(gap.lo, gap.hi, Math.max(1, rows) - 1) as { seq: number } | undefined;
    const from = top?.seq ?? gap.lo;
    const waiting = this.unindexedRows();
    // No fsync per slice: a slice lost to a power cut is indexed again (its range is committed with it).
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.write(
        this.db.transaction(() => {
          const indexed = this.db
            .prepare('INSERT INTO messages_fts(rowid, text) SELECT seq, text FROM messages WHERE seq BETWEEN ? AND ?')
            .run(from, gap.hi).changes;
          const left = Math.max(0, waiting - indexed);
          if (from > gap.lo) this.statements.setMeta.run('unindexed', JSON.stringify({ lo: gap.lo, hi: from - 1, rows: left }));
          else this.db.prepare("DELETE FROM meta WHERE key = 'unindexed'").run();
          return from > gap.lo ? left : 0;
        }),
      );
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /**
   * Rows waiting for the search index: kept with the range, so a slice never counts the rows
   * of years of history (counted once for a range written by an earlier version).
   */
  private unindexedRows(): number {
    const gap = this.gap();
    if (!gap) return 0;
    return gap.rows ?? (this.db.prepare('SELECT count(*) AS n FROM messages WHERE seq BETWEEN ? AND ?').get(gap.lo, gap.hi) as { n: number }).n;
  }

  /** Indexes the imported rows in small slices between other work, until none is left. */
  private indexLater(): void {
    const step = () => {
      this.indexTimer = undefined;
      if (!this.db.open) return;
      try {
        if (this.indexSome() > 0) this.indexTimer = setTimeout(step, 5).unref();
        else this.log(`history: search index of ${this.file} complete`);
      } catch (error) {
        // Search still scans what is not indexed; the next opening tries again.
        this.log(`history: search index not completed: ${(error as Error).message}`);
      }
    };
    this.indexTimer = setTimeout(step, 50).unref();
  }

  /** Runs a write, turning any failure into a HistoryWriteError that says where and why. */
  private write<T>(work: () => T): T {
    if (this.writeProblem) throw new HistoryWriteError(this.file, this.writeProblem);
    try {
      return work();
    } catch (error) {
      if (error instanceof HistoryWriteError) throw error;
      const failure = new HistoryWriteError(this.file, describeFailure(error));
      this.log(`history: ${failure.message} (${(error as Error).message})`);
      throw failure;
    }
  }

  has(id: string): boolean {
    return this.statements.byId.get(id) !== undefined;
  }

  get(id: string): ChatMessage | undefined {
    const row = this.statements.byId.get(id) as Row | undefined;
    return row && toMessage(row);
  }

  /**
   * Stores a new message, on disk before returning. Returns false for a duplicate id; throws
   * a {@link HistoryWriteError} when it cannot be stored.
   */
  add(message: ChatMessage): boolean {
    const { id, peer, direction, text, at, state, error } = message;
    return this.write(() => this.statements.insert.run(id, peer, direction, text, at, state, error ?? null).changes > 0);
  }

  /** Records a delivery-state change (on disk before returning); returns the updated message. */
  setState(id: string, state: DeliveryState, error?: string): ChatMessage | undefined {
    if (!this.has(id)) return undefined;
    this.write(() => this.statements.setState.run(state, error ?? null, id));
    return this.get(id);
  }

  /** The whole conversation with `peer`, oldest first (for an export). */
  conversation(peer: string): ChatMessage[] {
    return (this.statements.conversation.all(peer) as Row[]).map(toMessage);
  }

  /**
   * One page of the conversation with `peer`, oldest first: the latest `limit` messages, or
   * those stored before the message `before` (an id from the previous page).
   */
  page(peer: string, options: { before?: string; limit?: number } = {}): { messages: ChatMessage[]; more: boolean } {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
    const anchor = options.before === undefined ? undefined : (this.statements.byId.get(options.before) as Row | undefined);
    if (options.before !== undefined && !anchor) return { messages: [], more: false };
    const rows = (anchor ? this.statements.pageBefore.all(peer, anchor.seq, limit + 1) : this.statements.pageLatest.all(peer, limit + 1)) as Row[];
    const more = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toMessage), more };
  }

  /** The last `perPeer` messages of the most recently active conversations, for the first frame. */
  recent(perPeer = 100, conversations = RECENT_CONVERSATIONS): Record<string, ChatMessage[]> {
    const out: Record<string, ChatMessage[]> = {};
    for (const { peer } of this.statements.peers.all(conversations) as Array<{ peer: string }>) {
      out[peer] = (this.statements.pageLatest.all(peer, perPeer) as Row[]).reverse().map(toMessage);
    }
    return out;
  }

  /** Every conversation's peer, most recently active first. */
  peers(): string[] {
    return (this.statements.peers.all(-1) as Array<{ peer: string }>).map((r) => r.peer);
  }

  /**
   * Messages of every conversation whose text contains `query` (case-insensitive), newest
   * first, at most `limit`. Three characters or more go through the trigram index; shorter
   * queries scan from the newest message and stop at `limit` hits.
   */
  search(query: string, limit = 200): HistoryHit[] {
    const trimmed = query.trim();
    const needle = fold(trimmed);
    if (!needle) return [];
    const max = Math.max(1, limit);
    const rows = this.candidates(trimmed, [...needle].length >= 3);
    const hits: HistoryHit[] = [];
    for (const row of rows) {
      // The index folds case as SQLite does; the hit and its position are decided here, as before.
      const start = fold(row.text).indexOf(needle);
      if (start < 0) continue;
      hits.push(cutAround(toMessage(row), start, trimmed.length));
      if (hits.length >= max) break; // ends the statement: the rest is never read
    }
    return hits.sort((a, b) => b.message.at - a.message.at);
  }

  /**
   * Rows that may contain the query, newest first: through the index where rows are indexed,
   * by scanning the rows an import left for later indexing, by scanning all for short queries.
   */
  private *candidates(query: string, indexed: boolean): Generator<Row> {
    const all = Number.MAX_SAFE_INTEGER;
    // Imported rows have seq below 1 (history-import.ts): every range starts at the lowest integer.
    const lowest = Number.MIN_SAFE_INTEGER;
    if (!indexed) return yield* this.statements.newestFirst.iterate(lowest, all) as IterableIterator<Row>;
    const phrase = `"${query.replace(/"/g, '""')}"`;
    const gap = this.gap();
    if (!gap) return yield* this.statements.searchIndexed.iterate(phrase, lowest, all) as IterableIterator<Row>;
    yield* this.statements.searchIndexed.iterate(phrase, gap.hi + 1, all) as IterableIterator<Row>;
    yield* this.statements.newestFirst.iterate(gap.lo, gap.hi) as IterableIterator<Row>;
    yield* this.statements.searchIndexed.iterate(phrase, lowest, gap.lo - 1) as IterableIterator<Row>;
  }

  /** True when the conversation with `peer` has a message other than `exceptId` on the same local day as `at`. */
  hasOtherOnDay(peer: string, at: number, exceptId: string): boolean {
    const d = new Date(at);
    const from = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    return this.statements.otherOnDay.get(peer, from, to, exceptId) !== undefined;
  }

  /** Outgoing messages still waiting to be sent, oldest first. */
  pending(): ChatMessage[] {
    return (this.statements.pending.all() as Row[]).map(toMessage);
  }

  close(): void {
    if (this.importTimer) clearTimeout(this.importTimer);
    this.importTimer = undefined;
    this.legacy = undefined;
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    if (this.db.open) this.db.close();
  }
}

function prepare(db: Db) {
  return {
    byId: db.prepare('SELECT * FROM messages WHERE id = ?'),
    // Live rows are numbered from 1 up, above every imported row (see history-import.ts).
    insert: db.prepare(
      'INSERT OR IGNORE INTO messages(seq, id, peer, direction, text, at, state, error) VALUES (max(coalesce((SELECT max(seq) FROM messages), 0), 0) + 1, ?, ?, ?, ?, ?, ?, ?)',
    ),
    setState: db.prepare('UPDATE messages SET state = ?, error = ? WHERE id = ?'),
    conversation: db.prepare('SELECT * FROM messages WHERE peer = ? ORDER BY seq'),
    pageLatest: db.prepare('SELECT * FROM messages WHERE peer = ? ORDER BY seq DESC LIMIT ?'),
    pageBefore: db.prepare('SELECT * FROM messages WHERE peer = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    peers: db.prepare('SELECT peer FROM conversations ORDER BY last_at DESC LIMIT ?'),
    searchIndexed: db.prepare(
      'SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ? AND messages_fts.rowid BETWEEN ? AND ? ORDER BY messages_fts.rowid DESC',
    ),
    newestFirst: db.prepare('SELECT * FROM messages WHERE seq BETWEEN ? AND ? ORDER BY seq DESC'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)'),
    otherOnDay: db.prepare('SELECT 1 FROM messages WHERE peer = ? AND at >= ? AND at < ? AND id <> ? LIMIT 1'),
    pending: db.prepare("SELECT * FROM messages WHERE direction = 'out' AND state IN ('queued', 'sending') ORDER BY at"),
  };
}

function openWithSchema(open: (file: string) => Db, file: string): Db {
  const db = open(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsync'd at every commit, so an acknowledged IM survives a power cut too.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = OFF');
    db.pragma('busy_timeout = 2000');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The existing history database opened for reading only, or undefined when there is none or it cannot be read. */
function openReadOnly(file: string): Db | undefined {
  if (!existsSync(file)) return undefined;
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM messages').get();
    return db;
  } catch {
    db?.close();
    return undefined;
  }
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : '';
}

function isDamaged(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** The reason a write failed, in words. */
function describeFailure(error: unknown): string {
  const code = sqliteCode(error);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk is full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'the file or its folder is read-only';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'the disk reported an input/output error';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOTDIR' || code === 'ENOENT') return 'the file cannot be created or opened';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'another program holds it locked';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'the database file is damaged';
  return (error as Error)?.message ?? String(error);
}

/** Longest text a search hit carries: a 100 KB message is sent as the part around its match. */
const HIT_TEXT_MAX = 2000;

function cutAround(message: ChatMessage, start: number, length: number): HistoryHit {
  if (message.text.length <= HIT_TEXT_MAX) return { message, start, length };
  const from = Math.max(0, start - 200);
  const to = Math.min(message.text.length, from + HIT_TEXT_MAX);
  const text = `${from > 0 ? '…' : ''}${message.text.slice(from, to)}${to < message.text.length ? '…' : ''}`;
  return { message: { ...message, text }, start: start - from + (from > 0 ? 1 : 0), length };
}

/**
 * Case-insensitive comparison form that keeps string length (so a hit's index maps back onto
 * the original text): lower case only, no Unicode normalisation that could merge characters.
 */
function fold(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : text;
}

/** `YYYY-MM-DD` of the local calendar day (sortable as a string). */
export function localDay(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
