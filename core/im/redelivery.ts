/**
 * Redelivery right after a reconnection. When the presence server restarts, everyone's
 * registration goes with it: we come back, and so do the people we write to, but not all at
 * the same moment. A message queued during the outage and flushed as soon as we are back can
 * meet "480 Temporarily Unavailable" (or 404) only because its recipient has not re-registered
 * yet. Within a short window after our own recovery such a message stays queued and is tried
 * again with a jittered back-off; outside that window a 480/404 means the person really is
 * offline, and the message is marked failed with the server's words (the user can retry).
 *
 * ```
 *   recovered() ──> window open (30 s) ── 480/404/408/503 ──> held: queued, flush again after
 *        │                                                     0.5 s, 1 s, 2 s … (max 8 s)
 *        └── window closed ── 480/404 ──> failed (with reason)
 * ```
 */
export interface RedeliveryOptions {
  windowMs?: number;
  baseMs?: number;
  maxMs?: number;
  now?: () => number;
  random?: () => number;
}

/** Statuses that mean "the recipient (or the route to them) is not back yet". */
const TRANSIENT = new Set([404, 408, 480, 503]);

export class RecoveryRedelivery {
  private recoveredAt = Number.NEGATIVE_INFINITY;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: RedeliveryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Our registration came back after a loss. */
  recovered(): void {
    this.recoveredAt = this.now();
    this.attempts = 0;
  }

  /** Whether a send that failed with `status` should stay queued for another try. */
  holds(status: number | undefined): boolean {
    return status !== undefined && TRANSIENT.has(status) && this.now() - this.recoveredAt < (this.options.windowMs ?? 30_000);
  }

  /** Runs `flush` once more after the next back-off step (one pending timer at most). */
  schedule(flush: () => void): number {
    if (this.timer) return 0;
    const base = this.options.baseMs ?? 500;
    const delay = Math.round(Math.min(this.options.maxMs ?? 8000, base * 2 ** this.attempts) * (0.75 + 0.5 * this.random()));
    this.attempts += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      flush();
    }, delay);
    this.timer.unref();
    return delay;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.recoveredAt = Number.NEGATIVE_INFINITY;
  }
}

/** The SIP status carried by a send error, if any. */
export function sipStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
