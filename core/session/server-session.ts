/**
 * The app's sessions by server type behind one backend: DeskSession for Cisco Unified Presence
 * and any SIMPLE server (it picks their back end itself, sign-in-target.ts), CmeSession for a
 * Cisco Unified CME router. Each keeps its own state machine; this router only picks which one a
 * sign-in goes to and which one answers the renderer, so neither grows to know the other. A new
 * server type is one more `ServerSession` and one more entry in `sessionFor`.
 *
 * While a CME router is signed in, the channels only a presence server can answer (IM, the
 * server-stored contact list, privacy rules, long-term status …) are refused in words, or read
 * as empty where the renderer asks them on its own (history, long-term status), so nothing shows
 * an error the user did not cause.
 */
import { SERVER_TYPES, type ServerType, type SessionState, type SignInRequest } from '../../shared/domain';
import { INVOKE_CHANNELS, type DeskBackend, type EventChannel, type EventChannels, type InvokeChannel, type InvokeHandlers } from '../../shared/ipc';
import { CmeSession } from '../cme/session';
import { offState } from '../config-change/live-config';
import { serverTypeOf } from '../../shared/server-type';
import { DeskError } from '../errors';
import type { DeskSession } from './desk-session';
import { FEATURES, FEATURE_CHANNELS } from '../../shared/capabilities';
import { detectServerType, hostOf, type DetectOptions, type Detection } from './detect-server';

/** What every kind of session offers the router of sessions. */
export interface ServerSession {
  readonly handlers: Partial<InvokeHandlers>;
  readonly sessionState: SessionState;
  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void;
  signIn(request: SignInRequest): Promise<SessionState>;
  signOut(): Promise<SessionState>;
  close(): Promise<void>;
}

export { serverTypeOf };

/** Channels that need no signed-in server (the app's own, Diagnostics, connection limits, certificates). */
const SESSION_FREE = new Set<InvokeChannel>([
  'app:info',
  'diagnostics:list',
  'diagnostics:get',
  'diagnostics:export',
  'desktop:prefs',
  'desktop:set-prefs',
  'window:open-conversation',
  'tls:trust',
  'tls:forget',
  'diagnostics:follow',
  'connection:get',
  'connection:set',
  'connection:sip',
  'connection:set-sip',
]);

/** What a CME session answers, without a server, for what the renderer reads by itself. */
const CME_EMPTY: Partial<Record<InvokeChannel, unknown>> = {
  'im:history': [],
  'im:search': [],
  'im:page': { messages: [], more: false },
  'config:state': offState(),
  'config:resync': offState(),
  'longterm:get': null,
  'calendar:get': false,
  'preferences:get': [],
  'watchers:get': { available: false, pending: [], rules: [] },
};

const CME_REFUSAL: Partial<Record<InvokeChannel, string>> = {
  'im:send': 'Instant messages need a presence server; a Cisco Unified CME router has none.',
  'im:retry': 'Instant messages need a presence server; a Cisco Unified CME router has none.',
  'phone:control': 'Calls on a Cisco Unified CME phone are answered, held and ended at the phone: the router\u2019s XML API offers no call control.',
  'dial:hang-up': 'Calls on a Cisco Unified CME phone are ended at the phone: the router\u2019s XML API offers no call control.',
};

function refusal(channel: InvokeChannel): string {
  if (CME_REFUSAL[channel]) return CME_REFUSAL[channel]!;
  if (channel.startsWith('contacts:'))
    return 'A Cisco Unified CME router keeps no contact list to edit: your buddy list is your speed dials, set on the router.';
  return 'This is a Cisco Unified Presence feature; the Cisco Unified CME router you are signed in to does not offer it.';
}

/** Events of the host rather than of a server: passed on from whichever session raised them. */
const SHARED_EVENTS: ReadonlySet<EventChannel> = new Set(['diagnostics:entry', 'app:open', 'desktop:prefs-changed']);

export class ServerSessions implements DeskBackend {
  private active: ServerType;
  readonly handlers: InvokeHandlers;
  private readonly sessions: readonly ServerSession[];
  /** What the last sign-in that named no type found; cleared by one that names it. */
  private detected: Detection | undefined;

