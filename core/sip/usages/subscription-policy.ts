/**
 * The one refresh and back-off policy of every subscription (per contact and event list), and
 * the readers of the headers that steer it. The arithmetic:
 *
 * - refresh at a random point between 55 % and 85 % of the granted time (never later than 5 s
 *   before it ends when the interval allows), so 5,000 subscriptions granted at the same moment
 *   refresh spread over 30 % of the interval instead of in one burst;
 * - after a failure, subscribe again after `base · 2^(failures−1)` capped at `max`, jittered
 *   ±50 % (1 s … 5 min by default); the server's `Retry-After` wins, spread by up to +20 %.
 */

/** Parsed `Subscription-State` header (RFC 6665 §8.2.3). */
export interface SubscriptionStateHeader {
  state: string;
  expires?: number;
  reason?: string;
  retryAfter?: number;
}

export function parseSubscriptionState(value: string | undefined): SubscriptionStateHeader | undefined {
  if (!value) return undefined;
  const [head, ...params] = value.split(';');
  const state = head.trim().toLowerCase();
  if (!/^[a-z0-9-]+$/.test(state)) return undefined;
  const out: SubscriptionStateHeader = { state };
  for (const param of params) {
    const [rawName, rawValue = ''] = param.split('=');
    const name = rawName.trim().toLowerCase();
    const v = rawValue.trim().replace(/^"|"$/g, '');
    if (name === 'expires' && /^\d+$/.test(v)) out.expires = Number(v);
    else if (name === 'retry-after' && /^\d+$/.test(v)) out.retryAfter = Number(v);
    else if (name === 'reason' && v) out.reason = v.toLowerCase();
  }
  return out;
}

/** Seconds from a `Retry-After` header (`120 (lunch);duration=60` → 120), or undefined. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  const m = value ? /^\s*(\d+)/.exec(value) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * When to refresh a subscription granted for `seconds`: at a random point between 55 % and
 * 85 % of the interval (never later than 5 s before it ends when the interval allows), so
 * subscriptions granted together do not refresh together.
 */
export function refreshDelayMs(seconds: number, random: () => number): number {
  const fraction = 0.55 + 0.3 * random();
  const latest = seconds > 10 ? seconds * 1000 - 5000 : Infinity;
  return Math.round(Math.max(500, Math.min(seconds * 1000 * fraction, latest)));
}

export interface Backoff {
  /** First step in ms (default 1,000); doubles per failure up to `maxMs`. */
  baseMs?: number;
  /** Longest step in ms (default 5 minutes). */
  maxMs?: number;
}

/**
 * How long to wait before subscribing again after the `failures`-th failure in a row: the
 * server's Retry-After (seconds) when it gave one, else jittered exponential back-off.
 */
export function retryDelayMs(failures: number, retryAfterSeconds: number | undefined, random: () => number, backoff: Backoff = {}): number {
  const base = backoff.baseMs ?? 1000;
  const max = backoff.maxMs ?? 300_000;
  const delay =
    retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 * (1 + 0.2 * random()) : Math.min(max, base * 2 ** (failures - 1)) * (0.5 + random());
  return Math.round(delay);
}

/**
 * The account's reconnection back-off: quick at first (a restarted server is back within
 * seconds, and recovery is expected within 5 s), never more than 4 s apart.
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(4000, 250 * 2 ** attempt);
}

/** `terminated` reasons after which re-subscribing cannot help (RFC 6665 §4.2.2). */
export const FINAL_REASONS: ReadonlySet<string> = new Set(['rejected', 'noresource', 'invariant']);

/** Status codes after which re-subscribing to one presentity cannot help, with their meaning. */
export const FINAL_STATUS: Readonly<Record<number, string>> = {
  403: 'rejected',
  603: 'rejected',
  404: 'noresource',
  410: 'noresource',
  604: 'noresource',
  489: 'the server does not offer this event package',
  415: 'the server cannot send the accepted content types',
};
