/**
 * Timer functions the protocol state machines use, replaceable so tests can run the clock by
 * hand. The real ones never keep the process alive on their own (`unref`): a refresh or a
 * nonce's expiry is no reason for Node to stay up after everything else has stopped.
 */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface CoarseEntry {
  fn: () => void;
  slot: number;
}

/** The grain of `coarseTimers`: due times are rounded up to it. */
const GRAIN_MS = 100;

/**
 * Timers for the many long and imprecise waits of subscriptions (refreshes minutes away,
 * back-offs of seconds), on one Node timer: a sign-in of 5,000 contacts would otherwise set
 * and clear thousands of Node timers, each a list of its own. Due times are rounded up to
 * 100 ms, so a wait is never shorter than asked, and at most 100 ms longer. Slots are kept in
 * order; the one Node timer is set for the earliest.
 */
export class CoarseTimers implements Timers {
  private readonly slots = new Map<number, Set<CoarseEntry>>();
  /** Slot numbers, ascending. */
  private readonly order: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  set(fn: () => void, ms: number): unknown {
    const slot = Math.ceil((this.now() + Math.max(0, ms)) / GRAIN_MS);
    const entry: CoarseEntry = { fn, slot };
    let entries = this.slots.get(slot);
    if (!entries) {
      entries = new Set();
      this.slots.set(slot, entries);
      let lo = 0;
      let hi = this.order.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.order[mid] < slot) lo = mid + 1;
        else hi = mid;
      }
      this.order.splice(lo, 0, slot);
    }
    entries.add(entry);
    if (slot < this.armedFor) this.arm();
    return entry;
  }

  clear(handle: unknown): void {
    const entry = handle as CoarseEntry | undefined;
    if (entry) this.slots.get(entry.slot)?.delete(entry);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = this.order.length ? this.order[0] : Infinity;
    if (this.armedFor === Infinity) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.armedFor * GRAIN_MS - this.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    const due = this.now() / GRAIN_MS;
    let count = 0;
    while (count < this.order.length && this.order[count] <= due) count += 1;
    for (const slot of this.order.splice(0, count)) {
      const entries = this.slots.get(slot);
      this.slots.delete(slot);
      for (const entry of entries ?? []) {
        try {
          entry.fn();
        } catch (error) {
          // As from a Node timer: the error is not swallowed, and the other callbacks still run.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    this.arm();
  }
}

/** The process's one `CoarseTimers` (its Node timer never keeps the process alive). */
export const coarseTimers: Timers = new CoarseTimers();
