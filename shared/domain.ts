/**
 * Domain types shared by the core, the hosts and the renderer.
 *
 * Everything here is plain, serialisable data: it crosses the IPC boundary as JSON
 * (Electron structured clone or the browser host's WebSocket), so no classes, no
 * functions, no Dates (timestamps are epoch milliseconds).
 */

import type { LanguageChoice } from './languages';

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
  /** Offline: when the contact was last present, as their presence document says (epoch ms). */
  lastSeen?: number;
  /** The CIPID `icon` address the presence document names (RFC 4482); the core fetches it. */
  icon?: string;
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
  /** The same numbers with their labels and directory-lookup form, when the directory has them. */
  phones?: PhoneNumber[];
  /** From the corporate directory, when it has the person. */
  directoryName?: string;
  email?: string;
  title?: string;
  /** `data:` URL of the contact's photo (directory or presence icon; checked by the core). */
  photo?: string;
}

/** A contact group in the server's order. */
export interface ContactGroup {
  name: string;
  /** Server ordering key (CUPS `index`, floats allowed). */
  index: number;
  contacts: Contact[];
}

/**
 * One change to the contact list, as the renderer applies it in order (`shared/contact-changes.ts`).
 * The whole list travels only at sign-in and sign-out (`contacts:changed`); an edit, a directory
 * merge or a rollback travels as these. `position` is the place in the core's list (the
 * server's document order) once every earlier change is applied.
 */
export type ContactChange =
  | { kind: 'group-added'; group: ContactGroup; position: number }
  | { kind: 'group-changed'; name: string; group: { name: string; index: number } }
  | { kind: 'group-removed'; name: string }
  | { kind: 'contact-added'; group: string; contact: Contact; position: number }
  | { kind: 'contact-changed'; group: string; contact: Contact }
  | { kind: 'contact-removed'; group: string; uri: string }
  /** Kept for changes no smaller form describes (the server reordered the list): the whole list. */
  | { kind: 'reset'; groups: ContactGroup[] };

/**
 * Whether the IM history file can be written. While it cannot, incoming IMs are refused (the
 * sender sees the error) rather than acknowledged and lost, and the user is told which file.
 */
export type HistoryStatus = { state: 'ok' } | { state: 'failing'; file: string; error: string };

/** One page of a conversation, oldest message first; `more`: older messages are stored before it. */
export interface ConversationPage {
  messages: ChatMessage[];
  more: boolean;
}

/** Which page of a conversation: the latest `limit` messages, or the `limit` before the message `before` (an id). */
export interface PageRequest {
  before?: string;
  limit?: number;
}

/**
 * The one-time import of an earlier version's history file, which runs after sign-in in the
 * background: until it is `done`, conversations and searches say that older history is still
 * being imported. `stopped`: a write failed; the import resumes at the next sign-in.
 */
