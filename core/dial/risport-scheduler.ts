/**
 * RisPortScheduler: every RisPort70 request of the app goes through here, so the document's
 * limits hold whatever asks:
 *
 * - requests per minute: RisPort accepts 18 a minute across all applications and is
 *   configured to 15 by default ("pace requests … approximately 15 per minute"): at most
 *   `perMinute` requests in any 60 s (a sliding window of the send times, not a per-minute
 *   counter that allows two bursts across a minute's edge); one request at a time;
 * - devices per request: at most `devicesPerRequest` (the document: 500 at a time gives
 *   complete results; the hard cap is 2,000 returned devices);
 * - StateInfo: each watched chunk is the identical query each time, with the StateInfo of its
 *   last answer, so an unchanged chunk costs RisPort a NoChange answer;
 * - a throttling fault ("Exceeded allowed rate") stops every request for a whole minute.
 *
 * The user's own phones go first and keep `reserved` requests of each minute for themselves,
 * so 5,000 contacts' phones never delay the check before a call by more than one request.
 *
 * ```
 *   queue (own first, then watched chunks, round robin) ──slot free?──> sending ──answer──> idle
 *        ^                                                     │ throttled: blocked 60 s
 *        └──── a chunk comes back after `refreshMs` ───────────┘
 * ```
 */
import type { DeskPhoneStatus } from '../../shared/domain';
import type { RisAnswer, RisQuery } from './risport';

export interface RisPortLimits {
  perMinute: number;
  devicesPerRequest: number;
  /** Requests of each minute kept for the user's own phones. */
  reserved: number;
  /** A watched chunk is asked again no sooner than this. */
  refreshMs: number;
  /** An own-phone answer younger than this is used again without asking. */
  ownMaxAgeMs: number;
}

export const RISPORT_LIMITS: RisPortLimits = { perMinute: 15, devicesPerRequest: 500, reserved: 3, refreshMs: 60_000, ownMaxAgeMs: 15_000 };
const WINDOW_MS = 60_000;

type Select = (query: RisQuery, stateInfo?: string) => Promise<RisAnswer>;

interface Job {
  query: RisQuery;
  own: boolean;
  stateInfo?: string;
  resolve: (answer: RisAnswer) => void;
  reject: (error: Error) => void;
}

interface Chunk {
  query: RisQuery;
  stateInfo?: string;
  /** Not before this time (epoch ms). */
  due: number;
  queued: boolean;
}

const throttled = (error: Error) => /exceeded|rate|throttl/i.test(error.message);

export class RisPortScheduler {
  private readonly limits: RisPortLimits;
  private readonly sent: number[] = [];
  private readonly ownJobs: Job[] = [];
  private chunks: Chunk[] = [];
  private next = 0;
  private onWatched: ((devices: DeskPhoneStatus[]) => void) | undefined;
  private busy = false;
  private blockedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private ownCache: { key: string; at: number; devices: DeskPhoneStatus[] } | undefined;
  private stopped = false;

  constructor(
    private readonly select: Select,
    limits: Partial<RisPortLimits> = {},
    private readonly now: () => number = Date.now,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.limits = { ...RISPORT_LIMITS, ...limits };
  }

  /** The answer `own(names)` would reuse now, if any. */
  cachedOwn(names: string[]): DeskPhoneStatus[] | undefined {
    const cached = this.ownCache;
    return cached && cached.key === [...names].sort().join(',') && this.now() - cached.at < this.limits.ownMaxAgeMs ? cached.devices : undefined;
  }

  /** The user's own phones, by device name: first in line; a recent answer is reused. */
  async own(names: string[], maxAgeMs = this.limits.ownMaxAgeMs): Promise<DeskPhoneStatus[]> {
    const key = [...names].sort().join(',');
    const cached = this.ownCache;
    if (cached && cached.key === key && this.now() - cached.at < maxAgeMs) return cached.devices;
    const devices: DeskPhoneStatus[] = [];
    for (let i = 0; i < names.length; i += this.limits.devicesPerRequest) {
      const query: RisQuery = { selectBy: 'Name', items: names.slice(i, i + this.limits.devicesPerRequest) };
      const answer = await new Promise<RisAnswer>((resolve, reject) => {
        this.ownJobs.push({ query, own: true, resolve, reject });
        this.pump();
      });
      devices.push(...answer.devices);
    }
    this.ownCache = { key, at: this.now(), devices };
    return devices;
  }

