/**
 * TraceRecorder: the `TraceSink` behind the Diagnostics view and the help-desk export.
 *
 * Each message is masked (`mask.ts`) before anything else happens to it, then described for
 * the list and kept in a ring buffer bounded both by count and by bytes, so a chatty session
 * (RLS NOTIFYs of a thousand contacts) cannot grow memory without limit: the oldest entries go
 * first. A message bigger than `maxEntryBytes` is kept cut, with a note of what was left out.
 *
 * Recording never throws into the transport that reports: a failure is dropped silently, as a
 * trace must never break the protocol it watches.
 */
import type { TraceEntry, TraceFilter, TraceSummary } from '../../shared/domain';
import type { TraceRecord, TraceSink } from '../trace';
import { describe } from './describe';
import { maskMessage } from './mask';

export interface TraceRecorderOptions {
  maxEntries?: number;
  maxBytes?: number;
  maxEntryBytes?: number;
  now?: () => number;
}

export const DEFAULT_TRACE_LIMITS = { maxEntries: 2000, maxBytes: 8 * 1024 * 1024, maxEntryBytes: 64 * 1024 } as const;

const ARROW = { out: '→', in: '←' } as const;

export class TraceRecorder implements TraceSink {
  private readonly entries: TraceEntry[] = [];
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

  /** Forgets the known secrets (on sign-out); entries already kept stay masked. */
  clearSecrets(): void {
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
    let text = maskMessage(record.protocol, String(record.raw ?? ''), this.secrets);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > this.limits.maxEntryBytes) {
      // Cut after masking, so a cut can never leave half a secret element unmasked.
      const kept = Buffer.from(text, 'utf8').subarray(0, this.limits.maxEntryBytes).toString('utf8');
      text = `${kept}\n… (${size - Buffer.byteLength(kept, 'utf8')} more bytes not kept)`;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    const entry: TraceEntry = {
      id: this.nextId++,
      at: record.at ?? this.now(),
      protocol: record.protocol,
      direction: record.direction,
      peer: record.peer,
      ...describe(record, text),
      ...(record.operation && record.protocol !== 'sip' ? { operation: record.operation } : {}),
      bytes,
      text,
    };
    this.entries.push(entry);
    this.bytes += bytes;
    while (this.entries.length > this.limits.maxEntries || (this.bytes > this.limits.maxBytes && this.entries.length > 1)) {
      this.bytes -= this.entries.shift()!.bytes;
    }
    const summary = summaryOf(entry);
    for (const listener of this.listeners) listener(summary);
  }

  /** Called with the summary of every new entry; returns the unsubscribe function. */
  onEntry(listener: (entry: TraceSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.length, bytes: this.bytes };
  }

  private select(filter: TraceFilter = {}): TraceEntry[] {
    const text = filter.text?.trim().toLowerCase();
    const callId = filter.callId?.trim();
    const out = this.entries.filter(
      (e) =>
        (!filter.protocol || e.protocol === filter.protocol) &&
        (!callId || e.callId === callId) &&
        (!text || e.summary.toLowerCase().includes(text) || e.text.toLowerCase().includes(text)),
    );
    const limit = filter.limit && filter.limit > 0 ? Math.floor(filter.limit) : undefined;
    return limit ? out.slice(-limit) : out;
  }

  /** Entries for the list (no message text), oldest first. */
  list(filter?: TraceFilter): TraceSummary[] {
    return this.select(filter).map(summaryOf);
  }

  /** One entry with its whole masked message, if it is still kept. */
  get(id: number): TraceEntry | undefined {
    const entry = this.entries.find((e) => e.id === id);
    return entry && { ...entry };
  }

  clear(): void {
    this.entries.length = 0;
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
      lines.push(`=== #${e.id} ${new Date(e.at).toISOString()} ${ARROW[e.direction]} ${e.direction === 'out' ? 'to' : 'from'} ${e.peer} [${e.protocol.toUpperCase()}] ${e.summary}`);
      lines.push(e.text.replace(/\r\n/g, '\n').replace(/\n+$/, ''));
      lines.push('');
    }
    return lines.join('\n');
  }
}

function summaryOf(entry: TraceEntry): TraceSummary {
  const { text: _text, ...summary } = entry;
  return summary;
}

function describeFilter(filter: TraceFilter): string {
  const parts = [filter.protocol && `protocol ${filter.protocol}`, filter.callId && `Call-ID ${filter.callId}`, filter.text && `containing "${filter.text}"`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** A sink that labels everything it passes on as one protocol (WebDialer reuses the SOAP client). */
export function relabel(sink: TraceSink, protocol: TraceRecord['protocol']): TraceSink {
  return { record: (entry) => sink.record({ ...entry, protocol }) };
}
