/**
 * One event-list subscription (RFC 4662) to the user's buddy list on a resource list server:
 * a single SUBSCRIBE to the list URI brings every member's presence in multipart/related
 * NOTIFYs (RLMI + one PIDF per member), instead of one subscription per contact.
 *
 * ```
 *   Idle ──start()──> Subscribing ──2xx + NOTIFY (multipart, eventlist)──> Active
 *                        │   │                                              │  │ refresh at ~85% of expires
 *                        │   │ 404/489/420/421/405/501/415, or a plain      │  │ (own timer: keeps Accept and
 *                        │   │ PIDF NOTIFY (the server does not do RLS)     │  │  Supported: eventlist)
 *                        │   └──────────────────────> Fallback (final)      │  v
 *                        │ 408/481/5xx/timeout,                             │ 481 on refresh, NOTIFY
 *                        │ terminated NOTIFY          Waiting <─────────────┘ terminated, timer N
 *                        └──────────────────────────> (jittered back-off) ──> Subscribing
 *   any ──stop()──> Stopped (un-SUBSCRIBE with Expires: 0)
 * ```
 *
 * We drive the sip.js core directly rather than its `Subscriber`, whose refreshes drop our
 * headers (a refresh without `Supported: eventlist` reaches the presence server instead of the
 * RLS and ends in 481) and which does not report why a SUBSCRIBE failed (we need the code to
 * decide on the per-contact fallback).
 */
import { UserAgent } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import type { Subscription as SubscriptionDialog } from 'sip.js/lib/core/subscription/subscription.js';
import type { IncomingNotifyRequest } from 'sip.js/lib/core/messages/methods/notify.js';
import type { OutgoingSubscribeRequest } from 'sip.js/lib/core/messages/methods/subscribe.js';
import { EventListError, EventListState, isEventListBody, type MemberChange } from './event-list';
import type { MultipartOptions } from '../codecs/multipart';
import type { RequestCredentials } from '../message/digest';

export type ListSubscriptionState = 'idle' | 'subscribing' | 'active' | 'waiting' | 'fallback' | 'stopped';

export interface EventListSubscriptionOptions {
  listUri: string;
  /** Requested subscription duration in seconds (default 600). */
  expires?: number;
  /** Size limits for NOTIFY bodies. */
  limits?: MultipartOptions;
  log?: (line: string) => void;
  /** The account's digest cache: the SUBSCRIBE carries the answer to the last challenge. */
  credentials?: Pick<RequestCredentials, 'authorize'>;
  /** Presence changes of members, exactly those a NOTIFY carried. */
  onChanges: (changes: MemberChange[]) => void;
  /** The server does not offer this list as an event list: watch members one by one instead. */
  onFallback: (reason: string) => void;
  /** State changes (for diagnostics and tests). */
  onState?: (state: ListSubscriptionState) => void;
}

/** Answers that say "this server has no event list here": no point in retrying. */
const NOT_A_LIST = new Set([404, 405, 415, 420, 421, 489, 501, 604]);
const ACCEPT = 'Accept: application/pidf+xml, application/rlmi+xml, multipart/related';

export class EventListSubscription {
  private _state: ListSubscriptionState = 'idle';
  private readonly list: EventListState;
  private readonly log: (line: string) => void;
  private dialog: SubscriptionDialog | undefined;
  private pending: OutgoingSubscribeRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** Bumped on every new SUBSCRIBE, so callbacks of an older one are ignored. */
  private generation = 0;

  constructor(
    private readonly ua: UserAgent,
    private readonly options: EventListSubscriptionOptions,
  ) {
    this.list = new EventListState(options.limits);
    this.log = options.log ?? (() => {});
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
    if (this._state !== 'idle' && this._state !== 'waiting') return;
    this.subscribe();
  }

  private headers(expires: number): string[] {
    const core = this.ua.userAgentCore;
    return [`Event: presence`, `Expires: ${expires}`, `Contact: ${core.configuration.contact.toString()}`, ACCEPT, 'Allow: ACK, BYE, CANCEL, INFO, INVITE, MESSAGE, NOTIFY, OPTIONS, SUBSCRIBE'];
  }

  private subscribe(): void {
    const generation = ++this.generation;
    this.clearTimer();
    this.list.reset(); // a new subscription restarts the version sequence
    this.dialog = undefined;
    this.setState('subscribing');
    const core = this.ua.userAgentCore;
    const uri = this.options.listUri;
    const target = /^sips?:[^@\s]+@\S+$/i.test(uri) ? UserAgent.makeURI(uri) : undefined;
    if (!target) {
      this.fallback(`the list address "${uri}" is not a SIP URI`);
      return;
    }
    const message = core.makeOutgoingRequestMessage(
      'SUBSCRIBE',
      target,
      core.configuration.aor,
      target,
      { optionTags: [...core.configuration.supportedOptionTags, 'eventlist'] },
      this.headers(this.options.expires ?? 600),
    );
    this.options.credentials?.authorize(message);
    this.pending = core.subscribe(message, {
      onAccept: () => undefined,
      onNotify: ({ request, subscription }) => {
        if (generation !== this.generation) return request.accept();
        this.pending = undefined;
        this.adopt(subscription, generation);
        this.onNotify(request, generation);
      },
      onNotifyTimeout: () => generation === this.generation && this.retry('no NOTIFY arrived after the SUBSCRIBE was accepted'),
      onRedirect: (response) => generation === this.generation && this.onFailure(response),
      onReject: (response) => generation === this.generation && this.onFailure(response),
    });
  }

  private adopt(dialog: SubscriptionDialog | undefined, generation: number): void {
    if (!dialog) return;
    this.dialog = dialog;
    dialog.delegate = {
      onNotify: (request) => this.onNotify(request, generation),
      onTerminated: () => generation === this.generation && this._state !== 'stopped' && this.retry('the server ended the list subscription'),
    };
  }

