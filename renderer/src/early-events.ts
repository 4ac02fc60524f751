import type { DeskApi, EventChannel, EventChannels } from '../../shared/ipc';

/**
 * Keeps events that arrive before the views subscribe: the page waits for its language before
 * the first render, and a request the host sends at once (a tel: link the app was started with,
 * `app:open`) would otherwise reach no one. Until `release()` (after the first render's effects),
 * every listener of a held channel is handed what came so far, then what comes next as usual.
 */
export function holdEarlyEvents(api: DeskApi, channels: readonly EventChannel[]): { api: DeskApi; release(): void } {
  const held = new Map<EventChannel, unknown[]>(channels.map((c) => [c, []]));
  const offs = channels.map((channel) => api.on(channel, (payload) => held.get(channel)?.push(payload)));
  let released = false;
  return {
    api: {
      invoke: (channel, ...args) => api.invoke(channel, ...args),
      on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void {
        const off = api.on(event, listener);
        if (!released) for (const payload of held.get(event) ?? []) listener(payload as EventChannels[E]);
        return off;
      },
    },
    release() {
      if (released) return;
      released = true;
      offs.forEach((off) => off());
      held.clear();
    },
  };
}