  constructor(
    readonly cups: DeskSession,
    readonly cme: CmeSession,
    initial: ServerType = 'cups',
    /** How a sign-in that names no server type probes the address (trust, time limit, log). */
    private readonly detect: Pick<DetectOptions, 'trust' | 'timeoutMs' | 'log'> = {},
  ) {
    this.sessions = [cups, cme];
    this.active = initial;
    const handlers: Partial<Record<InvokeChannel, (...args: unknown[]) => unknown>> = {};
    for (const channel of INVOKE_CHANNELS) handlers[channel] = (...args: unknown[]) => this.route(channel, args);
    handlers['session:sign-in'] = (request) => this.signIn(request as SignInRequest);
    handlers['session:snapshot'] = () => this.snapshot();
    this.handlers = handlers as InvokeHandlers;
  }

  get serverType(): ServerType {
    return this.active;
  }

  /** The session signed in (or last used). */
  get current(): ServerSession {
    return this.sessionFor(this.active);
  }

  private sessionFor(type: ServerType): ServerSession {
    return type === 'cme' ? this.cme : this.cups;
  }

  /**
   * Signs in with the type the request names, else the one the address names by its path or
   * answers as (detect-server.ts: a probe of the host within a short time limit; neither a CUPS
   * server nor a CME router: a SIMPLE server, the user name then taken at the address's host).
   */
  async signIn(request: SignInRequest): Promise<SessionState> {
    const asked = request.serverType && SERVER_TYPES.includes(request.serverType) ? request.serverType : undefined;
    this.detected = asked
      ? undefined
      : await detectServerType({
          server: request.server ?? '',
          user: request.user ?? '',
          password: request.password ?? '',
          fallback: this.active,
          ...this.detect,
        });
    const type = asked ?? this.detected!.type;
    const session = this.sessionFor(type);
    if (session !== this.current && this.current.sessionState.phase !== 'signed-out') await this.current.signOut();
    this.active = type;
    const simple = !asked && type === 'simple' && !(request.user ?? '').includes('@');
    const sent = simple ? { ...request, server: '', user: `${request.user?.trim() ?? ''}@${hostOf(request.server ?? '')}` } : request;
    return this.decorated(await session.signIn({ ...sent, serverType: type }));
  }

  /**
   * Every state the renderer sees says what the last sign-in found (when it found the type
   * itself) and which features the session in use offers: those whose channels it answers.
   */
  private decorated(state: SessionState): SessionState {
    const handlers = this.current.handlers as Record<string, unknown>;
    const features = FEATURES.filter((f) => FEATURE_CHANNELS[f].every((channel) => typeof handlers[channel] === 'function'));
    return { ...state, features, ...(this.detected ? { detected: this.detected } : {}) };
  }

  private snapshot(): unknown {
    const own = this.current.handlers['session:snapshot'] as (() => { session: SessionState }) | undefined;
    const snap = own?.() ?? (this.cups.handlers['session:snapshot'] as () => { session: SessionState })();
    return { ...snap, session: this.decorated(snap.session) };
  }

  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void {
    // Only the session in use speaks to the renderer; the protocol trace is shared, and what the
    // OS asked to open (a tel: link, handed to the CUPS session by the hosts) is for whichever is in use.
    const offs = this.sessions.map((session) =>
      session.subscribe((event, payload) => {
        if (event === 'session:state' && session === this.current) listener(event, this.decorated(payload as SessionState) as typeof payload);
        else if (session === this.current || SHARED_EVENTS.has(event)) listener(event, payload);
      }),
    );
    return () => offs.forEach((off) => off());
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.close().catch(() => undefined)));
  }

  private route(channel: InvokeChannel, args: unknown[]): unknown {
    const session = this.current;
    const own = session.handlers[channel] as ((...a: unknown[]) => unknown) | undefined;
    if (own) return own(...args);
    if (SESSION_FREE.has(channel)) return (this.cups.handlers[channel] as (...a: unknown[]) => unknown)(...args);
    if (channel in CME_EMPTY && CME_EMPTY[channel] !== undefined) return CME_EMPTY[channel];
    throw new DeskError('config', refusal(channel));
  }
}