export interface HistoryImport {
  state: 'importing' | 'done' | 'stopped';
  /** Share of the file imported so far, 0–100. */
  percent: number;
  /** Messages imported so far. */
  messages: number;
  /** Why it stopped (state `stopped`). */
  error?: string;
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
export type { AppErrorCode } from './error-codes';
import type { AppErrorCode } from './error-codes';

export interface AppError {
  code: AppErrorCode;
  message: string;
  /** Extra detail for the log / diagnostics (host:port, status code, operation). */
  detail?: string;
  /** With `tls`: the certificate the server presented, so the user can decide to trust it. */
  certificate?: ServerCertificate;
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
  /** The SIP presence server in use, e.g. `TLS cups-b.example.com:5061 (backup)`. */
  presenceServer?: string;
  /** What `server` is (absent: CUPS, as before server types). */
  serverType?: ServerType;
  /**
   * The sign-in named no server type and the app found this one: by the address's `path`, by a
   * `probe` of the host, or `none` answered (a SIMPLE server, found through DNS).
   */
  detected?: { type: ServerType; by: 'path' | 'probe' | 'none' };
  /**
   * What the signed-in server offers of the features only some server types serve
   * (shared/capabilities.ts); absent: everything (a host that does not say).
   */
  features?: Feature[];
}

/** Features a server type may not serve; the renderer shows their views and menu entries only where offered. */
export type Feature = 'im' | 'contactEdits' | 'privacy' | 'calendar' | 'serverPreferences' | 'longTermStatus';

/** A feature the server's configuration or licences switch on or off; `reason` says why it is off. */
export interface FeatureState {
  available: boolean;
  reason?: string;
}

/** What the server offers this user now (licences, system configuration), kept current by UCCN. */
export interface ServerFeatures {
  im: FeatureState;
  audio: FeatureState;
  video: FeatureState;
  /** "Call voicemail": the pilot number (dialed through the dialing rules). */
  voicemail: FeatureState & { pilot?: string };
  /** The meeting action: the MeetingPlace server. */
  meeting: FeatureState & { server?: string };
}

/** How configuration changes reach the app (Diagnostics shows it) and what the server offers. */
/** Why configuration changes arrive as they do (LiveConfigState.reason as facts). */
export type LiveConfigCause =
  | { kind: 'signing-in' }
  | { kind: 'waiting'; event: string }
  | { kind: 'notified'; event: string }
  | { kind: 'turned-off'; seconds: number }
  /** The server refused or ended the subscription; `serverReason` in the server's words. */
  | { kind: 'refused'; serverReason?: string; seconds: number };

export interface LiveConfigState {
  /** `notified`: the server's change notifications (UCCN); `polling`: re-read on an interval and on focus; `off`: signed out. */
  mode: 'notified' | 'polling' | 'off';
  /** Why this mode, in words (English, for the log and the exported trace). */
  reason: string;
  /** The same reason as facts, for the views to word in the UI's language. */
  cause?: LiveConfigCause;
  features: ServerFeatures;
  /** The last changes applied, newest first, each a sentence. */
  changes: string[];
  /** Goes up each time the server says the privacy rules or their watchers changed (Settings → Privacy reads them again). */
  privacyVersion: number;
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
  signInDefaults: { server: string; user: string; serverType?: ServerType };
  /** Minutes without activity before the status goes to Away by itself (0 = never). */
  idleAwayMinutes: number;
  /** The user's own phone (CTI gateway). */
  phone: PhoneState;
  /** Whether IM history can be written (absent: nothing known yet). */
  history?: HistoryStatus;
  /** The one-time import of an earlier version's history, while it runs (absent: none running). */
  historyImport?: HistoryImport;
}

/**
 * The types of server the app signs in to: Cisco Unified Presence (SOAP + SIP), a Cisco Unified
 * CME router (its XML API), or any SIMPLE server (SIP + XCAP only). One list, so the settings,
 * the command line, the sign-in form and the guards accept the same names; a new type is one
 * more entry.
 */
export const SERVER_TYPES = ['cups', 'cme', 'simple'] as const;
export type ServerType = (typeof SERVER_TYPES)[number];
export const SERVER_TYPE_LABEL: Record<ServerType, string> = {
  cups: 'Cisco Unified Presence (CUPS)',
  cme: 'Cisco Unified CME (router)',
  simple: 'Any SIMPLE server (SIP only)',
};

/** A CME router's site configuration, as Settings → Account shows it (ISgetGlobal, ISgetPresenceGlobal, ISgetVoiceRegGlobal, ISgetSessionServer). */
export interface CmeSiteInfo {
  /** The router's host name and address (ISName, ISAddress). */
  name: string;
  address: string;
  /** CME version and mode (ITS, cme, SRST). */
  version: string;
  mode: string;
  /** SCCP phones registered / configured, extensions configured. */
  phones: string;
  /** The number plan in words: "72 extensions at most, 12 configured; voice mail 2999". */
  numberPlan: string;
  /** Whether the router's presence engine is on, and what that means for the app. */
  presence: string;
  /** The SIP registrar (ISgetVoiceRegGlobal), or why there is none. */
  sipRegistrar: string;
  sessionServers: string[];
  /** The router's SIP presence: in use (where, as whom), not used (why) or failed (why). */
  sipPresence?: string;
  /** What could not be read, in words. */
  problems: string[];
}

export interface SignInRequest {
  /** What the server is; absent: detected from the address (`/ios_xml_app/cme` means CME), else CUPS. */
  serverType?: ServerType;
  /**
   * CUPS: the server, a URL (`https://cups.example.com`) or a host[:port]; a CME router likewise.
   * SIMPLE: an outbound proxy (`host[:port]`), or '' to find the SIP server from the address's
   * domain through DNS.
   */
  server: string;
  /** CUPS and CME: the user name. SIMPLE: the SIP address (`alice@example.com`). */
  user: string;
  password: string;
  /** Take over a session another client holds ("sign in here instead"). */
  force?: boolean;
  /** Keep the password in the OS keychain (only where `HostInfo.canRememberPassword`); false forgets it. */
  remember?: boolean;
  /** CME: the router's SIP presence login when it differs from `user` (kept in the settings as `cmeSipUser`). */
  sipUser?: string;
  /** CME: the password of the router's SIP presence login when it differs from `password` (never stored). */
  sipPassword?: string;
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
  /** The host can keep the password encrypted by the OS (Electron safeStorage): offer "Remember me". */
  canRememberPassword?: boolean;
  /** The host watches the whole system's idle time for automatic Away (the page need not). */
  systemIdle?: boolean;
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
  /** One sentence for a tooltip: "will dial 90044… (rule 'International')" (the core's English, for logs). */
  explanation: string;
  /** Each transformation, in order, for the "why" view: facts the UI words in its language. */
  steps: DialStep[];
  /** Why nothing can be dialed, in the core's English (logs, thrown errors); `problem` holds the facts. */
  error?: string;
  problem?: DialProblem;
}

/** One transformation a dial plan made (`DialPlan.steps`). */
export type DialStep =
  | { kind: 'normalised'; input: string; number: string }
  | { kind: 'extension'; extension: string }
  | { kind: 'no-rule'; rules: 'application' | 'directory' }
  | { kind: 'removed'; digits: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'nothing-left' };

/** Why a number cannot be dialed (`DialPlan.problem`, `PhoneNumber.problem`). */
export type DialProblem = { kind: 'empty' } | { kind: 'not-a-number'; input: string } | { kind: 'too-long' } | { kind: 'nothing-left'; rule: string };

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

/** Protocol of a Diagnostics trace entry (the same names as `core/trace.ts`). */
export type TraceProtocolName = 'sip' | 'soap' | 'webdialer' | 'directory' | 'cti' | 'xcap';

/** One protocol message in the Diagnostics view, already masked (no secrets ever cross IPC). */
export interface TraceSummary {
  /** Increasing sequence number; stays valid until the entry leaves the ring buffer. */
  id: number;
  /** Epoch ms. */
  at: number;
  protocol: TraceProtocolName;
  direction: 'out' | 'in';
  peer: string;
  /** One line: `REGISTER sip:example.com`, `401 Unauthorized (REGISTER)`, `login`, `login ← HTTP 200`. */
  summary: string;
  /** SIP requests: the method; SIP responses: the CSeq method. */
  method?: string;
  /** SIP responses: the status code. */
  status?: number;
  callId?: string;
  cseq?: string;
  /** SOAP and WebDialer: the operation. */
  operation?: string;
  /** Size of the message as kept (after masking and truncation), in bytes. */
  bytes: number;
}

/** A trace entry with its whole (masked) message text. */
export interface TraceEntry extends TraceSummary {
  text: string;
}

/** Filters of the Diagnostics view; every field is optional and they combine with AND. */
export interface TraceFilter {
  protocol?: TraceProtocolName;
  /** Case-insensitive text anywhere in the masked message or its summary. */
  text?: string;
  callId?: string;
  /** At most this many entries, the newest ones (default: all kept). */
  limit?: number;
}

/**
 * A file the user asked to export. The browser host's renderer downloads `text` as
 * `fileName`; Electron main shows a save dialog and reports where it wrote (`savedTo`).
 */
export interface ExportedFile {
  fileName: string;
  mimeType: string;
  text: string;
  /** Set when the host saved the file itself (Electron); `text` is then empty. */
  savedTo?: string;
}

/** One match of an IM history search. */
export interface HistoryHit {
  /** The message; a very long text is cut to the part around the match (marked with …). */
  message: ChatMessage;
  /** Where the match starts in `message.text` (UTF-16 index) and how long it is. */
  start: number;
  length: number;
}

/** Desktop preferences the Electron shell applies (the browser host keeps them but ignores them). */
export interface DesktopPrefs {
  /** Start Presence Desk when the user logs in to the computer. */
  autoStart: boolean;
  /** Play a sound when an IM arrives and the window is not focused. */
  imSound: boolean;
  /** Conversations (peer SIP addresses) muted: no sound, notification or unread badge for them. */
  mutedConversations?: string[];
  /** The UI's language: a shipped one, or "system" (the default) for the system's. */
  language?: LanguageChoice;
}

/** A server's TLS certificate as shown to the user before they decide to trust it. */
export interface ServerCertificate {
  /** `host:port` the certificate was presented for; a trust decision applies to exactly this. */
  hostPort: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as browsers show it). */
  fingerprint256: string;
  subject: string;
  issuer: string;
  /** Validity, as the certificate states it (e.g. "Nov 25 02:00:00 2026 GMT"). */
  validFrom: string;
  validTo: string;
  /** Set when a certificate was trusted for this host:port before and this one differs. */
  changedFrom?: string;
}

