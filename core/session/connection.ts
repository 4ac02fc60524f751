/**
 * What the session hands its feature services: the signed-in connection (protocol objects
 * built at sign-in) and the context they report through. A service never keeps a connection
 * after `detach`; every callback checks it is still the current one.
 */
import type { EventChannel, EventChannels } from '../../shared/ipc';
import type { AllConfig, CupsGroup, CupsSession } from '../cups';
import type { CupsFeatureMethods } from '../cups/features';
import type { DialingRule } from '../dialing';
import { DeskError } from '../errors';
import type { SipAccount } from '../sip';
import type { MessageHistory } from '../store/history';
import type { SettingsStore } from '../store/settings';

/** What the session needs of a CUPS session (the real `CupsSession` fits). */
export type CupsLike = Pick<
  CupsSession,
  | 'login'
  | 'logout'
  | 'getAllConfig'
  | 'addRecentComm'
  | 'getRecentComm'
  | 'addGroups'
  | 'modifyGroups'
  | 'deleteGroups'
  | 'addContacts'
  | 'modifyContacts'
  | 'deleteContacts'
> &
  CupsFeatureMethods & {
    /** Changes of the contact list made elsewhere, or merged after an edit conflict (with words for the user). */
    onContactList?: (listener: (groups: CupsGroup[], notice?: string) => void) => () => void;
  };
/** What the session needs of a SIP account (the real `SipAccount` fits). */
export type SipLike = Pick<SipAccount, 'uri' | 'state' | 'start' | 'stop' | 'setPresence' | 'watch' | 'unwatch' | 'sendMessage' | 'sendComposing' | 'on'> &
  Partial<Pick<SipAccount, 'watchList' | 'watchEvent'>>;

export interface Connection {
  user: string;
  server: string;
  /** The presence domain (contacts' addresses are `sip:<persona-id>@<domain>`). */
  domain: string;
  cups: CupsLike;
  sip: SipLike;
  history: MessageHistory;
  config: AllConfig;
  dialingRules: DialingRule[];
  /** Listeners to remove at sign-out. */
  unsubscribe: Array<() => void>;
}

export interface SessionContext {
  /** The signed-in connection, or undefined. */
  connection(): Connection | undefined;
  /** Signed in and registered (not signing in, not reconnecting). */
  online(): boolean;
  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void;
  settings: SettingsStore;
  log(line: string): void;
}

export function requireConnection(context: SessionContext): Connection {
  const connection = context.connection();
  if (!connection) throw new DeskError('invalid-input', 'Sign in first.');
  return connection;
}
