/**
 * What both hosts (Electron main and the browser host) need to serve the contract:
 * dispatching one invoke to the backend with the channel allow-list, and turning any error
 * into the plain `{ code, message, detail }` shape that crosses the boundary.
 */
import type { AppError } from '../shared/domain';
import { checkInvokeArgs } from '../shared/ipc-guards';
import { isInvokeChannel, type DeskBackend, type InvokeChannel, type InvokeHandlers } from '../shared/ipc';
import { toAppError } from '../core/errors';

export function serialiseError(error: unknown): AppError {
  return toAppError(error);
}

/**
 * Runs an invoke from an untrusted page: unknown channels are refused, and the arguments are
 * checked against the channel's guard before the service sees them (refused with
 * `invalid-input`, naming the channel and the argument).
 */
export async function dispatchInvoke(backend: DeskBackend, channel: unknown, args: unknown): Promise<unknown> {
  if (!isInvokeChannel(channel)) throw Object.assign(new Error(`Unknown request "${String(channel).slice(0, 60)}".`), { code: 'invalid-input' });
  const checked = checkInvokeArgs(channel, args);
  const handler = backend.handlers[channel as InvokeChannel] as (...a: unknown[]) => unknown;
  return handler(...checked);
}

export type { InvokeHandlers };