/** A long-term status kept by the server until cleared ("On vacation until 3 Dec"). */
export interface LongTermStatus {
  note: string;
  /** Last day of the status, `YYYY-MM-DD`, if the user gave one. */
  until?: string;
}

/** What a presence rule lets the watchers on its list see. */
export type RuleVisibility = 'all' | 'reachability-only' | 'none';

/** One presence rule and the watchers (persona ids) it applies to. */
/** One `<pr:epas-status source status>` test inside a reachability condition. */
export interface ReachabilityStatusTest {
  source: string;
  status: string;
}

/**
 * A `<pr:when reachability-status>` condition: the watcher sees this reachability status when
 * every listed status test holds. `nested` counts the and/or/not groups the server holds in it,
 * which are kept as they are; `index` is its place in the server's list (absent when new).
 */
export interface ReachabilityWhen {
  reachabilityStatus: string;
  statuses: ReachabilityStatusTest[];
  nested?: number;
  index?: number;
}

/** A rule's reachability conditions as the Privacy view edits them (`<pr:reachability>`). */
export interface ReachabilityConditions {
  /** Sources named in `<pr:cond><pr:epas-reachability source>` ("cupc", "Cell Phone"). */
  sources: string[];
  when: ReachabilityWhen[];
}

export interface PrivacyRule {
  name: string;
  visibility: RuleVisibility | string;
  /** Presence sources hidden from these watchers ("Cell Phone", "cupc"). */
  excludedSources: string[];
  /** The rule's reachability conditions in words, when it has any (kept by every save unless cleared). */
  reachability?: string;
  /** The same conditions, editable; absent when the rule has none. */
  conditions?: ReachabilityConditions;
  watchers: string[];
}

