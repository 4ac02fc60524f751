/**
 * The stable codes of errors that reach the user (`AppError.code`). Tests and UI logic use
 * them, so this list is the one definition: the type is derived from it and the core checks
 * thrown values against it at run time.
 */
export const APP_ERROR_CODES = [
  'auth', // wrong user name or password
  'already-signed-in', // another client holds the CUPS session; "sign in here instead" uses force
  'unreachable', // could not connect to host:port
  'timeout',
  'tls',
  'http',
  'soap-fault',
  'parse', // a response that is not the XML we can read
  'session-expired',
  'sip',
  'cti', // the CTI gateway refused or could not carry out a call control request
  'phone-unregistered', // RisPort70 says the desk phone calls are placed from is not registered: nothing was dialed
  'config', // the server's configuration lacks something we need (e.g. presence server)
  'history', // the IM history cannot be written (disk full, read-only): nothing is sent or acknowledged
  'invalid-input', // a request whose arguments are not what the channel takes, or a value the user can correct
  'internal',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && (APP_ERROR_CODES as readonly string[]).includes(value);
}
