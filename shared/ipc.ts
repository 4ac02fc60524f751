/**
 * The one IPC contract between the renderer and its host (Electron main or the browser host).
 *
 * Every channel is listed here with its argument and result types; `invoke`, `handle` and
 * `on` are typed from these maps, so renaming a channel breaks the build rather than the app.
 * The channel name lists are also used at run time as allow-lists (preload and browser host
 * refuse anything else), and `INVOKE_ARGUMENTS` holds a run-time guard for each channel's arguments.
 */
import { z } from 'zod';
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
  OpenRequest,
  HostInfo,
  OwnStatus,
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
  PrivacySettings,
  ServerCertificate,
  ServerPreference,
  ConnectionSettings,
  SipConnectionSettings,
  OwnAvailability,
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
  'dial:preview': { args: [number: string]; result: DialPlan };
  'dial:call': { args: [number: string]; result: RecentEntry };
  'recent:list': { args: []; result: RecentEntry[] };
  'contacts:add-group': { args: [name: string]; result: ContactGroup[] };
  'contacts:rename-group': { args: [oldName: string, newName: string]; result: ContactGroup[] };
  /** Returns the deleted group with its contacts, so the UI can offer Undo. */
  'contacts:delete-group': { args: [name: string]; result: ContactGroup };
  /** `who`: a persona id or SIP address. */
  'contacts:add': { args: [group: string, who: string, nickname?: string]; result: ContactGroup[] };
  'contacts:rename': { args: [group: string, uri: string, nickname: string]; result: ContactGroup[] };
  'contacts:move': { args: [fromGroup: string, uri: string, toGroup: string]; result: ContactGroup[] };
  /** Returns the removed contact, so the UI can offer Undo. */
  'contacts:remove': { args: [group: string, uri: string]; result: Contact };
  /** Diagnostics: the kept protocol messages (masked), oldest first, without their text. */
  'diagnostics:list': { args: [filter?: TraceFilter]; result: TraceSummary[] };
  /** One message with its whole masked text; fails once it has left the ring buffer. */
  'diagnostics:get': { args: [id: number]; result: TraceEntry };
  /** A text file of the (filtered) trace for a help desk. */
  'diagnostics:export': { args: [filter?: TraceFilter]; result: ExportedFile };
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
  'privacy:set-rule': { args: [rule: { name: string; visibility: string; excludedSources?: string[] }]; result: PrivacySettings };
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
  'connection:set-sip': { args: [patch: { sipTransport?: string; sipTrustedCertificate?: string; presenceList?: string }]; result: SipConnectionSettings };
}

