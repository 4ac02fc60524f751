/**
 * The one IPC contract between the renderer and its host (Electron main or the browser host).
 *
 * Every channel is listed here with its argument and result types; `invoke`, `handle` and
 * `on` are typed from these maps, so renaming a channel breaks the build rather than the app.
 * The channel name lists are also used at run time as allow-lists (preload and browser host
 * refuse anything else). The run-time guard of each channel's arguments sits beside this file in
 * `ipc-guards.ts`, which only the hosts load: the page and the preload never need the schema code.
 */
import type {
  ChatMessage,
  Contact,
  DialPlan,
  DialingRule,
  DirectoryPerson,
  DirectoryStatus,
  PhoneAction,
  PhoneChoice,
  PhoneState,
  RecentEntry,
  ComposingUpdate,
  ContactGroup,
  ContactChange,
  ConversationPage,
  HistoryImport,
  HistoryStatus,
  LiveConfigState,
  OpenRequest,
  HostInfo,
  OwnStatus,
  PageRequest,
  PresenceUpdate,
  SessionState,
  SignInRequest,
  Snapshot,
  TraceEntry,
  TraceFilter,
  TraceSummary,
  ExportedFile,
  HistoryHit,
  DesktopPrefs,
  LongTermStatus,
  PrivacyRuleChange,
  PrivacySettings,
  ServerCertificate,
  ServerPreference,
  ConnectionSettings,
  SipConnectionSettings,
  PhoneOptions,
  DeskPhonesStatus,
  PhoneRequest,
  PhoneRequestResult,
  WatcherAction,
  WatcherState,
  CmeSiteInfo,
} from './domain';

