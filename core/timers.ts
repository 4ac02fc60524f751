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
