/**
 * The one-time import of an earlier version's JSON Lines history (`<account>.jsonl`) into the
 * SQLite store, a batch at a time, so that years of history (200 MB, ~480,000 messages) never
 * hold up sign-in: the session opens the store and signs in at once, and the import runs in
 * slices between other work (`step`), or all at once for tools and tests (`runAll`).
 *
 *   pending ──step()──> importing ──(file read to its end)──> done (meta `imported:<file>`)
 *                          │  └─ a write fails ─> stopped (logged; the next opening resumes)
 *                          └─ app killed ─> the next opening resumes at the committed offset
 *
 * Crash safety: each batch's rows and the byte offset of the next unread line are committed
 * in one transaction (meta `importing:<file>`), so a kill mid-import loses nothing and repeats
 * nothing: the next opening reads on from that offset. Every imported row's `seq` is its
 * line's byte offset minus the file size minus one: always below 1, in file order, and the
 * same at every attempt. Messages stored live while the import runs have `seq` ≥ 1, so a
 * conversation reads old history first and new messages after it, whatever finished first.
 *
 * Every bad line (`null`, numbers, arrays, strings, objects missing fields, a torn last line,
 * foreign garbage) is skipped and counted, never fatal; a line with invalid UTF-8 keeps its
 * message with U+FFFD in place of the bad bytes.
 */
import type Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { ChatMessage, DeliveryState } from '../../shared/domain';

type Db = Database.Database;

/** Most lines an import writes per transaction (a background slice stops reading sooner, at half its time). */
const IMPORT_BATCH = 5000;
const READ_CHUNK = 1 << 20;
const TORN = 'is a torn last line';

/** Where an import stands: kept in meta with each batch, so a restart reads on from `offset`. */
interface ImportState {
  size: number;
  offset: number;
  /** Lines read so far (lines are named by number in the log). */
  lines: number;
  badLines: number;
  imported: number;
}

export interface ImportProgress {
  /** The JSON Lines file being imported. */
  file: string;
  /** Bytes of it read and stored so far, of `size`. */
  offset: number;
  size: number;
  /** Messages stored by the import so far (over all attempts). */
  imported: number;
  badLines: number;
  done: boolean;
  /** Why the import stopped before its end (it resumes at the next opening). */
  error?: string;
}

export interface ImportStore {
  db: Db;
  /** Runs a write, turning a failure into the store's HistoryWriteError. */
  write: (work: () => void) => void;
  /** Records the range (and number) of rows written without search indexing (indexed later). */
  markUnindexed: (lo: number, hi: number, rows: number) => void;
  /** SQL that recreates the search-index trigger the batches drop while they write. */
  indexTrigger: string;
  log: (line: string) => void;
}

/** The JSON Lines import of one file; `undefined` from {@link LegacyImport.open} when there is nothing to import. */
export class LegacyImport {
  private state: ImportState;
  private readonly key: string;
  private badUtf8 = 0;
  private stopped: string | undefined;
  /** Time a line took to read and store, over the last batches (a first guess until measured). */
  private msPerLine = 0.05;

  private constructor(
    private readonly store: ImportStore,
    readonly file: string,
    state: ImportState,
  ) {
    this.key = `importing:${file}`;
    this.state = state;
  }

  /** The import still to do for `file` (new or interrupted), or undefined when done or absent. */
  static open(store: ImportStore, file: string): LegacyImport | undefined {
    if (!existsSync(file)) return undefined;
    const meta = store.db.prepare('SELECT value FROM meta WHERE key = ?');
    if (meta.get(`imported:${file}`)) return undefined;
    const size = statSync(file).size;
    const saved = meta.get(`importing:${file}`) as { value: string } | undefined;
    const resumed = saved ? (JSON.parse(saved.value) as ImportState) : undefined;
    // A file that changed since the interrupted attempt is read again from the start (ids are unique: nothing doubles).
    const state = resumed && resumed.size === size ? resumed : { size, offset: 0, lines: 0, badLines: 0, imported: 0 };
    if (resumed) store.log(`history: resuming the import of ${file} at byte ${state.offset} of ${size}`);
    return new LegacyImport(store, file, state);
  }

  get progress(): ImportProgress {
    const { offset, size, imported, badLines } = this.state;
    return { file: this.file, offset, size, imported, badLines, done: this.done, ...(this.stopped ? { error: this.stopped } : {}) };
  }

  get done(): boolean {
    return this.state.offset >= this.state.size && !this.stopped;
  }