/** Renderer → host requests. `args` is a tuple, `result` what the promise resolves to. */
export interface InvokeChannels {
  'app:info': { args: []; result: HostInfo };
  'session:snapshot': { args: []; result: Snapshot };
  'session:sign-in': { args: [request: SignInRequest]; result: SessionState };
  'session:sign-out': { args: []; result: SessionState };
  'presence:set-own': { args: [status: OwnStatus]; result: OwnStatus };
  /** The user went idle or came back; the session decides what that does to the status. */
  'presence:idle': { args: [idle: boolean]; result: OwnStatus };
  'im:send': { args: [to: string, text: string]; result: ChatMessage };
  'im:retry': { args: [messageId: string]; result: ChatMessage };
  'im:composing': { args: [to: string, active: boolean]; result: void };
  'im:history': { args: [peer: string]; result: ChatMessage[] };
  /** One page of a conversation from the history: opening shows the latest, scrolling up asks for older ones. */
  'im:page': { args: [peer: string, page?: PageRequest]; result: ConversationPage };
  'dial:preview': { args: [number: string]; result: DialPlan };
  'dial:call': { args: [number: string]; result: RecentEntry };
  'recent:list': { args: []; result: RecentEntry[] };
  'contacts:add-group': { args: [name: string]; result: ContactChange[] };
  'contacts:rename-group': { args: [oldName: string, newName: string]; result: ContactChange[] };
  /** Returns the deleted group with its contacts, so the UI can offer Undo. */
  'contacts:delete-group': { args: [name: string]; result: ContactGroup };
  /** `who`: a persona id or SIP address. */
  'contacts:add': { args: [group: string, who: string, nickname?: string]; result: ContactChange[] };
  'contacts:rename': { args: [group: string, uri: string, nickname: string]; result: ContactChange[] };
  'contacts:move': { args: [fromGroup: string, uri: string, toGroup: string]; result: ContactChange[] };
  /** Returns the removed contact, so the UI can offer Undo. */
  'contacts:remove': { args: [group: string, uri: string]; result: Contact };
  /** Diagnostics: the kept protocol messages (masked), oldest first, without their text. */
  'diagnostics:list': { args: [filter?: TraceFilter]; result: TraceSummary[] };
  /** One message with its whole masked text; fails once it has left the ring buffer. */
  'diagnostics:get': { args: [id: number]; result: TraceEntry };
  /** A text file of the (filtered) trace for a help desk. */
  'diagnostics:export': { args: [filter?: TraceFilter]; result: ExportedFile };
  /**
   * The Diagnostics view opened (true) or closed (false): `diagnostics:entry` is sent only while
   * a view follows the trace, so a sign-in's thousands of messages are not each summarised and
   * sent to a page that shows none of them.
   */
  'diagnostics:follow': { args: [on: boolean]; result: null };
  /** Messages of all conversations containing the text, newest first. */
  'im:search': { args: [query: string]; result: HistoryHit[] };
  'im:export': { args: [peer: string, format: 'text' | 'json']; result: ExportedFile };
  'desktop:prefs': { args: []; result: DesktopPrefs };
  'desktop:set-prefs': { args: [prefs: Partial<DesktopPrefs>]; result: DesktopPrefs };
  /** Opens a conversation in its own window; false when the host has no windows of its own (the page opens a tab). */
  'window:open-conversation': { args: [peer: string]; result: boolean };
  /** Trust the certificate last refused for host:port (from a `tls` error), by its fingerprint. */
  'tls:trust': { args: [hostPort: string, fingerprint256: string]; result: ServerCertificate };
  /** Long-term status (publish/unpublish-pres-status; the note is kept in the user's config). */
  'longterm:get': { args: []; result: LongTermStatus | null };
  'longterm:set': { args: [status: LongTermStatus]; result: LongTermStatus };
  'longterm:clear': { args: []; result: null };
  /** Presence rules and their watcher lists (ACLs); each change returns the server's state. */
  'privacy:get': { args: []; result: PrivacySettings };
  /** Saves a rule; its reachability conditions are kept unless `clearReachability`. */
  'privacy:set-rule': { args: [rule: PrivacyRuleChange]; result: PrivacySettings };
  'privacy:delete-rule': { args: [name: string]; result: PrivacySettings };
  'privacy:add-watcher': { args: [rule: string, watcher: string]; result: PrivacySettings };
  'privacy:remove-watcher': { args: [rule: string, watcher: string]; result: PrivacySettings };
  'calendar:get': { args: []; result: boolean };
  'calendar:set': { args: [on: boolean]; result: boolean };
  /** Per-user preferences stored on the server (get/set-user-config). */
  'preferences:get': { args: []; result: ServerPreference[] };
  'preferences:set': { args: [preference: ServerPreference]; result: ServerPreference[] };
  /** SOAP limits (used from the next sign-in) and trusted certificates. */
  'connection:get': { args: []; result: ConnectionSettings };
  'connection:set': { args: [patch: { soapTimeoutSeconds?: number; soapMaxResponseMB?: number }]; result: ConnectionSettings };
  /** Stop trusting the certificate stored for host:port. */
  'tls:forget': { args: [hostPort: string]; result: ConnectionSettings };
  /** Search the corporate directory by name (for "Add contact"). */
  'directory:search': { args: [text: string]; result: DirectoryPerson[] };
  'directory:status': { args: []; result: DirectoryStatus };
  /** End the call placed last (WebDialer endCallSoap). */
  /** Ends a call: the one named (a call the CTI gateway reports), else the call in progress. */
  'dial:hang-up': { args: [callId?: string]; result: void };
  /** Answer, hold, take back or hang up a call on the user's phone through the CTI gateway. */
  'phone:control': { args: [action: PhoneAction, callId: string]; result: void };
  /** Make call, deflect, consultation, transfer, conference, alternate, reconnect, DTMF, forwarding, DND on the user's phone (CTI). */
  'phone:request': { args: [request: PhoneRequest]; result: PhoneRequestResult };
  /** Settings → Phone: CTI or WebDialer for calls, DND tied to the app's (an empty patch reads). */
  'phone:options': { args: [patch: Partial<PhoneOptions>]; result: PhoneOptions };
  /** The user's phones' registration (RisPort70 SelectCmDeviceExt): registered or not, since when, why. */
  'phone:devices-status': { args: []; result: DeskPhonesStatus };
  /** The user's phones and lines (WebDialer getProfileSoap) and the one calls use. */
  'dial:devices': { args: []; result: PhoneChoice };
  'dial:set-device': { args: [deviceName: string, lineNumber: string]; result: PhoneChoice };
  /** The server's dialing rules, both types, in the order they are tried. */
  'dial:rules': { args: []; result: DialingRule[] };
  /** What the directory-lookup rules (type 2) make of a number. */
  'dial:preview-directory': { args: [number: string]; result: DialPlan };
  /** Status notes used lately, newest first, to pick one again. */
  'presence:recent-notes': { args: []; result: string[] };
  /** SIP transport, trusted certificate for SIP over TLS and event-list presence (from the next sign-in). */
  'connection:sip': { args: []; result: SipConnectionSettings };
  /** `sipTrustedCertificate`: PEM text, '' to clear. Refused with words when a value is not usable. */
  'connection:set-sip': {
    args: [patch: { sipTransport?: string; sipTrustedCertificate?: string; presenceList?: string; xcapRoot?: string; dnsServers?: string }];
    result: SipConnectionSettings;
  };
  /** SIMPLE servers: who waits to see the user's presence, and the pres-rules (who may, who may not). */
  'watchers:get': { args: []; result: WatcherState };
  /** Writes `who` (an address or a domain) into pres-rules with `action`, or takes it out (`forget`); answers the pending request. */
  'watchers:decide': { args: [who: string, action: WatcherAction | 'forget']; result: WatcherState };
  /** How configuration changes reach the app, what the server offers now, the last changes. */
  'config:state': { args: []; result: LiveConfigState };
  /** The window regained focus: re-read the list and configuration when no change notifications arrive. */
  'config:resync': { args: []; result: LiveConfigState };
  /** The signed-in CME router's site configuration (Settings → Account); null for other servers. */
  'account:site': { args: []; result: CmeSiteInfo | null };
}

