/**
 * One event-list subscription (RFC 4662) to the user's buddy list on a resource list server:
 * a single SUBSCRIBE to the list URI brings every member's presence in multipart/related
 * NOTIFYs (RLMI + one PIDF per member), instead of one subscription per contact.
 *
 * It is the per-contact machine of presence-subscription.ts (same refresh and back-off policy,
 * same `Timers`) with the list's headers and final answers; what it adds is reading the list
 * and deciding when the server has no list here:
 *
 * ```
 *   Idle ──start()──> Subscribing ──NOTIFY (Require: eventlist or multipart)──> Active
 *                        │   │                                                  │  │ refresh (machine's policy,
 *                        │   │ 404/405/415/420/421/489/501/604, a plain PIDF    │  │  keeps Accept and
 *                        │   │ NOTIFY, or terminated rejected|noresource        │  │  Supported: eventlist)
 *                        │   └──────────────────────────> Fallback (final)      │  v
 *                        │ other 3xx–6xx, Timer N,                              │ 481 on refresh, NOTIFY
 *                        │ terminated NOTIFY              Waiting <─────────────┘ terminated, Timer N
 *                        └──────────────────────────────> (jittered back-off) ──> Subscribing
 *   any ──stop()──> Stopped (un-SUBSCRIBE with Expires: 0 and Supported: eventlist)
 *   any ──dispose()──> Stopped (nothing sent: the connection is gone)
 * ```
 *
 * Every SUBSCRIBE of the dialog says `Supported: eventlist`: a refresh or un-SUBSCRIBE without
 * it reaches the presence server instead of the RLS and ends in 481.
 */
import type { UserAgent } from 'sip.js';
import { EventListError, EventListState, isEventListBody, type MemberChange } from './event-list';
import type { MultipartOptions } from '../codecs/multipart';
import type { RequestCredentials } from '../message/digest';
import type { Timers } from '../../timers';
import { PresenceSubscription, PresenceSubscriptionState as S, type SubscriptionNotify } from './presence-subscription';

export type ListSubscriptionState = 'idle' | 'subscribing' | 'active' | 'waiting' | 'fallback' | 'stopped';

export interface EventListSubscriptionOptions {
  listUri: string;
  /** Requested subscription duration in seconds (default 600). */
  expires?: number;
  /** Size limits for NOTIFY bodies. */
  limits?: MultipartOptions;
  log?: (line: string) => void;
  /** The account's digest cache: the SUBSCRIBE carries the answer to the last challenge. */
  credentials?: RequestCredentials;
  /** Timer functions (tests run the refresh and back-off clock by hand). */
  timers?: Timers;
  random?: () => number;
  /** Presence changes of members, exactly those a NOTIFY carried. */
  onChanges: (changes: MemberChange[]) => void;
  /** The server does not offer this list as an event list: watch members one by one instead. */
  onFallback: (reason: string) => void;
  /** State changes (for diagnostics and tests). */
  onState?: (state: ListSubscriptionState) => void;
}

/** Answers that say "this server has no event list here": no point in retrying. */
const NOT_A_LIST: Readonly<Record<number, string>> = Object.fromEntries([404, 405, 415, 420, 421, 489, 501, 604].map((code) => [code, 'no event list here']));
/** `terminated` reasons after which the list will not come back. */
const LIST_GONE: ReadonlySet<string> = new Set(['rejected', 'noresource']);
const ACCEPT = ['application/pidf+xml', 'application/rlmi+xml', 'multipart/related'];

/** The machine's states as the list reports them (a pending list is subscribed all the same). */
const LIST_STATE: Record<S, ListSubscriptionState> = {
  [S.Idle]: 'idle',
  [S.Subscribing]: 'subscribing',
  [S.Pending]: 'active',
  [S.Active]: 'active',
  [S.Refreshing]: 'active',
  [S.Waiting]: 'waiting',
  [S.Refused]: 'fallback',
  [S.Unsubscribing]: 'stopped',
  [S.Closed]: 'stopped',
};

export class EventListSubscription {
  private _state: ListSubscriptionState = 'idle';
  private readonly list: EventListState;
  private readonly log: (line: string) => void;
  private readonly subscription: PresenceSubscription | undefined;

