/**
 * The preload as shipped (dist/electron/preload.cjs), run as a sandboxed renderer would run it:
 * only `electron` (contextBridge, ipcRenderer) and the sandbox's few modules to require.
 * What reaches the page is the one typed, frozen API, never ipcRenderer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, PRELOAD_API_NAME, type DeskApi } from '../../../shared/ipc';
import { FakeRendererElectron, runPreload } from '../../support/fake-electron';

describe('the sandboxed preload', () => {
  let renderer: FakeRendererElectron;
  let api: DeskApi;

  beforeEach(() => {
    renderer = new FakeRendererElectron();
    runPreload(renderer);
    api = renderer.exposed.get(PRELOAD_API_NAME) as DeskApi;
  });

  it('exposes one frozen object with invoke and on, and nothing of ipcRenderer', () => {
    expect([...renderer.exposed.keys()]).toEqual([PRELOAD_API_NAME]);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.getPrototypeOf(api)).toBe(Object.prototype);
    for (const value of Object.values(api)) expect(value).not.toBe(renderer.ipcRenderer);
    // Nothing the page can reach returns the raw channel either.
    expect(api.on('session:state', () => undefined)).toBeTypeOf('function');
  });

  it('passes the contract’s requests through and unwraps the reply', async () => {
    renderer.reply = (channel, args) => ({ ok: true, value: { channel, args } });
    for (const channel of INVOKE_CHANNELS) {
      await expect(api.invoke(channel as 'app:info')).resolves.toEqual({ channel, args: [] });
    }
    await expect(api.invoke('im:send', 'sip:maria@lab.test', 'hi')).resolves.toEqual({ channel: 'im:send', args: ['sip:maria@lab.test', 'hi'] });
    expect(renderer.invoked).toHaveLength(INVOKE_CHANNELS.length + 1);
  });

  it('refuses any other channel without reaching the main process', async () => {
    for (const channel of ['electron-store-get-data', 'app:quit', '__proto__', 'constructor', '', 'session:state']) {
      await expect(api.invoke(channel as 'app:info')).rejects.toThrow(/Unknown request/);
    }
    expect(renderer.invoked).toHaveLength(0);
    for (const event of ['im:send', 'electron-store-get-data', '__proto__', ''])
      expect(() => api.on(event as 'session:state', () => undefined)).toThrow(/Unknown event/);
    expect(renderer.ipcRenderer.eventNames()).toEqual([]);
  });

  it('turns a refused request into an error that keeps the code and the server’s words', async () => {
    renderer.reply = () => ({ ok: false, error: { code: 'auth', message: 'The password is wrong.' } });
    const error = await api.invoke('session:snapshot').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'auth', message: 'The password is wrong.' });
  });

  it('delivers events to their listener without the IPC event, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.on('presence:own', (own) => seen.push(own));
    renderer.deliver('presence:own', { availability: 'busy', note: '' });
    renderer.deliver('session:state', { phase: 'signed-out' });
    expect(seen).toEqual([{ availability: 'busy', note: '' }]);
    off();
    renderer.deliver('presence:own', { availability: 'away', note: '' });
    expect(seen).toHaveLength(1);
    expect(renderer.ipcRenderer.listenerCount('presence:own')).toBe(0);
    // Every event of the contract can be listened to.
    for (const event of EVENT_CHANNELS) api.on(event, () => undefined)();
  });
});
