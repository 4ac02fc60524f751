/** The typed error of the SIP engine: a user-facing message and the app's error code. */
import type { AppError, AppErrorCode } from '../../../shared/domain';

export class SipError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SipError';
  }
  toAppError(): AppError {
    return { code: this.code, message: this.message, ...(this.status ? { detail: `SIP ${this.status}` } : {}) };
  }
}
