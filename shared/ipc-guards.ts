/**
 * Run-time guards for the IPC contract of `ipc.ts`, one per invoke channel: a zod schema of the
 * argument tuple. A page is not trusted to send what its types say, so both hosts check the
 * arguments before a service sees them (`checkInvokeArgs`), and services receive typed, checked
 * values. Each argument schema carries the argument's name, so a refusal can name it.
 * `_guardsMatchTypes` below proves at compile time that every guard accepts exactly the tuple
 * its channel's type in `ipc.ts` names. Kept apart from `ipc.ts` so that the renderer and the
 * sandboxed preload, which import the contract, do not bundle the schema library.
 */
import { z } from 'zod';
import { SERVER_TYPES, WATCHER_ACTIONS, type OwnAvailability, type PhoneAction, type PhoneRequest } from './domain';
import type { InvokeArgs, InvokeChannel } from './ipc';
import { LANGUAGE_CHOICES } from './languages';

const text = z.string();
const flag = z.boolean();
const OWN_AVAILABILITY = z.enum(['available', 'away', 'busy', 'dnd', 'invisible']) satisfies z.ZodType<OwnAvailability>;
const TRACE_FILTER = z.object({
  protocol: z.enum(['sip', 'soap', 'webdialer', 'directory', 'cti', 'xcap']).optional(),
  text: text.optional(),
  callId: text.optional(),
  limit: z.number().int().nonnegative().optional(),
});
const OWN_STATUS = z.object({ availability: OWN_AVAILABILITY, note: text });
const SIGN_IN = z.object({
  serverType: z.enum(SERVER_TYPES).optional(),
  server: text,
  user: text,
  password: text,
  force: flag.optional(),
  remember: flag.optional(),
});
const LONG_TERM = z.object({ note: text, until: text.optional() });
// Shapes and sizes only: the words for a bad source or status come from core (checkConditions).
const REACHABILITY_WHEN = z.object({
  reachabilityStatus: text,
  statuses: z.array(z.object({ source: text, status: text })).max(50),
  nested: z.number().int().nonnegative().optional(),
  index: z.number().int().nonnegative().optional(),
});
const REACHABILITY = z.object({ sources: z.array(text).max(50), when: z.array(REACHABILITY_WHEN).max(50) });
const PRIVACY_RULE = z.object({
  name: text,
  visibility: text,
  excludedSources: z.array(text).optional(),
  conditions: REACHABILITY.optional(),
  clearReachability: flag.optional(),
});
const PREFERENCE = z.object({ name: text, value: text, isPublic: flag });
const DESKTOP_PREFS = z.object({
  autoStart: flag.optional(),
  imSound: flag.optional(),
  mutedConversations: z.array(z.string().max(512)).max(1000).optional(),
  language: z.enum(LANGUAGE_CHOICES).optional(),
});
const SOAP_LIMITS = z.object({ soapTimeoutSeconds: z.number().finite().optional(), soapMaxResponseMB: z.number().finite().optional() });
const SIP_PATCH = z.object({
  sipTransport: text.optional(),
  sipTrustedCertificate: text.optional(),
  presenceList: text.optional(),
  xcapRoot: text.optional(),
  dnsServers: text.optional(),
});
/** At most 500 messages a page: a page is what a window shows, not the whole conversation. */
const PAGE_REQUEST = z.object({ before: text.optional(), limit: z.number().int().min(1).max(500).optional() });
const PHONE_ACTION = z.enum(['answer', 'hold', 'retrieve', 'clear']) satisfies z.ZodType<PhoneAction>;
const PHONE_REQUEST = z.discriminatedUnion('service', [
  z.object({ service: z.literal('makeCall'), number: text }),
  z.object({ service: z.enum(['deflectCall', 'consultationCall', 'singleStepTransferCall']), callId: text, to: text }),
  z.object({ service: z.enum(['transferCall', 'conferenceCall', 'alternateCall', 'reconnectCall']), heldCallId: text, activeCallId: text }),
  z.object({ service: z.literal('generateDigits'), callId: text, digits: text }),
  z.object({ service: z.literal('setForwarding'), to: text.optional() }),
  z.object({ service: z.literal('setDoNotDisturb'), on: flag }),
]) satisfies z.ZodType<PhoneRequest>;

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
  'im:page': z.tuple([arg('peer', text), arg('page', PAGE_REQUEST.optional())]),
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
  'diagnostics:follow': z.tuple([arg('on', z.boolean())]),
  'im:search': z.tuple([arg('query', text)]),
  'im:export': z.tuple([arg('peer', text), arg('format', z.enum(['text', 'json']))]),
  'desktop:prefs': none,
  'desktop:set-prefs': z.tuple([arg('prefs', DESKTOP_PREFS)]),
  'window:open-conversation': z.tuple([arg('peer', text)]),
  'tls:trust': z.tuple([arg('hostPort', text), arg('fingerprint256', text)]),
  'longterm:get': none,
  'longterm:set': z.tuple([arg('status', LONG_TERM)]),
  'longterm:clear': none,
  'watchers:get': none,
  'watchers:decide': z.tuple([arg('who', text), arg('action', z.enum([...WATCHER_ACTIONS, 'forget']))]),
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
  'phone:request': z.tuple([arg('request', PHONE_REQUEST)]),
  'phone:devices-status': none,
  'phone:options': z.tuple([arg('patch', z.object({ callVia: z.enum(['cti', 'webdialer']).optional(), phoneDndFollowsStatus: flag.optional() }))]),
  'dial:devices': none,
  'dial:set-device': z.tuple([arg('deviceName', text), arg('lineNumber', text)]),
  'dial:rules': none,
  'dial:preview-directory': z.tuple([arg('number', text)]),
  'presence:recent-notes': none,
  'config:state': none,
  'config:resync': none,
  'connection:sip': none,
  'connection:set-sip': z.tuple([arg('patch', SIP_PATCH)]),
  'account:site': none,
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
    throw new InvalidArgumentsError(
      `${channel} takes ${items.length === 0 ? 'no arguments' : `at most ${items.length} argument${items.length === 1 ? '' : 's'} (${items.map((i) => i.description).join(', ')})`}; ${list.length} were given.`,
    );
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
