/**
 * The one-timer clock of the subscriptions' refreshes and back-offs: never early, at most one
 * grain (100 ms) late, in order, cleared entries never run, one Node timer whatever the count.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CoarseTimers } from '../../../core/timers';

let clock: CoarseTimers;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
  clock = new CoarseTimers(() => Date.now());
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('CoarseTimers', () => {
  it('runs each callback no earlier than asked and at most 100 ms later, in due order', () => {
    const ran: string[] = [];
    clock.set(() => ran.push('b'), 2_050);
    clock.set(() => ran.push('a'), 1_000);
    clock.set(() => ran.push('c'), 330_000);
    vi.advanceTimersByTime(999);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(101);
    expect(ran).toEqual(['a']);
    // 2,050 ms rounds up to the next grain: 2,100 ms.
    vi.advanceTimersByTime(949);
    expect(ran).toEqual(['a']);
    vi.advanceTimersByTime(51);
    expect(ran).toEqual(['a', 'b']);
    vi.advanceTimersByTime(330_000);
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('keeps one Node timer for thousands of waits and never runs a cleared one', () => {
    let count = 0;
    const handles = Array.from({ length: 5000 }, (_, i) => clock.set(() => (count += 1), 330_000 + i * 36));
    expect(vi.getTimerCount()).toBe(1);
    for (const handle of handles.slice(0, 2500)) clock.clear(handle);
    vi.advanceTimersByTime(600_000);
    expect(count).toBe(2500);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a callback may set another wait, and one that throws does not stop the others', () => {
    const ran: string[] = [];
    clock.set(() => {
      ran.push('first');
      clock.set(() => ran.push('again'), 0);
      throw new Error('listener failed');
    }, 500);
    clock.set(() => ran.push('second'), 500);
    // The error is thrown again on its own, as from a Node timer (caught here to look at it).
    const errors: unknown[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => {
      try {
        fn();
      } catch (error) {
        errors.push(error);
      }
    });
    vi.advanceTimersByTime(600);
    expect((errors[0] as Error).message).toBe('listener failed');
    expect(ran).toEqual(['first', 'second', 'again']);
  });
});
