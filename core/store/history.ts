/**
 * IM history: one append-only JSON Lines file per account.
 *
 * Each line is a record: a message as first seen, or a later delivery-state change of a
 * message by id. Appends are fsync'd before the call returns, so a crash right after a send
 * or a receive loses nothing. Reading folds state records into their messages and tolerates
 * a torn last line (a crash mid-write) and foreign garbage: a bad line is reported and skipped,
 * never fatal, and never rewritten away.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage, DeliveryState, HistoryHit } from '../../shared/domain';

type HistoryRecord =
  | { t: 'msg'; m: ChatMessage }
  | { t: 'state'; id: string; state: DeliveryState; error?: string; at: number };

export interface HistoryLoadReport {
  messages: number;
  badLines: number;
}

/** Turns an account name into a safe file name (no path separators, no dots at the start). */
export function historyFileName(account: string): string {
  const safe = account.toLowerCase().replace(/[^a-z0-9@._+-]/g, '_').replace(/^\.+/, '_');
  return `${safe || 'account'}.jsonl`;
}

export class MessageHistory {
  readonly file: string;
  private readonly byId = new Map<string, ChatMessage>();
  private readonly byPeer = new Map<string, ChatMessage[]>();
  private fd: number | undefined;
  private endsTorn = false;
  readonly loadReport: HistoryLoadReport;

  constructor(directory: string, account: string, private readonly log: (line: string) => void = () => {}) {
    mkdirSync(directory, { recursive: true });
    this.file = join(directory, historyFileName(account));
    this.loadReport = this.load();
  }

  private load(): HistoryLoadReport {
    if (!existsSync(this.file)) return { messages: 0, badLines: 0 };
    let badLines = 0;
    const content = readFileSync(this.file, 'utf8');
    this.endsTorn = content.length > 0 && !content.endsWith('\n');
    const lines = content.split('\n');
    for (const [n, line] of lines.entries()) {
      if (!line.trim()) continue;
      let record: HistoryRecord;
      try {
        record = JSON.parse(line) as HistoryRecord;
      } catch {
        badLines += 1;
        this.log(`history: ${this.file}:${n + 1} is not a complete record (kept on disk, skipped)`);
        continue;
      }
      if (record.t === 'msg' && isMessage(record.m)) this.remember(record.m);
      else if (record.t === 'state' && this.byId.has(record.id)) {
        const m = this.byId.get(record.id)!;
        m.state = record.state;
        if (record.error) m.error = record.error;
        else delete m.error;
      } else badLines += 1;
    }
    return { messages: this.byId.size, badLines };
  }

  private remember(message: ChatMessage): void {
    if (this.byId.has(message.id)) return;
    this.byId.set(message.id, message);
    let list = this.byPeer.get(message.peer);
    if (!list) {
      list = [];
      this.byPeer.set(message.peer, list);
    }
    list.push(message);
  }

  private append(record: HistoryRecord): void {
    if (this.fd === undefined) {
      this.fd = openSync(this.file, 'a', 0o600);
      // After a crash mid-write the file may end in a torn line: start on a fresh line so the
      // next record is not glued onto the fragment (and lost with it).
      if (this.endsTorn) writeSync(this.fd, '\n');
      this.endsTorn = false;
    }
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): ChatMessage | undefined {
    return this.byId.get(id);
  }

  /** Stores a new message (written to disk before returning). Returns false for a duplicate id. */
  add(message: ChatMessage): boolean {
    if (this.byId.has(message.id)) return false;
    this.append({ t: 'msg', m: message });
    this.remember({ ...message });
    return true;
  }

  /** Records a delivery-state change; returns the updated message. */
  setState(id: string, state: DeliveryState, error?: string): ChatMessage | undefined {
    const message = this.byId.get(id);
    if (!message) return undefined;
    this.append({ t: 'state', id, state, ...(error ? { error } : {}), at: Date.now() });
    message.state = state;
    if (error) message.error = error;
    else delete message.error;
    return { ...message };
  }

  conversation(peer: string): ChatMessage[] {
    return (this.byPeer.get(peer) ?? []).map((m) => ({ ...m }));
  }

  /** The last `perPeer` messages of every conversation, for the first frame. */
  recent(perPeer = 100): Record<string, ChatMessage[]> {
    const out: Record<string, ChatMessage[]> = {};
    for (const [peer, list] of this.byPeer) out[peer] = list.slice(-perPeer).map((m) => ({ ...m }));
    return out;
  }

  /** Every conversation's peer, most recently active first. */
  peers(): string[] {
    return [...this.byPeer.entries()].sort((a, b) => (b[1].at(-1)?.at ?? 0) - (a[1].at(-1)?.at ?? 0)).map(([peer]) => peer);
  }

  /**
   * Messages of every conversation whose text contains `query` (case-insensitive, accents and
   * letter case as the locale folds them), newest first, at most `limit`.
   */
  search(query: string, limit = 200): HistoryHit[] {
    const needle = fold(query.trim());
    if (!needle) return [];
    const hits: HistoryHit[] = [];
    for (const list of this.byPeer.values()) {
      for (const message of list) {
        const start = fold(message.text).indexOf(needle);
        if (start >= 0) hits.push(cutAround(message, start, query.trim().length));
      }
    }
    return hits.sort((a, b) => b.message.at - a.message.at).slice(0, Math.max(1, limit));
  }

  /** True when the conversation with `peer` has a message other than `exceptId` on the same local day as `at`. */
  hasOtherOnDay(peer: string, at: number, exceptId: string): boolean {
    const day = localDay(at);
    const list = this.byPeer.get(peer) ?? [];
    // Newest last: walk back only until the day before.
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i];
      if (m.id === exceptId) continue;
      const d = localDay(m.at);
      if (d === day) return true;
      if (m.at < at && d < day) return false;
    }
    return false;
  }

  /** Outgoing messages still waiting to be sent, oldest first. */
  pending(): ChatMessage[] {
    return [...this.byId.values()]
      .filter((m) => m.direction === 'out' && (m.state === 'queued' || m.state === 'sending'))
      .sort((a, b) => a.at - b.at)
      .map((m) => ({ ...m }));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Longest text a search hit carries: a 100 KB message is sent as the part around its match. */
const HIT_TEXT_MAX = 2000;

function cutAround(message: ChatMessage, start: number, length: number): HistoryHit {
  if (message.text.length <= HIT_TEXT_MAX) return { message: { ...message }, start, length };
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

function isMessage(value: unknown): value is ChatMessage {
  const m = value as ChatMessage;
  return (
    !!m &&
    typeof m.id === 'string' &&
    typeof m.peer === 'string' &&
    (m.direction === 'in' || m.direction === 'out') &&
    typeof m.text === 'string' &&
    typeof m.at === 'number' &&
    typeof m.state === 'string'
  );
}
