/**
 * TraceRecorder: the `TraceSink` behind the Diagnostics view and the help-desk export.
 *
 * Recording is cheap, because it happens for every SIP message of a sign-in (five per contact)
 * while the view is usually closed: a message is kept as it came, in a ring buffer bounded both
 * by count and by bytes, so a chatty session (RLS NOTIFYs of a thousand contacts) cannot grow
 * memory without limit: the oldest entries go first. Masking (`mask.ts`) and the full
 * description happen when an entry is shown, searched or exported — nothing leaves the
 * recorder unmasked — and the masked text then replaces the raw one. Some messages are masked
 * at once all the same:
 *  - messages of other protocols than SIP (SOAP login, WebDialer, directory): they carry the
 *    password in clear, and are few;
 *  - a message bigger than `maxEntryBytes`, kept cut with a note of what was left out (cut
 *    after masking, so a cut never leaves half a secret element unmasked);
 *  - every entry still raw when the known secrets are cleared (sign-out), so an entry kept
 *    from the session is masked with the password the session knew.
 * The live summary (`onEntry`) is read from the raw start line, Call-ID and CSeq, and masked.
 *
 * Recording never throws into the transport that reports: a failure is dropped silently, as a
 * trace must never break the protocol it watches.
 */
import type { TraceEntry, TraceFilter, TraceSummary } from '../../shared/domain';
import type { TraceRecord, TraceSink } from '../trace';
import { describe, type Described } from './describe';
import { maskMessage } from './mask';

export interface TraceRecorderOptions {
  maxEntries?: number;
  maxBytes?: number;
  maxEntryBytes?: number;
  now?: () => number;
}

export const DEFAULT_TRACE_LIMITS = { maxEntries: 2000, maxBytes: 8 * 1024 * 1024, maxEntryBytes: 64 * 1024 } as const;

const ARROW = { out: '→', in: '←' } as const;

/** An entry as kept: `text` is raw until `masked`, and described on first need. */
interface Kept {
  id: number;
  at: number;
  protocol: TraceRecord['protocol'];
  direction: TraceRecord['direction'];
  peer: string;
  operation?: string;
  text: string;
  masked: boolean;
  bytes: number;
  described?: Described;
}

export class TraceRecorder implements TraceSink {
  private readonly entries: Kept[] = [];
  /** Index of the oldest entry in `entries` (removing from the front of an array is O(n)). */
  private head = 0;
  private bytes = 0;
  private nextId = 1;
  private readonly secrets = new Set<string>();
  private readonly listeners = new Set<(entry: TraceSummary) => void>();
  readonly limits: { maxEntries: number; maxBytes: number; maxEntryBytes: number };
  private readonly now: () => number;

  constructor(options: TraceRecorderOptions = {}) {
    this.limits = {
      maxEntries: options.maxEntries ?? DEFAULT_TRACE_LIMITS.maxEntries,
      maxBytes: options.maxBytes ?? DEFAULT_TRACE_LIMITS.maxBytes,
      maxEntryBytes: options.maxEntryBytes ?? DEFAULT_TRACE_LIMITS.maxEntryBytes,
    };
    this.now = options.now ?? Date.now;
  }

  /** Secrets to mask wherever they appear verbatim (the signed-in user's password). */
  addSecret(secret: string): void {
    if (secret) this.secrets.add(secret);
  }

  /** Forgets the known secrets (on sign-out); entries already kept are masked with them first. */
  clearSecrets(): void {
    if (this.secrets.size > 0) for (let i = this.head; i < this.entries.length; i++) this.masked(this.entries[i]);
    this.secrets.clear();
  }

  record(record: TraceRecord): void {
    try {
      this.keep(record);
    } catch {
      // A trace must never break the protocol it watches.
    }
  }

