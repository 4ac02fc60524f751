/**
 * The SIP account's state machine (one state, no flags beside it):
 *
 * ```
 *              start()                 200
 *   Idle ───────────────> Registering ───────> Registered <───── re-registered (here, or on the other ──────┐
 *   Stopped ──start()──┘      │                  │  │  ^          server after two failed attempts)        │
 *   Failed ───start()──┘      │ refused, or      │  │  └── registered on the primary (backup let go), ──┐  │
 *                             │ no server        │  │      or it failed and we stay on the backup       │  │
 *                             v answered         │  └── primary answers again ───────> MovingBack ──────┘  │
 *                           Failed               │                                                         │
 *                                                └── connection lost, or a refresh REGISTER ──> Reconnecting ┘
 *                                                    not renewed
 *
 *   any state but Stopping/Stopped ──stop()──> Stopping ──un-REGISTER answered, or a short wait──> Stopped
 * ```
 *
 * `RegistrationState` is what the rest of the app sees of it: moving back to the primary is
 * still "registered" (on the backup), stopping is already "unregistered".
 */
import type { SipServer } from './transport/transport-choice';

export enum AccountState {
  Idle = 'idle',
  Registering = 'registering',
  Registered = 'registered',
  Reconnecting = 'reconnecting',
  MovingBack = 'moving-back',
  Stopping = 'stopping',
  Stopped = 'stopped',
  Failed = 'failed',
}

/** The registration as the rest of the app sees it. */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export const REGISTRATION: Record<AccountState, RegistrationState> = {
  [AccountState.Idle]: 'unregistered',
  [AccountState.Registering]: 'registering',
  [AccountState.Registered]: 'registered',
  // Still registered on the backup while registering on the primary.
  [AccountState.MovingBack]: 'registered',
  [AccountState.Reconnecting]: 'reconnecting',
  [AccountState.Stopping]: 'unregistered',
  [AccountState.Stopped]: 'unregistered',
  [AccountState.Failed]: 'failed',
};

/** A registration is (again) in place on `server`; nothing published before can be assumed there. */
export interface Registered {
  server: SipServer;
  cause: 'signed-in' | 'reconnected' | 'moved';
}