  private onFailure(response: IncomingResponse): void {
    this.pending = undefined;
    const { statusCode = 0, reasonPhrase = '' } = response.message;
    if (NOT_A_LIST.has(statusCode)) {
      this.fallback(`the server answered the list SUBSCRIBE with ${statusCode} ${reasonPhrase}`);
      return;
    }
    const retryAfter = Number(response.message.getHeader('Retry-After'));
    this.retry(`list SUBSCRIBE failed (${statusCode} ${reasonPhrase})`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }

  private onNotify(request: IncomingNotifyRequest, generation: number): void {
    request.accept();
    if (generation !== this.generation || this._state === 'stopped' || this._state === 'fallback') return;
    const message: IncomingRequestMessage = request.message;
    const contentType = message.getHeader('Content-Type') ?? '';
    const subscriptionState = (message.getHeader('Subscription-State') ?? '').toLowerCase();
    const eventList = /\beventlist\b/i.test(message.getHeader('Require') ?? '') || isEventListBody(contentType);
    if (!eventList) {
      // The server treated the list URI as a single presentity: it does not do RLS here.
      this.fallback('the server answered with a plain presence NOTIFY (no event list)');
      this.unsubscribeQuietly();
      return;
    }
    this.attempt = 0;
    if (this._state === 'subscribing') this.setState('active');
    const body = message.body ?? '';
    if (body) {
      try {
        const result = this.list.apply(body, contentType);
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
    if (subscriptionState.startsWith('terminated')) {
      const reason = /reason\s*=\s*([\w-]+)/.exec(subscriptionState)?.[1] ?? 'none given';
      const retryAfter = Number(/retry-after\s*=\s*(\d+)/.exec(subscriptionState)?.[1]);
      if (reason === 'rejected' || reason === 'noresource') {
        this.fallback(`the server ended the list subscription (${reason})`);
        return;
      }
      this.retry(`the server ended the list subscription (reason ${reason})`, retryAfter > 0 ? retryAfter * 1000 : undefined);
      return;
    }
    this.scheduleRefresh(generation);
  }

  /** Refreshes at ~85% of what the server granted (jittered, so many clients spread out). */
  private scheduleRefresh(generation: number): void {
    const dialog = this.dialog;
    if (!dialog) return;
    this.clearTimer();
    const granted = dialog.subscriptionExpires || this.options.expires || 600;
    const delay = Math.max(1000, granted * 1000 * (0.8 + Math.random() * 0.1));
    this.timer = setTimeout(() => {
      if (generation !== this.generation || this.dialog !== dialog) return;
      const expires = this.options.expires ?? 600;
      try {
        // A refresh must say eventlist again, or the server routes it to plain presence.
        dialog.subscribe(
          {
            onAccept: () => undefined,
            onReject: (response) => generation === this.generation && this.retry(`list refresh failed (${response.message.statusCode} ${response.message.reasonPhrase})`),
          },
          { extraHeaders: [...this.headers(expires), 'Supported: eventlist'] },
        );
      } catch (error) {
        this.retry(`list refresh not possible (${(error as Error).message})`);
      }
    }, delay);
    this.timer.unref();
  }

  /** Subscribes again after a jittered, growing delay (or the server's Retry-After). */
  private retry(why: string, afterMs?: number): void {
    if (this._state === 'stopped' || this._state === 'fallback') return;
    this.generation += 1; // callbacks of the ended subscription are ignored from now on
    this.dialog = undefined;
    this.pending = undefined;
    const delay = afterMs ?? Math.min(30_000, 500 * 2 ** this.attempt) * (0.5 + Math.random());
    this.attempt += 1;
    this.log(`rls: ${why}; subscribing to ${this.options.listUri} again in ${Math.round(delay)} ms`);
    this.setState('waiting');
    this.clearTimer();
    this.timer = setTimeout(() => this.subscribe(), delay);
    this.timer.unref();
  }

  private fallback(reason: string): void {
    if (this._state === 'stopped' || this._state === 'fallback') return;
    this.generation += 1;
    this.clearTimer();
    this.log(`rls: ${this.options.listUri}: ${reason}; watching each contact instead`);
    this.setState('fallback');
    this.options.onFallback(reason);
  }

  private unsubscribeQuietly(): void {
    const dialog = this.dialog;
    this.dialog = undefined;
    if (!dialog) return;
    try {
      dialog.delegate = undefined;
      // Not dialog.unsubscribe(): without "Supported: eventlist" the server would route the
      // un-SUBSCRIBE to plain presence (481) and keep the list subscription until it expires.
      dialog.subscribe(undefined, { extraHeaders: [...this.headers(0), 'Supported: eventlist'] });
      dialog.dispose();
    } catch {
      // already ended
    }
  }

  /** Ends the subscription (Expires: 0) and stops retrying. */
  stop(): void {
    this.generation += 1;
    this.clearTimer();
    this.pending?.waitNotifyStop();
    this.pending = undefined;
    this.unsubscribeQuietly();
    this.setState('stopped');
  }

  /** Forgets the server side without talking to it (after the connection was lost). */
  dispose(): void {
    this.generation += 1;
    this.clearTimer();
    this.pending?.dispose();
    this.pending = undefined;
    this.dialog?.dispose();
    this.dialog = undefined;
    this.setState('stopped');
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * The list URI a client assumes when the user did not name one: `sip:<user>-list@<domain>`,
 * the convention of Kamailio/OpenSIPS RLS deployments (and of our lab).
 */
export function defaultListUri(user: string, domain: string): string {
  return `sip:${user}-list@${domain}`;
}
