import { describe, expect, it } from 'vitest';
import type { DeskApi, EventChannel } from '../../shared/ipc';
import { holdEarlyEvents } from '../../renderer/src/early-events';

/** A host whose events are raised by hand. */
function fakeApi() {
  const listeners = new Map<EventChannel, Set<(p: unknown) => void>>();
  const api: DeskApi = {
    invoke: () => Promise.reject(new Error('not used')),
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
  const emit = (event: EventChannel, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { api, emit, count: (event: EventChannel) => listeners.get(event)?.size ?? 0 };
}

describe('events held until the views subscribe', () => {
  it('hands a tel: request sent before the first render to every view that subscribes before release, once', () => {
    const host = fakeApi();
    const early = holdEarlyEvents(host.api, ['app:open']);
    host.emit('app:open', { kind: 'call', number: '+14085550101' });
    const calls: unknown[] = [];
    const chats: unknown[] = [];
    early.api.on('app:open', (p) => calls.push(p));
    early.api.on('app:open', (p) => chats.push(p));
    expect(calls).toEqual([{ kind: 'call', number: '+14085550101' }]);
    expect(chats).toEqual([{ kind: 'call', number: '+14085550101' }]);
    early.release();
    host.emit('app:open', { kind: 'chat', uri: 'sip:maria@lab' });
    expect(calls).toHaveLength(2);
    // The hold's own listener is gone: only the two views listen.
    expect(host.count('app:open')).toBe(2);
    const late: unknown[] = [];
    early.api.on('app:open', (p) => late.push(p));
    expect(late).toEqual([]);
  });

  it('leaves other channels alone', () => {
    const host = fakeApi();
    const early = holdEarlyEvents(host.api, ['app:open']);
    host.emit('presence:own', { availability: 'busy' });
    const seen: unknown[] = [];
    early.api.on('presence:own', (p) => seen.push(p));
    expect(seen).toEqual([]);
  });
});
