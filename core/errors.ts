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
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}), ...(this.certificate ? { certificate: this.certificate } : {}) };
  }
}


/** Any thrown value → AppError, keeping the words of typed protocol errors. */
export function toAppError(error: unknown): AppError {
  if (error && typeof error === 'object') {
    const e = error as { toAppError?: () => AppError; code?: unknown; message?: unknown; detail?: unknown };
    if (typeof e.toAppError === 'function') return e.toAppError();
    if (typeof e.code === 'string' && isAppErrorCode(e.code) && typeof e.message === 'string') {
      return { code: e.code, message: e.message, ...(typeof e.detail === 'string' ? { detail: e.detail } : {}) };
    }
    if (typeof e.message === 'string') return { code: 'internal', message: e.message };
  }
  return { code: 'internal', message: String(error) };
}

/** Throws the AppError shape as a DeskError (so stack traces and `instanceof` still work). */
export function asDeskError(error: unknown): DeskError {
  if (error instanceof DeskError) return error;
  const app = toAppError(error);
  return new DeskError(app.code, app.message, app.detail, app.certificate);
}