  /** Imports everything left, in batches (for tools, tests and the read-only in-memory copy). */
  runAll(): ImportProgress {
    while (!this.done && !this.stopped) this.step(Number.POSITIVE_INFINITY);
    return this.progress;
  }

  /**
   * Imports batches for about `budgetMs` (at least one batch), then returns whether the import
   * is over (done, or stopped by a write failure, which is logged and kept in `progress.error`).
   */
  step(budgetMs: number): boolean {
    if (this.done || this.stopped) return true;
    const started = performance.now();
    const until = started + budgetMs;
    const fd = openSync(this.file, 'r');
    try {
      do {
        // As many lines as the last batches took time per line allow in what is left of the slice
        // (storing slows down as the database outgrows its page cache).
        const left = Math.max(1, until - performance.now());
        const lines = Number.isFinite(budgetMs) ? Math.max(16, Math.min(IMPORT_BATCH, Math.floor(left / this.msPerLine))) : IMPORT_BATCH;
        const t = performance.now();
        const read = this.batch(fd, lines);
        if (read > 0) this.msPerLine = 0.7 * this.msPerLine + 0.3 * ((performance.now() - t) / read);
      } while (!this.done && !this.stopped && performance.now() < until);
    } catch (error) {
      this.stopped = (error as Error).message;
      this.store.log(`history: import of ${this.file} stopped at byte ${this.state.offset}: ${this.stopped}; it resumes at the next sign-in`);
    } finally {
      closeSync(fd);
    }
    if (this.done) this.finish();
    return this.done || this.stopped !== undefined;
  }

  /** Reads up to `lines` lines from the committed offset and stores them in one transaction; returns the lines read. */
  private batch(fd: number, lines: number): number {
    const { db } = this.store;
    const { size } = this.state;
    const reader = new LineReader(fd, this.state.offset, size);
    type Entry = { seq: number; line: number; record: LegacyRecord; folded?: boolean };
    const records: Entry[] = [];
    /** The first message record of each id in this batch: a later state line is folded into it (one INSERT, no UPDATE). */
    const firstOf = new Map<string, Entry & { record: { t: 'msg' } }>();
    let line = this.state.lines;
    let badLines = 0;
    const bad = (at: number, why: string) => {
      badLines += 1;
      if (this.state.badLines + badLines <= 20 || why === TORN) this.store.log(`history: ${this.file}:${at} ${why} (kept in the file, skipped)`);
    };
    let n = 0;
    for (; n < lines; n += 1) {
      const seq = reader.offset - size - 1;
      const next = reader.next();
      if (!next) break;
      line += 1;
      const text = decodeLine(next.bytes);
      if (text.replaced) this.badUtf8 += 1;
      if (!text.value.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text.value);
      } catch {
        bad(line, next.last ? TORN : 'is not JSON');
        continue;
      }
      const record = parseRecord(value);
      if (typeof record === 'string') bad(line, record);
      else if (record.t === 'msg') {
        const entry: Entry & { record: { t: 'msg' } } = { seq, line, record };
        if (!firstOf.has(record.m.id)) firstOf.set(record.m.id, entry);
        records.push(entry);
      } else {
        const first = firstOf.get(record.id);
        if (first) {
          first.record.m.state = record.state;
          if (record.error) first.record.m.error = record.error;
          else delete first.record.m.error;
          first.folded = true;
        } else records.push({ seq, line, record });
      }
    }
    const offset = reader.offset;
    const insert = db.prepare('INSERT OR IGNORE INTO messages(seq, id, peer, direction, text, at, state, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const update = db.prepare('UPDATE messages SET state = ?, error = ? WHERE id = ?');
    let imported = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    // Without an fsync at each batch: WAL commits stay atomic (rows and offset together), and a
    // power cut can only take back batches the next opening imports again from the backup
    // file. A live IM between slices is written with FULL again, which syncs these too.
    db.pragma('synchronous = NORMAL');
    try {
      this.store.write(() =>
        db.transaction(() => {
          // Imported rows are indexed for search afterwards, a slice at a time: a trigram index
          // of years of history takes minutes to build. Live rows are indexed by the trigger.
          db.exec('DROP TRIGGER IF EXISTS messages_indexed');
          for (const entry of records) {
            const { seq, record } = entry;
            if (record.t === 'msg') {
              const m = record.m;
              if (insert.run(seq, m.id, m.peer, m.direction, m.text, m.at, m.state, m.error ?? null).changes > 0) {
                imported += 1;
                lo = Math.min(lo, seq);
                hi = Math.max(hi, seq);
                // A copy of an id already stored: only the first copy is kept, and it takes the later states.
              } else if (entry.folded) update.run(m.state, m.error ?? null, m.id);
            } else if (update.run(record.state, record.error ?? null, record.id).changes === 0) {
              bad(entry.line, `changes the state of an unknown message ${JSON.stringify(record.id).slice(0, 80)}`);
            }
          }
          if (imported) this.store.markUnindexed(lo, hi, imported);
          const state: ImportState = { size, offset, lines: line, badLines: this.state.badLines + badLines, imported: this.state.imported + imported };
          db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(this.key, JSON.stringify(state));
          db.exec(this.store.indexTrigger);
          this.state = state;
        })(),
      );
    } finally {
      db.pragma('synchronous = FULL');
    }
    return n;
  }