  private keep(record: TraceRecord): void {
    let text = String(record.raw ?? '');
    let masked = record.protocol !== 'sip';
    if (masked) text = maskMessage(record.protocol, text, this.secrets);
    let bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.limits.maxEntryBytes) {
      if (!masked) text = maskMessage(record.protocol, text, this.secrets);
      masked = true;
      const size = Buffer.byteLength(text, 'utf8');
      const kept = Buffer.from(text, 'utf8').subarray(0, this.limits.maxEntryBytes).toString('utf8');
      text = `${kept}\n… (${size - Buffer.byteLength(kept, 'utf8')} more bytes not kept)`;
      bytes = Buffer.byteLength(text, 'utf8');
    }
    const entry: Kept = {
      id: this.nextId++,
      at: record.at ?? this.now(),
      protocol: record.protocol,
      direction: record.direction,
      peer: record.peer,
      ...(record.operation && record.protocol !== 'sip' ? { operation: record.operation } : {}),
      text,
      masked,
      bytes,
    };
    this.entries.push(entry);
    this.bytes += bytes;
    while (this.entries.length - this.head > this.limits.maxEntries || (this.bytes > this.limits.maxBytes && this.entries.length - this.head > 1)) {
      this.bytes -= this.entries[this.head].bytes;
      this.entries[this.head++] = undefined as unknown as Kept;
    }
    // Compact now and then: the dropped slots at the front are reclaimed in one copy.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    if (this.listeners.size === 0) return;
    const summary = this.summary(entry);
    for (const listener of this.listeners) listener(summary);
  }

  /** The entry's text masked (once: the masked text then replaces the raw one). */
  private masked(entry: Kept): string {
    if (!entry.masked) {
      const text = maskMessage(entry.protocol, entry.text, this.secrets);
      this.bytes += Buffer.byteLength(text, 'utf8') - entry.bytes;
      entry.bytes = Buffer.byteLength(text, 'utf8');
      entry.text = text;
      entry.masked = true;
      entry.described = undefined;
    }
    return entry.text;
  }

  /**
   * What the list shows of an entry. Read from the raw text while it is raw (a start line,
   * Call-ID and CSeq carry no digest or secret element), with the known secrets masked in it.
   */
  private described(entry: Kept): Described {
    if (!entry.described) {
      const described = describe(entry, entry.text);
      entry.described = entry.masked || this.secrets.size === 0 ? described : maskFields(described, entry.protocol, this.secrets);
    }
    return entry.described;
  }

  private summary(entry: Kept): TraceSummary {
    return {
      id: entry.id,
      at: entry.at,
      protocol: entry.protocol,
      direction: entry.direction,
      peer: entry.peer,
      ...this.described(entry),
      ...(entry.operation ? { operation: entry.operation } : {}),
      bytes: entry.bytes,
    };
  }

  /** Called with the summary of every new entry; returns the unsubscribe function. */
  onEntry(listener: (entry: TraceSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.length - this.head, bytes: this.bytes };
  }

  /** The entries a filter chooses, oldest first; a text filter masks what it searches. */
  private select(filter: TraceFilter = {}): Kept[] {
    const text = filter.text?.trim().toLowerCase();
    const callId = filter.callId?.trim();
    const out: Kept[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (filter.protocol && e.protocol !== filter.protocol) continue;
      if (callId && this.described(e).callId !== callId) continue;
      if (text && !this.described(e).summary.toLowerCase().includes(text) && !this.masked(e).toLowerCase().includes(text)) continue;
      out.push(e);
    }
    const limit = filter.limit && filter.limit > 0 ? Math.floor(filter.limit) : undefined;
    return limit ? out.slice(-limit) : out;
  }

  /** Entries for the list (no message text), oldest first. */
  list(filter?: TraceFilter): TraceSummary[] {
    return this.select(filter).map((e) => this.summary(e));
  }

  /** One entry with its whole masked message, if it is still kept. */
  get(id: number): TraceEntry | undefined {
    const entry = this.find(id);
    if (!entry) return undefined;
    const text = this.masked(entry);
    return { ...this.summary(entry), text };
  }

  /** Ids increase along the buffer: a binary search finds one. */
  private find(id: number): Kept | undefined {
    let lo = this.head;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.entries[mid];
      if (e.id === id) return e;
      if (e.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  clear(): void {
    this.entries.length = 0;
    this.head = 0;
    this.bytes = 0;
  }

  /** A plain-text file for a help desk: a header, then each message with its line of facts. */
  exportText(filter: TraceFilter = {}, about: { product?: string; version?: string; account?: string } = {}): string {
    const chosen = this.select(filter);
    const lines = [
      `${about.product ?? 'Presence Desk'} ${about.version ?? ''} protocol trace`.replace(/\s+/g, ' ').trim(),
      `Exported ${new Date(this.now()).toISOString()}${about.account ? ` by ${about.account}` : ''}`,
      `${chosen.length} message(s)${describeFilter(filter)}; passwords, digest responses and session keys are masked as ${'********'}.`,
      'Instant message texts, addresses and presence notes are included as they were sent.',
      '',
    ];
    for (const e of chosen) {
      const text = this.masked(e);
      lines.push(
        `=== #${e.id} ${new Date(e.at).toISOString()} ${ARROW[e.direction]} ${e.direction === 'out' ? 'to' : 'from'} ${e.peer} [${e.protocol.toUpperCase()}] ${this.described(e).summary}`,
      );
      lines.push(text.replace(/\r\n/g, '\n').replace(/\n+$/, ''));
      lines.push('');
    }
    return lines.join('\n');
  }
}

/** A description read from raw text, with the known secrets masked in each of its strings. */
function maskFields(described: Described, protocol: string, secrets: Iterable<string>): Described {
  const out: Described = { ...described, summary: maskMessage(protocol, described.summary, secrets) };
  if (described.callId !== undefined) out.callId = maskMessage(protocol, described.callId, secrets);
  if (described.cseq !== undefined) out.cseq = maskMessage(protocol, described.cseq, secrets);
  if (described.method !== undefined) out.method = maskMessage(protocol, described.method, secrets);
  return out;
}

function describeFilter(filter: TraceFilter): string {
  const parts = [
    filter.protocol && `protocol ${filter.protocol}`,
    filter.callId && `Call-ID ${filter.callId}`,
    filter.text && `containing "${filter.text}"`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** A sink that labels everything it passes on as one protocol (WebDialer reuses the SOAP client). */
export function relabel(sink: TraceSink, protocol: TraceRecord['protocol']): TraceSink {
  return { record: (entry) => sink.record({ ...entry, protocol }) };
}
