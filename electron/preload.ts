/**
 * The sandboxed preload: exposes one frozen DeskApi and nothing else. Channels are checked
 * against the contract's allow-lists; `on` returns its unsubscribe. No ipcRenderer reaches
 * the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, PRELOAD_API_NAME, type DeskApi, type EventChannel, type InvokeChannel } from '../shared/ipc';

const invokeAllowed = new Set<string>(INVOKE_CHANNELS);
const eventAllowed = new Set<string>(EVENT_CHANNELS);

const api: DeskApi = {
  invoke(channel: InvokeChannel, ...args: unknown[]) {
    if (!invokeAllowed.has(channel)) return Promise.reject(new Error(`Unknown request "${String(channel)}".`));
    // Errors come back as { ok: false, error } so their code and words survive the boundary.
    return ipcRenderer.invoke(channel, ...args).then((reply: { ok: boolean; value?: unknown; error?: { code: string; message: string } }) => {
      if (reply.ok) return reply.value;
      throw Object.assign(new Error(reply.error?.message ?? 'Failed.'), reply.error);
    }) as never;
  },
  on(event: EventChannel, listener: (payload: never) => void) {
    if (!eventAllowed.has(event)) throw new Error(`Unknown event "${String(event)}".`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld(PRELOAD_API_NAME, Object.freeze(api));