  constructor(
    ua: Pick<UserAgent, 'userAgentCore' | 'transport'>,
    private readonly options: EventListSubscriptionOptions,
  ) {
    this.list = new EventListState(options.limits);
    this.log = options.log ?? (() => {});
    if (!/^sips?:[^@\s]+@\S+$/i.test(options.listUri)) return; // start() falls back
    const subscription = new PresenceSubscription({
      ua,
      target: options.listUri,
      accept: ACCEPT,
      supported: ['eventlist'],
      expires: options.expires,
      finalStatus: NOT_A_LIST,
      finalReasons: LIST_GONE,
      credentials: options.credentials,
      timers: options.timers,
      random: options.random,
      log: (line) => this.log(line.replace(/^sip: /, 'rls: ')),
    });
    subscription.on('state', (state) => {
      // A new SUBSCRIBE starts a new dialog: the version sequence starts again.
      if (state === S.Subscribing) this.list.reset();
      // Refused is told by the failure that follows it (with the reason), as a fallback.
      if (state !== S.Refused && this._state !== 'fallback') this.setState(LIST_STATE[state]);
    });
    subscription.on('notify', (notify) => this.onNotify(notify));
    subscription.on('failure', (failure) => {
      if (failure.final) this.fallback(`the list subscription was refused (${failure.reason})`);
    });
    this.subscription = subscription;
  }

  get state(): ListSubscriptionState {
    return this._state;
  }

  /** Last known state of every member (for a re-render or a test). */
  get members(): EventListState {
    return this.list;
  }

  private setState(state: ListSubscriptionState): void {
    if (this._state === state) return;
    this._state = state;
    this.options.onState?.(state);
  }

  start(): void {
    if (this._state !== 'idle') return;
    if (!this.subscription) this.fallback(`the list address "${this.options.listUri}" is not a SIP URI`);
    else this.subscription.start();
  }

  private onNotify(notify: SubscriptionNotify): void {
    if (this._state === 'fallback' || this._state === 'stopped') return;
    const eventList = /\beventlist\b/i.test(notify.require ?? '') || isEventListBody(notify.contentType);
    if (!eventList) {
      // The server treated the list URI as a single presentity: it does not do RLS here. The
      // un-SUBSCRIBE goes once the machine has taken this NOTIFY in (it then has a dialog).
      this.fallback('the server answered with a plain presence NOTIFY (no event list)');
      queueMicrotask(() => void this.subscription?.stop());
      return;
    }
    if (!notify.body) return;
    try {
      const result = this.list.apply(notify.body, notify.contentType);
      if (result.outcome === 'stale') this.log(`rls: ignored a stale NOTIFY (version ${result.version}) for ${this.options.listUri}`);
      else if (result.outcome === 'no-base') this.log(`rls: partial NOTIFY (version ${result.version}) before any full state; ignored`);
      if (result.gap) this.log(`rls: a list NOTIFY was lost before version ${result.version}; later full state will repair it`);
      for (const problem of result.problems) this.log(`rls: ${problem}; kept the last known state`);
      if (result.changes.length) this.options.onChanges(result.changes);
    } catch (error) {
      const why = error instanceof EventListError ? error.message : `event-list NOTIFY not readable: ${(error as Error).message}`;
      this.log(`rls: ${why}; kept the last known state`);
    }
  }

  private fallback(reason: string): void {
    if (this._state === 'stopped' || this._state === 'fallback') return;
    this.log(`rls: ${this.options.listUri}: ${reason}; watching each contact instead`);
    this.setState('fallback');
    this.options.onFallback(reason);
  }

  /** Ends the subscription (Expires: 0) and stops retrying; resolves once the server confirmed or a short wait passed. */
  stop(): Promise<void> {
    this.setState('stopped');
    return this.subscription?.stop() ?? Promise.resolve();
  }

  /** Forgets the server side without talking to it (after the connection was lost). */
  dispose(): void {
    this.setState('stopped');
    this.subscription?.dispose();
  }
}

/**
 * The list URI a client assumes when the user did not name one: `sip:<user>-list@<domain>`,
 * the convention of Kamailio/OpenSIPS RLS deployments (and of our lab).
 */
export function defaultListUri(user: string, domain: string): string {
  return `sip:${user}-list@${domain}`;
}
