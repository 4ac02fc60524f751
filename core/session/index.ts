/**
 * # Session
 *
 * **Owns** the sign-in/sign-out state machine (`DeskSession`, drawn in desk-session.ts), the
 * building of the connection (CUPS login and configuration, the SIP account on the configured
 * presence server, the history file, the dialing rules) and its hand-over to the feature
 * services (core/contacts, core/presence, core/im, core/calls; they `attach` once registered,
 * `start` once signed in, `detach` at sign-out or a failed sign-in), the CUPS features and
 * connection settings slices (core/cups/features, core/settings), the protocol trace
 * (one `TraceRecorder` for the session's lifetime), the SIP registration's truth as the
 * session's phase (Reconnecting), and "Remember me".
 *
 * **Events:** `session:state`, `app:open`, `diagnostics:entry`, and `longterm:changed` on
 * behalf of CupsFeatures; the services' events go out through the same `subscribe`.
 *
 * **IPC slice:** `session:snapshot`, `session:sign-in`, `session:sign-out` and the app's own
 * channels (app-handlers.ts: `app:info`, `diagnostics:*`, `desktop:*`, `tls:trust`,
 * `window:open-conversation`); the handler map is the union of every service's slice.
 */
export { DeskSession } from './desk-session';
export type { DeskSessionOptions } from './options';
export type { Connection, CupsLike, SessionContext, SipLike } from './connection';
export { presenceBackup, presenceTarget, sipTrust } from './presence-server';