/** Host → renderer events with their payload. */
export interface EventChannels {
  'session:state': SessionState;
  'contacts:changed': ContactGroup[];
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
  'dial:devices',
  'dial:set-device',
  'dial:rules',
  'dial:preview-directory',
  'presence:recent-notes',
  'connection:sip',
  'connection:set-sip',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = [
  'session:state',
  'contacts:changed',
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

/**
 * Run-time guards, one per invoke channel, beside the types above: a zod schema of the
 * argument tuple. A page is not trusted to send what its types say, so both hosts check the
 * arguments before a service sees them (`checkInvokeArgs`), and services receive typed, checked
 * values. Each argument schema carries the argument's name, so a refusal can name it.
 * `_guardsMatchTypes` below proves at compile time that every guard accepts exactly its tuple.
 */
const text = z.string();
const flag = z.boolean();
const OWN_AVAILABILITY = z.enum(['available', 'away', 'busy', 'dnd', 'invisible']) satisfies z.ZodType<OwnAvailability>;
const TRACE_FILTER = z.object({
  protocol: z.enum(['sip', 'soap', 'webdialer', 'directory', 'cti']).optional(),
  text: text.optional(),
  callId: text.optional(),
  limit: z.number().int().nonnegative().optional(),
});
const OWN_STATUS = z.object({ availability: OWN_AVAILABILITY, note: text });
const SIGN_IN = z.object({ server: text, user: text, password: text, force: flag.optional(), remember: flag.optional() });
const LONG_TERM = z.object({ note: text, until: text.optional() });
const PRIVACY_RULE = z.object({ name: text, visibility: text, excludedSources: z.array(text).optional() });
const PREFERENCE = z.object({ name: text, value: text, isPublic: flag });
const DESKTOP_PREFS = z.object({ autoStart: flag.optional(), imSound: flag.optional() });
const SOAP_LIMITS = z.object({ soapTimeoutSeconds: z.number().finite().optional(), soapMaxResponseMB: z.number().finite().optional() });
const SIP_PATCH = z.object({ sipTransport: text.optional(), sipTrustedCertificate: text.optional(), presenceList: text.optional() });
const PHONE_ACTION = z.enum(['answer', 'hold', 'retrieve', 'clear']) satisfies z.ZodType<PhoneAction>;

/** An argument with its name, as the refusal names it. */
function arg<T extends z.ZodType>(name: string, schema: T): T {
  return schema.describe(name);
}
const none = z.tuple([]);

export const INVOKE_ARGUMENTS = {
  'app:info': none,
  'session:snapshot': none,
  'session:sign-in': z.tuple([arg('request', SIGN_IN)]),
  'session:sign-out': none,
  'presence:set-own': z.tuple([arg('status', OWN_STATUS)]),
  'presence:idle': z.tuple([arg('idle', flag)]),
  'im:send': z.tuple([arg('to', text), arg('text', text)]),
  'im:retry': z.tuple([arg('messageId', text)]),
  'im:composing': z.tuple([arg('to', text), arg('active', flag)]),
  'im:history': z.tuple([arg('peer', text)]),
  'dial:preview': z.tuple([arg('number', text)]),
  'dial:call': z.tuple([arg('number', text)]),
  'recent:list': none,
  'contacts:add-group': z.tuple([arg('name', text)]),
  'contacts:rename-group': z.tuple([arg('oldName', text), arg('newName', text)]),
  'contacts:delete-group': z.tuple([arg('name', text)]),
  'contacts:add': z.tuple([arg('group', text), arg('who', text), arg('nickname', text.optional())]),
  'contacts:rename': z.tuple([arg('group', text), arg('uri', text), arg('nickname', text)]),
  'contacts:move': z.tuple([arg('fromGroup', text), arg('uri', text), arg('toGroup', text)]),
  'contacts:remove': z.tuple([arg('group', text), arg('uri', text)]),
  'diagnostics:list': z.tuple([arg('filter', TRACE_FILTER.optional())]),
  'diagnostics:get': z.tuple([arg('id', z.number().int())]),
  'diagnostics:export': z.tuple([arg('filter', TRACE_FILTER.optional())]),
  'im:search': z.tuple([arg('query', text)]),
  'im:export': z.tuple([arg('peer', text), arg('format', z.enum(['text', 'json']))]),
  'desktop:prefs': none,
  'desktop:set-prefs': z.tuple([arg('prefs', DESKTOP_PREFS)]),
  'window:open-conversation': z.tuple([arg('peer', text)]),
  'tls:trust': z.tuple([arg('hostPort', text), arg('fingerprint256', text)]),
  'longterm:get': none,
  'longterm:set': z.tuple([arg('status', LONG_TERM)]),
  'longterm:clear': none,
  'privacy:get': none,
  'privacy:set-rule': z.tuple([arg('rule', PRIVACY_RULE)]),
  'privacy:delete-rule': z.tuple([arg('name', text)]),
  'privacy:add-watcher': z.tuple([arg('rule', text), arg('watcher', text)]),
  'privacy:remove-watcher': z.tuple([arg('rule', text), arg('watcher', text)]),
  'calendar:get': none,
  'calendar:set': z.tuple([arg('on', flag)]),
  'preferences:get': none,
  'preferences:set': z.tuple([arg('preference', PREFERENCE)]),
  'connection:get': none,
  'connection:set': z.tuple([arg('patch', SOAP_LIMITS)]),
  'tls:forget': z.tuple([arg('hostPort', text)]),
  'directory:search': z.tuple([arg('text', text)]),
  'directory:status': none,
  'dial:hang-up': z.tuple([arg('callId', text.optional())]),
  'phone:control': z.tuple([arg('action', PHONE_ACTION), arg('callId', text)]),
  'dial:devices': none,
  'dial:set-device': z.tuple([arg('deviceName', text), arg('lineNumber', text)]),
  'dial:rules': none,
  'dial:preview-directory': z.tuple([arg('number', text)]),
  'presence:recent-notes': none,
  'connection:sip': none,
  'connection:set-sip': z.tuple([arg('patch', SIP_PATCH)]),
} satisfies { [C in InvokeChannel]: z.ZodType };

// Compile-time proof that each guard accepts exactly the arguments its channel's type names.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type GuardMismatch = { [C in InvokeChannel]: Same<z.output<(typeof INVOKE_ARGUMENTS)[C]>, InvokeArgs<C>> extends true ? never : C }[InvokeChannel];
const _guardsMatchTypes: GuardMismatch extends never ? true : never = true;
void _guardsMatchTypes;

/** A request refused at the boundary because of its arguments; `code` is the AppError code. */
export class InvalidArgumentsError extends Error {
  readonly code = 'invalid-input' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentsError';
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length > 40 ? 'a long text' : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

/**
 * The arguments of one invoke, checked against the channel's guard: the typed values, or an
 * `InvalidArgumentsError` naming the channel, the argument and what is wrong with it. Trailing
 * nulls are read as absent optional arguments (JSON turns an `undefined` argument into null).
 */
export function checkInvokeArgs<C extends InvokeChannel>(channel: C, args: unknown): InvokeArgs<C> {
  if (!Array.isArray(args)) throw new InvalidArgumentsError(`${channel}: the arguments must be a list.`);
  const list = [...args];
  while (list.length > 0 && (list[list.length - 1] === null || list[list.length - 1] === undefined)) list.pop();
  const guard = INVOKE_ARGUMENTS[channel] as z.ZodTuple;
  const parsed = guard.safeParse(list);
  if (parsed.success) return parsed.data as InvokeArgs<C>;
  const items = guard.def.items as z.ZodType[];
  const issue = parsed.error.issues[0]!;
  if (issue.path.length === 0 && list.length < items.length) {
    throw new InvalidArgumentsError(`${channel}: argument ${list.length + 1} (${items[list.length]!.description}) is missing.`);
  }
  if (issue.path.length === 0) {
    throw new InvalidArgumentsError(`${channel} takes ${items.length === 0 ? 'no arguments' : `at most ${items.length} argument${items.length === 1 ? '' : 's'} (${items.map((i) => i.description).join(', ')})`}; ${list.length} were given.`);
  }
  const [index, ...inner] = issue.path as Array<string | number>;
  const position = Number(index);
  const name = items[position]?.description ?? `argument ${position + 1}`;
  let value: unknown = list[position];
  for (const key of inner) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
  const where = inner.length > 0 ? `${name}.${inner.join('.')}` : name;
  const found = value === undefined ? 'it is missing' : `found ${describeValue(value)}`;
  throw new InvalidArgumentsError(`${channel}: argument ${position + 1} (${where}) is not valid: ${issue.message.replace(/^Invalid input: /, '')}; ${found}.`);
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