  /**
   * Watches phones (contacts'): split into requests of at most `devicesPerRequest`, asked in
   * turn at the pace the limits leave. `onDevices` receives each changed chunk's devices.
   */
  watch(query: RisQuery, onDevices: (devices: DeskPhoneStatus[]) => void): void {
    this.onWatched = onDevices;
    const size = this.limits.devicesPerRequest;
    const items = [...new Set(query.items)];
    this.chunks = [];
    for (let i = 0; i < items.length; i += size)
      this.chunks.push({ query: { selectBy: query.selectBy, items: items.slice(i, i + size) }, due: 0, queued: true });
    this.next = 0;
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const job of this.ownJobs.splice(0)) job.reject(new Error('RisPort checks stopped.'));
  }

  /** When the next request may go, by the sliding window and a throttling block (0: now). */
  private waitFor(own: boolean): number {
    const now = this.now();
    while (this.sent.length && this.sent[0] <= now - WINDOW_MS) this.sent.shift();
    const allowed = own ? this.limits.perMinute : this.limits.perMinute - this.limits.reserved;
    const windowWait = this.sent.length < allowed ? 0 : this.sent[this.sent.length - allowed] + WINDOW_MS - now;
    return Math.max(windowWait, this.blockedUntil - now, 0);
  }

  private nextChunk(): Chunk | undefined {
    const now = this.now();
    for (let k = 0; k < this.chunks.length; k++) {
      const chunk = this.chunks[(this.next + k) % this.chunks.length];
      if (chunk.due <= now) {
        this.next = (this.next + k + 1) % this.chunks.length;
        return chunk;
      }
    }
    return undefined;
  }

  private pump(): void {
    if (this.busy || this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const own = this.ownJobs.length > 0;
    const wait = this.waitFor(own);
    const soonestChunk = own ? 0 : Math.min(...this.chunks.map((c) => c.due - this.now()));
    if (!own && !this.chunks.length) return;
    const delay = Math.max(wait, own ? 0 : soonestChunk);
    if (delay > 0) {
      this.timer = setTimeout(() => this.pump(), delay);
      return;
    }
    if (own) return void this.send(this.ownJobs.shift()!);
    const chunk = this.nextChunk();
    if (!chunk) return;
    chunk.due = Number.POSITIVE_INFINITY; // in flight
    void this.send({
      query: chunk.query,
      own: false,
      ...(chunk.stateInfo ? { stateInfo: chunk.stateInfo } : {}),
      resolve: (answer) => {
        if (answer.stateInfo) chunk.stateInfo = answer.stateInfo;
        if (!answer.noChange) this.onWatched?.(answer.devices);
        chunk.due = this.now() + this.limits.refreshMs;
      },
      reject: () => (chunk.due = this.now() + this.limits.refreshMs),
    });
  }

  private async send(job: Job): Promise<void> {
    this.busy = true;
    this.sent.push(this.now());
    try {
      job.resolve(await this.select(job.query, job.stateInfo));
    } catch (error) {
      const e = error as Error;
      if (throttled(e)) {
        // RisPort counts every application's requests: wait out a whole window, then go on.
        this.blockedUntil = this.now() + WINDOW_MS;
        this.log(`risport: throttled (${e.message}); pausing for a minute`);
        if (job.own) this.ownJobs.unshift(job);
        else job.reject(e);
      } else {
        this.log(`risport: ${job.query.items.length} ${job.query.selectBy === 'Name' ? 'devices' : 'numbers'} not read: ${e.message}`);
        job.reject(e);
      }
    } finally {
      this.busy = false;
      this.pump();
    }
  }
}
