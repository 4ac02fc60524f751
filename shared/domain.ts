/**
 * Domain types shared by the core, the hosts and the renderer.
 *
 * Everything here is plain, serialisable data: it crosses the IPC boundary as JSON
 * (Electron structured clone or the browser host's WebSocket), so no classes, no
 * functions, no Dates (timestamps are epoch milliseconds).
 */

/** What a contact's presence is shown as. Composed from all of the contact's devices. */
export type Availability = 'available' | 'away' | 'busy' | 'dnd' | 'on-the-phone' | 'offline' | 'unknown';

/** What the user can choose for themself. `invisible` publishes "offline" to watchers. */
export type OwnAvailability = 'available' | 'away' | 'busy' | 'dnd' | 'invisible';

export const OWN_AVAILABILITIES: readonly OwnAvailability[] = ['available', 'away', 'busy', 'dnd', 'invisible'];

/** Human labels, used by the renderer and by log lines. */
export const AVAILABILITY_LABEL: Record<Availability | OwnAvailability, string> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  dnd: 'Do not disturb',
  'on-the-phone': 'On the phone',
  offline: 'Offline',
  invisible: 'Invisible',
  unknown: 'Unknown',
};

/** One device or client of a contact (a PIDF tuple), as far as it is known. */
export interface DevicePresence {
  /** PIDF tuple id. */
  id: string;
  availability: Availability;
  note: string;
  /** e.g. "cupc", "phone", the Cisco `source` extension when present. */
  source?: string;
}

/** A contact's composed presence. */
export interface Presence {
  availability: Availability;
  note: string;
  /** Epoch ms when this state was received. */
  updatedAt: number;
  devices: DevicePresence[];
}

/** The user's own status as chosen (by hand or automatically). */
export interface OwnStatus {
  availability: OwnAvailability;
  note: string;
}

/** A contact in the user's server-stored contact list. */
export interface Contact {
  /** The CUPS persona id (user id), unique within a group. */
  personaId: string;
  /** SIP address of record used for presence and IM, e.g. `sip:alice@example.com`. */
  uri: string;
  /** Nickname from the contact list; may be empty. */
  nickname: string;
  /** The best name to show: nickname, else directory name, else persona id. */
  displayName: string;
  /** Server ordering key (CUPS `index`, may be fractional or negative). */
  index: number;
  displayOnPhone: boolean;
  /** Phone numbers known for the contact (work, mobile...). */
  numbers: string[];
}

/** A contact group in the server's order. */
export interface ContactGroup {
  name: string;
  /** Server ordering key (CUPS `index`, floats allowed). */
  index: number;
  contacts: Contact[];
}

/**
 * Delivery state of an instant message. `stored`: the server accepted it for later delivery
 * (202, store-and-forward) because the recipient is not signed in.
 */
export type DeliveryState = 'queued' | 'sending' | 'sent' | 'stored' | 'failed' | 'received';

export interface ChatMessage {
  /** Stable id: local for outgoing, derived from Call-ID/CSeq for incoming. */
  id: string;
  /** The other party's SIP URI. */
  peer: string;
  direction: 'in' | 'out';
  /** Plain text. Never interpreted as HTML anywhere. */
  text: string;
  /** Epoch ms. */
  at: number;
  state: DeliveryState;
  /** Why a message failed, in words. */
  error?: string;
}

/**
 * Errors that reach the user. `code` is stable (tests and UI logic use it), `message` is
 * the words shown, preferably the server's own.
 */
export type AppErrorCode =
  | 'auth' // wrong user name or password
  | 'already-signed-in' // another client holds the CUPS session; "sign in here instead" uses force
  | 'unreachable' // could not connect to host:port
  | 'timeout'
  | 'tls'
  | 'http'
  | 'soap-fault'
  | 'parse' // a response that is not the XML we can read
  | 'session-expired'
  | 'sip'
  | 'config' // the server's configuration lacks something we need (e.g. presence server)
  | 'invalid-input'
  | 'internal';

export interface AppError {
  code: AppErrorCode;
  message: string;
  /** Extra detail for the log / diagnostics (host:port, status code, operation). */
  detail?: string;
}

/**
 * The session's connection phase.
 *
 * ```
 *   SignedOut ──signIn──> SigningIn ──ok──> SignedIn ──link lost──> Reconnecting
 *       ^                    │                 │  ^                      │
 *       └──────error─────────┘                 │  └──────recovered───────┘
 *       └──────────────signOut─────────────────┴─────────────────────────┘
 * ```
 */
export type SessionPhase = 'signed-out' | 'signing-in' | 'signed-in' | 'reconnecting';

export interface SessionState {
  phase: SessionPhase;
  /** The signed-in (or signing-in) account, e.g. `alice`. */
  user?: string;
  /** The user's own SIP URI when known. */
  uri?: string;
  /** The CUPS server URL or host. */
  server?: string;
  /** The last error, cleared on success. */
  error?: AppError;
  /** True when the lab (demo) server is in use. */
  demo?: boolean;
}

/** Everything the renderer needs to draw the first frame. */
export interface Snapshot {
  session: SessionState;
  own: OwnStatus;
  groups: ContactGroup[];
  /** Keyed by contact URI. */
  presence: Record<string, Presence>;
  /** Recent conversations, keyed by peer URI, oldest message first. */
  conversations: Record<string, ChatMessage[]>;
  /** Defaults for the sign-in form (from settings / command line). */
  signInDefaults: { server: string; user: string };
  /** Minutes without activity before the status goes to Away by itself (0 = never). */
  idleAwayMinutes: number;
}

export interface SignInRequest {
  /** CUPS server: a URL (`https://cups.example.com`) or a host[:port]. */
  server: string;
  user: string;
  password: string;
  /** Take over a session another client holds ("sign in here instead"). */
  force?: boolean;
}

export interface PresenceUpdate {
  uri: string;
  presence: Presence;
}

export interface ComposingUpdate {
  peer: string;
  active: boolean;
}

export interface HostInfo {
  host: 'electron' | 'browser';
  version: string;
}

/** What will be dialed for a number, and why (from the server's dialing rules). */
export interface DialPlan {
  input: string;
  /** The number after normalisation (no extension). */
  normalised: string;
  /** What is dialed; empty when `error` is set. */
  dial: string;
  extension?: string;
  rule?: { name: string; priority: number };
  /** One sentence for a tooltip: "will dial 90044… (rule 'International')". */
  explanation: string;
  /** Each transformation, in order, for the "why" view. */
  steps: string[];
  error?: string;
}

/** One entry of the Recent list: a call placed or an IM conversation. */
export interface RecentEntry {
  id: string;
  kind: 'call' | 'im';
  /** Epoch ms. */
  at: number;
  /** What the user clicked or typed, or the peer's URI for an IM. */
  target: string;
  /** For calls: what was dialed after the rules. */
  dialed?: string;
  rule?: string;
  /** Where it came from: this device, or the server's recent-communications list. */
  source: 'local' | 'server';
}

/**
 * Something the operating system asked the app to open (a `tel:` link clicked elsewhere, a
 * `sip:`/`im:` address): from the Electron protocol handlers or the browser host's start options.
 */
export type OpenRequest = { kind: 'call'; number: string } | { kind: 'chat'; uri: string };