  private finish(): void {
    const { db } = this.store;
    const { size, imported, badLines } = this.state;
    this.store.write(() =>
      db.transaction(() => {
        db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(`imported:${this.file}`, JSON.stringify({ size, at: Date.now() }));
        db.prepare('DELETE FROM meta WHERE key = ?').run(this.key);
      })(),
    );
    if (badLines > 20) this.store.log(`history: ${badLines} bad lines in ${this.file}; the first 20 are listed above`);
    if (this.badUtf8) this.store.log(`history: ${this.badUtf8} line(s) of ${this.file} had invalid UTF-8, kept with U+FFFD`);
    this.store.log(`history: imported ${imported} message(s) from ${this.file} (kept as a backup), ${badLines} bad line(s) skipped`);
  }
}

/** Reads a file's lines from a byte offset, a megabyte at a time. */
class LineReader {
  private buffer = Buffer.alloc(0);
  /** File position of `buffer[0]`. */
  private start: number;
  /** Offset of the next line not yet returned. */
  offset: number;

  constructor(
    private readonly fd: number,
    offset: number,
    private readonly size: number,
  ) {
    this.start = offset;
    this.offset = offset;
  }

  /** The next line without its newline (`last`: the file ends without one), or undefined at the end. */
  next(): { bytes: Buffer; last: boolean } | undefined {
    if (this.offset >= this.size) return undefined;
    for (;;) {
      const from = this.offset - this.start;
      const nl = this.buffer.indexOf(10, from);
      if (nl >= 0) {
        this.offset = this.start + nl + 1;
        return { bytes: this.buffer.subarray(from, nl), last: false };
      }
      const end = this.start + this.buffer.length;
      if (end >= this.size) {
        this.offset = this.size;
        return { bytes: this.buffer.subarray(from), last: true };
      }
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, this.size - end));
      const read = readSync(this.fd, chunk, 0, chunk.length, end);
      if (read === 0) {
        this.offset = this.size;
        return { bytes: this.buffer.subarray(from), last: true };
      }
      this.buffer = Buffer.concat([this.buffer.subarray(from), chunk.subarray(0, read)]);
      this.start = this.offset;
    }
  }
}

type LegacyRecord = { t: 'msg'; m: ChatMessage } | { t: 'state'; id: string; state: DeliveryState; error?: string };

const STATES = new Set<string>(['queued', 'sending', 'sent', 'stored', 'failed', 'received']);

/** A record of the JSON Lines file, or why the line is not one (in words, for the log). */
function parseRecord(value: unknown): LegacyRecord | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a record`;
  const record = value as Record<string, unknown>;
  if (record.t === 'msg') return isMessage(record.m) ? { t: 'msg', m: record.m } : 'is a message record with missing or wrong fields';
  if (record.t === 'state') {
    if (typeof record.id !== 'string' || typeof record.state !== 'string' || !STATES.has(record.state)) return 'is a state record with missing or wrong fields';
    return {
      t: 'state',
      id: record.id,
      state: record.state as DeliveryState,
      ...(typeof record.error === 'string' && record.error ? { error: record.error } : {}),
    };
  }
  return 'is an object of no known record type';
}

function isMessage(value: unknown): value is ChatMessage {
  const m = value as ChatMessage;
  return (
    !!m &&
    typeof m === 'object' &&
    typeof m.id === 'string' &&
    typeof m.peer === 'string' &&
    (m.direction === 'in' || m.direction === 'out') &&
    typeof m.text === 'string' &&
    typeof m.at === 'number' &&
    Number.isFinite(m.at) &&
    typeof m.state === 'string' &&
    STATES.has(m.state) &&
    (m.error === undefined || typeof m.error === 'string')
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

function decodeLine(bytes: Buffer): { value: string; replaced: boolean } {
  try {
    return { value: strictUtf8.decode(bytes), replaced: false };
  } catch {
    return { value: lenientUtf8.decode(bytes), replaced: true };
  }
}
