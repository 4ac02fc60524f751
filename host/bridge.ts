/**
 * What both hosts (Electron main and the browser host) need to serve the contract:
 * dispatching one invoke to the backend with the channel allow-list, and turning any error
 * into the plain `{ code, message, detail }` shape that crosses the boundary.
 */
import type { AppError } from '../shared/domain';
import { checkInvokeArgs } from '../shared/ipc-guards';
import { isInvokeChannel, type DeskBackend, type InvokeChannel, type InvokeHandlers } from '../shared/ipc';
import { imTooLong } from '../shared/limits';
import { DeskError, errorForLog, toAppError } from '../core/errors';

/**
 * The error as the page may see it. An `internal` error reaches the user as words only; its
 * detail (message and stack, with file paths) goes to the log instead.
 */
export function serialiseError(error: unknown, log: (line: string) => void = (line) => console.error(line)): AppError {
  const app = toAppError(error);
  if (app.code === 'internal') log(`internal error: ${errorForLog(error)}`);
  return app;
}

/**
 * Runs an invoke from an untrusted page: unknown channels are refused, and the arguments are
 * checked against the channel's guard before the service sees them (refused with
 * `invalid-input`, naming the channel and the argument).
 */
export async function dispatchInvoke(backend: DeskBackend, channel: unknown, args: unknown): Promise<unknown> {
  if (!isInvokeChannel(channel)) throw Object.assign(new Error(`Unknown request "${String(channel).slice(0, 60)}".`), { code: 'invalid-input' });
  const checked = checkInvokeArgs(channel, args);
  // The size limit is measured on the text as typed, before any host's encoding, so Electron
  // and the browser host refuse exactly the same messages.
  if (channel === 'im:send' && typeof checked[1] === 'string') {
    const why = imTooLong(checked[1]);
    if (why) throw new DeskError('invalid-input', why);
  }
  const handler = backend.handlers[channel as InvokeChannel] as (...a: unknown[]) => unknown;
  return handler(...checked);
}

export type { InvokeHandlers };