/** A rule as the Privacy view saves it; conditions replace the rule's own, clearReachability removes them. */
export interface PrivacyRuleChange {
  name: string;
  visibility: string;
  excludedSources?: string[];
  conditions?: ReachabilityConditions;
  clearReachability?: boolean;
}

export interface PrivacySettings {
  /** The default visibility and policy the server reports for everyone not on a list. */
  visibility: string;
  privacyPolicy: string;
  rules: PrivacyRule[];
}

/** One per-user preference stored on the server (get/set-user-config). */
export interface ServerPreference {
  name: string;
  value: string;
  isPublic: boolean;
}

/** SOAP limits and trusted certificates, as the Connection settings show them. */
export interface ConnectionSettings {
  soapTimeoutSeconds: number;
  soapMaxResponseMB: number;
  trustedCertificates: Array<ServerCertificate & { trustedAt: number }>;
}

/** What kind of number a directory entry holds (from the `Directory.Map.*` field it came from). */
export type PhoneLabel = 'work' | 'mobile' | 'home' | 'pager' | 'other';

/** One phone number of a person, as the corporate directory has it. */
export interface PhoneNumber {
  label: PhoneLabel;
  /** As written in the directory ("+1 408 555 0101"); dial:preview/dial:call take this. */
  number: string;
  /**
   * The number after the server's directory-lookup rules (type 2): the form the phone system
   * uses for this person (e.g. the extension "0101"), used to recognise them in call lists.
   * Absent when the directory's text is not a phone number.
   */
  lookup?: string;
  /** The directory-lookup rule that produced `lookup`. */
  lookupRule?: string;
  /** Why the number cannot be dialed (the directory holds text that is not a number), in the core's English. */
  error?: string;
  /** The same as facts, for the UI's language. */
  problem?: DialProblem;
}

/** A person found in the corporate directory (LDAP), mapped through `Directory.Map.*`. */
export interface DirectoryPerson {
  /** The user id (`Directory.Map.UserID`, usually `uid`): what CUPS calls the persona id. */
  userId: string;
  displayName: string;
  email?: string;
  title?: string;
  /** `data:` URL of a JPEG, PNG, GIF or WebP photo (checked and size-capped by the core). */
  photo?: string;
  phones: PhoneNumber[];
}