/** Host → renderer events with their payload. */
export interface EventChannels {
  'session:state': SessionState;
  /** The whole list: at sign-in and sign-out only. */
  'contacts:changed': ContactGroup[];
  /** What one edit, directory merge or rollback changed (never the whole list again). */
  'contacts:delta': ContactChange[];
  'presence:changed': PresenceUpdate[];
  'presence:own': OwnStatus;
  /** A new message, or a new delivery state of an existing one (same id). */
  'im:message': ChatMessage;
  'im:composing': ComposingUpdate;
  'recent:added': RecentEntry;
  /** The OS asked the app to open a tel:/sip:/im: address. */
  'app:open': OpenRequest;
  /** A protocol message was traced (already masked). */
  'diagnostics:entry': TraceSummary;
  /** The long-term status was set or cleared (null). */
  'longterm:changed': LongTermStatus | null;
  'directory:status': DirectoryStatus;
  /** The user's own phone changed: a call started, changed state or ended, or the CTI link did. */
  'phone:state': PhoneState;
  /** IM history became unwritable (incoming IMs are refused meanwhile), or writable again. */
  'im:history-status': HistoryStatus;
  /** Words for the user about the contact list (another device changed it while an edit was on its way). */
  'contacts:notice': string;
  /** SIMPLE servers: a watcher asked, or the pres-rules changed. */
  'watchers:changed': WatcherState;
  /** The configuration changed on the server, or how changes arrive did (UCCN or re-reading). */
  'config:state': LiveConfigState;
  /** The one-time import of an earlier version's history went on, or ended. */
  'im:history-import': HistoryImport;
  /** Desktop preferences were saved (language, mute…): every window applies them at once. */
  'desktop:prefs-changed': DesktopPrefs;
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;
export type InvokeArgs<C extends InvokeChannel> = InvokeChannels[C]['args'];
export type InvokeResult<C extends InvokeChannel> = InvokeChannels[C]['result'];

/** Run-time allow-lists, kept in step with the maps above by the `satisfies` checks. */
export const INVOKE_CHANNELS = [
  'app:info',
  'session:snapshot',
  'session:sign-in',
  'session:sign-out',
  'presence:set-own',
  'presence:idle',
  'im:send',
  'im:retry',
  'im:composing',
  'im:history',
  'im:page',
  'dial:preview',
  'dial:call',
  'recent:list',
  'contacts:add-group',
  'contacts:rename-group',
  'contacts:delete-group',
  'contacts:add',
  'contacts:rename',
  'contacts:move',
  'contacts:remove',
  'diagnostics:list',
  'diagnostics:get',
  'diagnostics:export',
  'diagnostics:follow',
  'im:search',
  'im:export',
  'desktop:prefs',
  'desktop:set-prefs',
  'window:open-conversation',
  'tls:trust',
  'longterm:get',
  'longterm:set',
  'longterm:clear',
  'privacy:get',
  'privacy:set-rule',
  'privacy:delete-rule',
  'privacy:add-watcher',
  'privacy:remove-watcher',
  'calendar:get',
  'calendar:set',
  'preferences:get',
  'preferences:set',
  'connection:get',
  'connection:set',
  'tls:forget',
  'directory:search',
  'directory:status',
  'dial:hang-up',
  'phone:control',
  'phone:request',
  'phone:options',
  'phone:devices-status',
  'dial:devices',
  'dial:set-device',
  'dial:rules',
  'dial:preview-directory',
  'presence:recent-notes',
  'connection:sip',
  'connection:set-sip',
  'watchers:get',
  'watchers:decide',
  'config:state',
  'config:resync',
  'account:site',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = [
  'session:state',
  'contacts:changed',
  'contacts:delta',
  'presence:changed',
  'presence:own',
  'im:message',
  'im:composing',
  'recent:added',
  'app:open',
  'diagnostics:entry',
  'longterm:changed',
  'directory:status',
  'phone:state',
  'im:history-status',
  'contacts:notice',
  'watchers:changed',
  'config:state',
  'im:history-import',
  'desktop:prefs-changed',
] as const satisfies readonly EventChannel[];

// Compile-time proof that the lists are complete: a channel missing from a list fails here.
type Missing<All, Listed> = Exclude<All, Listed>;
const _invokeComplete: Missing<InvokeChannel, (typeof INVOKE_CHANNELS)[number]> extends never ? true : never = true;
const _eventComplete: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> extends never ? true : never = true;
void _invokeComplete;
void _eventComplete;

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}

/** Host side: one handler per invoke channel. */
export type InvokeHandlers = {
  [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>;
};

/** What the renderer sees, whichever host it runs in (preload bridge or WebSocket client). */
export interface DeskApi {
  invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>>;
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void;
}

/**
 * Wire format of the browser host's WebSocket (and of nothing else).
 * Errors travel as `AppError`-shaped objects so the renderer can show the server's words.
 */
export type WireFromRenderer = { kind: 'invoke'; id: number; channel: InvokeChannel; args: unknown[] };
export type WireToRenderer =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: { code: string; message: string; detail?: string; certificate?: ServerCertificate } }
  | { kind: 'event'; event: EventChannel; payload: unknown };

/** Name under which the Electron preload exposes the `DeskApi`. */
export const PRELOAD_API_NAME = 'presenceDesk';

/**
 * What a host serves: the handlers for every invoke channel and a feed of events.
 * `core/desk-session.ts` implements it over the real protocols; tests may use a fake.
 */
export interface DeskBackend {
  readonly handlers: InvokeHandlers;
  /** Receive every event; returns the unsubscribe function. */
  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void;
}
