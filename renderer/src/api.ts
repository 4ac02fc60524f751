/**
 * The renderer's one way to talk to its host: the Electron preload's API when present,
 * otherwise a WebSocket client of the browser host speaking the same contract.
 */
import {
  PRELOAD_API_NAME,
  type DeskApi,
  type EventChannel,
  type EventChannels,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
  type WireFromRenderer,
  type WireToRenderer,
} from '../../shared/ipc';
import type { AppError } from '../../shared/domain';
import { imTooLong, MAX_FRAME_BYTES, utf8Length } from '../../shared/limits';
import { formatNumber, i18n } from './i18n';

/** The host's frame limit in MB, in the UI's language ("4", "1,5"). */
const frameMegabytes = () => formatNumber(MAX_FRAME_BYTES / (1024 * 1024));

/** An invoke that failed: carries the AppError fields so the UI can show the server's words. */
export class InvokeError extends Error implements AppError {
  constructor(
    readonly code: AppError['code'],
    message: string,
    readonly detail?: string,
    /** With `tls`: the certificate presented, for the "trust this certificate" choice. */
    readonly certificate?: AppError['certificate'],
  ) {
    super(message);
  }
}

function socketApi(): DeskApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;

  const open = (): Promise<WebSocket> => {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${location.host}/ipc?token=${encodeURIComponent(token)}`);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new InvokeError('unreachable', i18n.t('session:host.unreachable')));
      ws.onclose = (event) => {
        socket = undefined;
        opened = undefined;
        // 1009: the host refused a frame larger than it reads (MAX_FRAME_BYTES) and closed.
        const error =
          event.code === 1009
            ? new InvokeError('invalid-input', i18n.t('session:host.frameRefused', { megabytes: frameMegabytes() }))
            : new InvokeError('unreachable', i18n.t('session:host.closed'));
        for (const p of pending.values()) p.reject(error);
        pending.clear();
        window.dispatchEvent(new CustomEvent('desk-host-closed'));
      };
      ws.onmessage = (event) => {
        let frame: WireToRenderer;
        try {
          frame = JSON.parse(String(event.data)) as WireToRenderer;
        } catch {
          return;
        }
        if (frame.kind === 'result') {
          const p = pending.get(frame.id);
          pending.delete(frame.id);
          if (!p) return;
          if (frame.ok) p.resolve(frame.value);
          else p.reject(new InvokeError(frame.error.code as AppError['code'], frame.error.message, frame.error.detail, frame.error.certificate));
        } else if (frame.kind === 'event') {
          for (const l of listeners.get(frame.event) ?? []) (l as (p: unknown) => void)(frame.payload);
        }
      };
    });
    return opened;
  };

  return {
    async invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>> {
      const ws = socket ?? (await open());
      const id = nextId++;
      const frame: WireFromRenderer = { kind: 'invoke', id, channel, args };
      const text = JSON.stringify(frame);
      // Refused here with words rather than by the host closing the connection.
      const tooLong = channel === 'im:send' && typeof args[1] === 'string' ? imTooLong(args[1]) : undefined;
      if (tooLong) throw new InvokeError('invalid-input', tooLong);
      if (utf8Length(text) > MAX_FRAME_BYTES) throw new InvokeError('invalid-input', i18n.t('session:host.tooLarge', { megabytes: frameMegabytes() }));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(text);
      });
    },
    on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void {
      void open().catch(() => undefined);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}

export function getApi(): DeskApi {
  const preload = (window as unknown as Record<string, DeskApi | undefined>)[PRELOAD_API_NAME];
  return preload ?? socketApi();
}

export function errorText(error: unknown): AppError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const e = error as AppError;
    return { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}), ...(e.certificate ? { certificate: e.certificate } : {}) };
  }
  return { code: 'internal', message: String((error as Error)?.message ?? error) };
}