/** Whether the directory could be read; shown in words, never blocks sign-in. */
export interface DirectoryStatus {
  state: 'not-configured' | 'looking-up' | 'ready' | 'error';
  /** The server in use or tried, `host:port`. */
  server?: string;
  /** What went wrong, in words (for `error`). */
  message?: string;
  /** How many buddy-list people were found (for `ready`). */
  found?: number;
}

/** A phone (device) the user may place calls from, with its lines (WebDialer getProfileSoap). */
export interface PhoneDevice {
  deviceName: string;
  lines: string[];
}

/** The user's phones and which device/line calls are placed from. */
export interface PhoneChoice {
  devices: PhoneDevice[];
  /** What calls use now (the saved choice, or the first device and line). */
  selected?: { deviceName: string; lineNumber: string };
  /** Why the list could not be read (no WebDialer, WebDialer refused…). */
  error?: string;
}

/**
 * One call on the user's own phone line, as the CTI gateway reports it (ECMA-323 events):
 * `dialing` (off hook / digits going out), `ringing` (an incoming call alerting), `talking`
 * (connected), `held` (on hold at this phone).
 */
export type PhoneCallState = 'dialing' | 'ringing' | 'talking' | 'held';

export interface PhoneCall {
  /** The switch's call id (CSTA `callID`). */
  id: string;
  state: PhoneCallState;
  /** The other party's number or address, as far as the switch says ('' when withheld). */
  peer: string;
  direction: 'in' | 'out';
  /** Epoch ms when the call reached its current state. */
  since: number;
}

/**
 * The user's own phone as far as it is known: the CTI gateway link and the calls on the
 * monitored line. `link` is `not-configured` when the server names no CTI gateway; the app
 * then does not claim to know whether the user is on the phone.
 *
 * ```
 *   not-configured            connecting ──monitor started──> monitoring
 *                                 ^  │ refused / lost              │ lost
 *                                 │  v                             v
 *                               reconnecting <─────────────────────┘
 * ```
 */
export interface PhoneState {
  link: 'not-configured' | 'connecting' | 'monitoring' | 'reconnecting';
  /** The line (directory number) monitored. */
  line?: string;
  /** The gateway in use, `host:port`. */
  gateway?: string;
  calls: PhoneCall[];
  /** Do not disturb set on the phone itself. */
  phoneDnd?: boolean;
  /** Where the phone forwards all calls, when it does. */
  forwardTo?: string;
  /** Why the link is not monitoring (refused, lost, not CSTA). */
  error?: string;
  /** The services the gateway offers (GetCSTAFeatures): only these are offered in the app. */
  services?: CstaService[];
  /** The phone system's state (RequestSystemStatus): `normal`, `disabled`, … */
  systemStatus?: string;
  /**
   * Whether the app can answer, hold and end these calls (absent: it can, through the CTI
   * gateway). A CME router's XML API shows a line's state only: false, and the other party is
   * not known.
   */
  controls?: boolean;
}

/**
 * The CTI gateway services of the CUPS guide, by their ECMA-323 feature names (what
 * GetCSTAFeatures lists).
 */
export const CSTA_SERVICES = [
  'makeCall',
  'answerCall',
  'clearConnection',
  'deflectCall',
  'holdCall',
  'retrieveCall',
  'consultationCall',
  'singleStepTransferCall',
  'transferCall',
  'conferenceCall',
  'alternateCall',
  'reconnectCall',
  'generateDigits',
  'setForwarding',
  'setDoNotDisturb',
  'getForwarding',
  'getDoNotDisturb',
  'requestSystemStatus',
  'getCSTAFeatures',
] as const;
export type CstaService = (typeof CSTA_SERVICES)[number];

/**
 * A request to the user's phone through the CTI gateway, beyond answer/hold/retrieve/clear.
 * Numbers are dialed as given (the dialing rules are applied before, by the caller); `to` of
 * a deflection may be `voicemail`.
 */
export type PhoneRequest =
  | { service: 'makeCall'; number: string }
  | { service: 'deflectCall'; callId: string; to: string }
  | { service: 'consultationCall'; callId: string; to: string }
  | { service: 'singleStepTransferCall'; callId: string; to: string }
  | { service: 'transferCall' | 'conferenceCall'; heldCallId: string; activeCallId: string }
  | { service: 'alternateCall' | 'reconnectCall'; activeCallId: string; heldCallId: string }
  | { service: 'generateDigits'; callId: string; digits: string }
  | { service: 'setForwarding'; to?: string }
  | { service: 'setDoNotDisturb'; on: boolean };

