import { describe, expect, it } from 'vitest';
import { SystemIdle } from '../../../core/system-idle';

describe('SystemIdle: automatic Away from the system idle time', () => {
  function rig(minutes = 5) {
    const state = { seconds: 0, minutes };
    const changes: boolean[] = [];
    const watcher = new SystemIdle({ idleSeconds: () => state.seconds, thresholdMinutes: () => state.minutes, onChange: (idle) => changes.push(idle) });
    return { state, changes, watcher };
  }

  it('reports going idle once at the threshold and coming back once', () => {
    const { state, changes, watcher } = rig(5);
    for (const seconds of [10, 120, 299]) {
      state.seconds = seconds;
      watcher.poll();
    }
    expect(changes).toEqual([]);
    state.seconds = 300;
    watcher.poll();
    state.seconds = 900;
    watcher.poll();
    expect(changes).toEqual([true]);
    expect(watcher.isIdle).toBe(true);
    state.seconds = 2; // input anywhere on the system, not only in our window
    watcher.poll();
    watcher.poll();
    expect(changes).toEqual([true, false]);
  });

  it('a threshold of 0 never goes idle, and a changed setting applies at the next poll', () => {
    const { state, changes, watcher } = rig(0);
    state.seconds = 100_000;
    watcher.poll();
    expect(changes).toEqual([]);
    state.minutes = 10;
    watcher.poll();
    expect(changes).toEqual([true]);
    state.minutes = 0; // turned off while idle: back to active
    watcher.poll();
    expect(changes).toEqual([true, false]);
  });
});
