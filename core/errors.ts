/**
 * The one error type that crosses from the core to a host. Protocol layers throw their own
 * typed errors (CupsError, SipError); `toAppError` turns anything into the user-facing shape.
 */
import type { AppError, AppErrorCode, ServerCertificate } from '../shared/domain';
import { isAppErrorCode } from '../shared/error-codes';

export class DeskError extends Error implements AppError {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly detail?: string,
    /** With `tls`: the certificate presented, for the "trust this certificate" choice. */
    readonly certificate?: ServerCertificate,
  ) {
    super(message);
    this.name = 'DeskError';
  }

  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.certificate ? { certificate: this.certificate } : {}),
    };
  }
}

/**
 * What the user reads for a fault of the app itself. The exception's own text (file paths,
 * property names, stack frames) means nothing to a user and tells an attacker where things
 * are: it goes to the log through `errorForLog`.
 */
export const INTERNAL_ERROR_MESSAGE = 'Presence Desk ran into an internal problem and could not do this. The details are in the log.';

/** Any thrown value → AppError, keeping the words of typed protocol errors; anything else is `internal`, in words. */
export function toAppError(error: unknown): AppError {
  if (error && typeof error === 'object') {
    const e = error as { toAppError?: () => AppError; code?: unknown; message?: unknown; detail?: unknown };
    if (typeof e.toAppError === 'function') return e.toAppError();
    if (typeof e.code === 'string' && isAppErrorCode(e.code) && e.code !== 'internal' && typeof e.message === 'string') {
      return { code: e.code, message: e.message, ...(typeof e.detail === 'string' ? { detail: e.detail } : {}) };
    }
  }
  return { code: 'internal', message: INTERNAL_ERROR_MESSAGE };
}

/** The full text of a thrown value for the log (never for the user): typed errors by their words, others with the stack. */
export function errorForLog(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error);
}

/** Throws the AppError shape as a DeskError (so stack traces and `instanceof` still work). */
export function asDeskError(error: unknown): DeskError {
  if (error instanceof DeskError) return error;
  const app = toAppError(error);
  return new DeskError(app.code, app.message, app.detail, app.certificate);
}

/** One log line for a failure: the code and the user's words, or the stack for an internal error. */
export function describeFailure(error: unknown): string {
  const app = toAppError(error);
  return `${app.code}: ${app.code === 'internal' ? errorForLog(error) : app.message}${app.detail ? ` (${app.detail})` : ''}`;
}