/**
 * One of the user's phones as RisPort70 (SelectCmDeviceExt) reports it: registered or not,
 * why not (the status reason in words), since when, its address and model.
 */
export interface DeskPhoneStatus {
  /** Device name (`SEP00AA00BB0000`). */
  name: string;
  registered: boolean;
  /** RisPort70's status: `Registered`, `UnRegistered`, `Rejected`, `PartiallyRegistered`, `Unknown`. */
  status: string;
  reasonCode?: number;
  /** The status reason in words ("keep-alive timeout"). */
  reason?: string;
  ipAddress?: string;
  model?: string;
  /** Epoch ms of the last change of status. */
  since?: number;
}

/** The user's phones' status (RisPort70), or why it is not known. */
export interface DeskPhonesStatus {
  devices: DeskPhoneStatus[];
  /** Epoch ms of the answer these come from. */
  checkedAt?: number;
  error?: string;
}

/** Settings → Phone: how calls are placed, and whether the phone's DND follows the app's. */
export interface PhoneOptions {
  callVia: 'cti' | 'webdialer';
  phoneDndFollowsStatus: boolean;
}

/** What a request made: the new call's id when it made one (make call, consultation, transfer, conference). */
export interface PhoneRequestResult {
  callId?: string;
}

/** What the app can ask the CTI gateway to do with a call on the user's line. */
export type PhoneAction = 'answer' | 'hold' | 'retrieve' | 'clear';
export const PHONE_ACTIONS: readonly PhoneAction[] = ['answer', 'hold', 'retrieve', 'clear'];

/** Whether the phone state means the user is on the phone (published as "On the phone"). */
export const isOnThePhone = (phone: PhoneState): boolean => phone.calls.some((c) => c.state !== 'ringing');

/**
 * One of the server's dialing rules (get-dialing-rules): type 1 application rules are applied
 * before dialing, type 2 directory-lookup rules to numbers from the directory. The engine that
 * applies them is `core/dialing/rules.ts`; Settings → Dialing rules lists them.
 */
export interface DialingRule {
  type: 1 | 2;
  name: string;
  description: string;
  priority: number;
  numberBeginsWith: string;
  numberOfDigits: number | null;
  digitsToBeRemoved: number;
  prefix: string;
}

/** A certificate trusted for SIP over TLS, as Settings → Connection shows it (never its PEM). */
export interface SipCertificateInfo {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

/** The SIP transports the user can choose; `auto` = what the server's configuration names (`Presence.Primary.Protocol`). */
export const SIP_TRANSPORT_CHOICES = ['auto', 'udp', 'tcp', 'tls'] as const;

/** The SIP side of Settings → Connection; every value is used from the next sign-in. */
export interface SipConnectionSettings {
  sipTransport: (typeof SIP_TRANSPORT_CHOICES)[number];
  /** The certificates in the `sipTrustedCertificate` setting (a private CA or the server's own). */
  sipCertificates: SipCertificateInfo[];
  /** '' = one subscription per contact; 'auto' = `sip:<user>-list@<domain>`; or a list URI. */
  presenceList: string;
  /** SIMPLE servers: the XCAP root URI ('' = found through DNS). */
  xcapRoot: string;
  /** SIMPLE servers: DNS servers asked instead of the system's (`host:port`, comma-separated; '' = the system's). */
  dnsServers: string;
}

/** SIMPLE servers: someone who asked to see the user's presence and waits for an answer (presence.winfo). */
export interface WatcherRequest {
  uri: string;
  /** The name the watcher gave, else the address's user part. */
  displayName: string;
  /** Epoch ms when first seen. */
  since: number;
}

/** What pres-rules (RFC 5025) does with a watcher: see the presence, be refused, or be told "offline" (polite block). */
export const WATCHER_ACTIONS = ['allow', 'block', 'polite-block'] as const;
export type WatcherAction = (typeof WATCHER_ACTIONS)[number];

/** One pres-rules entry: a SIP address (`sip:bob@example.com`) or a whole domain (`example.com`). */
export interface WatcherRule {
  who: string;
  action: WatcherAction;
}

/** Presence authorization on a SIMPLE server; `available` false with CUPS (its privacy rules are used instead). */
export interface WatcherState {
  available: boolean;
  pending: WatcherRequest[];
  rules: WatcherRule[];
}
