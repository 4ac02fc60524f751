// Over 400 lines: one state machine, whose transitions read best side by side in one class.
/**
 * One watcher subscription (RFC 6665 / RFC 3856) on the subscription wire (subscription-wire.ts:
 * SUBSCRIBE and NOTIFY written and read beside sip.js's core, which costs too much per contact
 * at sign-in), in place of sip.js's `Subscriber`, which drops `Accept` from refreshes, hides
 * failure codes, mishandles `Retry-After` and does not wait for the final NOTIFY when unsubscribing.
 *
 * ```
 *                 start()                NOTIFY active            refresh timer (jittered)
 *   Idle ──────────────────> Subscribing ─────────────────> Active ─────────────┐
 *                              │  │  │                        ^  │ <── 2xx ──────┘
 *                              │  │  └─ NOTIFY pending ──> Pending │
 *                              │  │                    NOTIFY active┘
 *                              │  │
 *                              │  └─ 3xx/4xx/5xx/6xx, Timer N, 481 on refresh, NOTIFY terminated with
 *                              │     deactivated | timeout | probation | giveup | no reason
 *                              │        ──> Waiting ── Retry-After, else jittered exponential back-off ──> Subscribing
 *                              │
 *                              └─ 403/603, 404/604/410, 489, NOTIFY terminated with
 *                                 rejected | noresource | invariant  ──> Refused (final; shown as not available)
 *
 *   Active | Pending ── refresh timer ──> Refreshing ── 2xx ──> Active | Pending (as the last NOTIFY said)
 *                                            └── any other answer ──> Waiting | Refused (as above)
 *
 *   any state ──stop()──> Unsubscribing ── final NOTIFY, or 2 s ──> Closed
 *   any state ──dispose()──> Closed   (the connection is gone: nothing is sent)
 * ```
 *
 * Every refresh carries the same `Accept` (and other extra headers) as the initial SUBSCRIBE,
 * as the CUPS guide requires ("only the expiration time gets extended"). When and how often it
 * refreshes and retries is the one policy in subscription-policy.ts. The event-list
 * subscription (rls.ts) is this same machine with other headers and final answers.
 */
import type { UserAgent } from 'sip.js';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { Emitter } from '../../events';
import type { RequestCredentials } from '../message/digest';
import { isPlainSipUri, type LightMessage } from '../message/light-message';
import { coarseTimers, type Timers } from '../../timers';
import { SubscriptionWire, type InitialDelegate, type SubscribeBody, type SubscribeRequest, type WireDialog, type WireNotify } from './subscription-wire';
import { FINAL_REASONS, FINAL_STATUS, parseRetryAfter, parseSubscriptionState, refreshDelayMs, retryDelayMs } from './subscription-policy';

export { parseRetryAfter, parseSubscriptionState, refreshDelayMs, type SubscriptionStateHeader } from './subscription-policy';

export enum PresenceSubscriptionState {
  Idle = 'idle',
  Subscribing = 'subscribing',
  Pending = 'pending',
  Active = 'active',
  /** Active or pending, with a refresh SUBSCRIBE awaiting its answer: that answer, not the dialog's end, tells why it failed. */
  Refreshing = 'refreshing',
  Waiting = 'waiting',
  Refused = 'refused',
  Unsubscribing = 'unsubscribing',
  Closed = 'closed',
}

/** Timer functions, replaceable so tests can run the clock by hand. */
export type SubscriptionTimers = Timers;

export interface PresenceSubscriptionOptions {
  /** A started user agent (the wire sends and receives on its transport). */
  ua: Pick<UserAgent, 'userAgentCore' | 'transport'>;
  /** The presentity (or list) URI to watch. */
  target: string;
  /** Event package (default `presence`). */
  event?: string;
  /** Content types accepted in NOTIFY bodies (default PIDF). Sent on every SUBSCRIBE. */
  accept?: string[];
  /** More headers for every SUBSCRIBE of this subscription. */
  extraHeaders?: string[];
  /** A body for every SUBSCRIBE of this subscription (xcap-diff's list of documents). */
  body?: SubscribeBody;
  /** Option tags every SUBSCRIBE says it supports besides the user agent's (e.g. `eventlist`). */
  supported?: string[];
  /** Status codes that end the subscription for good (default FINAL_STATUS), with their meaning. */
  finalStatus?: Readonly<Record<number, string>>;
  /** `terminated` reasons that end it for good (default FINAL_REASONS). */
  finalReasons?: ReadonlySet<string>;
  /** Requested duration in seconds (default 600). */
  expires?: number;
  /** First back-off step in ms (default 1,000); doubles per failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  /** Longest back-off in ms (default 5 minutes). */
  maxBackoffMs?: number;
  /** How long `stop()` waits for the final NOTIFY (default 2,000 ms). */
  unsubscribeWaitMs?: number;
  random?: () => number;
  timers?: SubscriptionTimers;
  log?: (line: string) => void;
  /**
   * The account's digest cache: initial SUBSCRIBEs carry the answer to the server's last
   * challenge, so they are accepted without a 407 round trip (see digest.ts).
   */
  credentials?: RequestCredentials;
}

export interface SubscriptionNotify {
  /** The NOTIFY body ('' when it had none). */
  body: string;
  contentType: string;
  /** `active`, `pending` or `terminated`, as the Subscription-State header said. */
  state: string;
  /** The NOTIFY's `Require` header, when it had one (an event list says `eventlist`). */
  require?: string;
}

export interface SubscriptionFailure {
  /** SIP status of the refusal (absent for a NOTIFY-terminated subscription or a timeout). */
  status?: number;
  /** Words for the log and the UI, e.g. "403 Forbidden" or "terminated: deactivated". */
  reason: string;
  /** True when no further attempt will be made (the subscription is Refused). */
  final: boolean;
  /** When another attempt is made, after how many ms. */
  retryInMs?: number;
}

type Events = {
  state: PresenceSubscriptionState;
  notify: SubscriptionNotify;
  failure: SubscriptionFailure;
};

export class PresenceSubscription {
  readonly target: string;
  private readonly events = new Emitter<Events>();
  private _state = PresenceSubscriptionState.Idle;
  private readonly event: string;
  private readonly accept: string[];
  private requestedExpires: number;
  private readonly timers: SubscriptionTimers;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  /** Increments with each initial SUBSCRIBE; callbacks of older attempts are ignored. */
  private attempt = 0;
  private failures = 0;
  /** Forgets the initial SUBSCRIBE on the wire (until its first NOTIFY makes the dialog). */
  private request: (() => void) | undefined;
  private dialog: WireDialog | undefined;
  /** The target as written in the Request-URI and To (parsed once). */
  private written: string | undefined;
  private timer: unknown;
  /** What the last NOTIFY said (active or pending): the state an answered refresh returns to. */
  private serverState: PresenceSubscriptionState.Active | PresenceSubscriptionState.Pending = PresenceSubscriptionState.Active;
  private unsubscribed: (() => void) | undefined;
  /** Why the subscription is Refused (for the UI and the log). */
  refusal: SubscriptionFailure | undefined;
  /** Seconds the server granted last (from the 2xx Expires or the NOTIFY's expires). */
  grantedExpires: number | undefined;

  constructor(private readonly options: PresenceSubscriptionOptions) {
    this.target = options.target;
    this.event = options.event ?? 'presence';
    this.accept = options.accept ?? ['application/pidf+xml'];
    this.requestedExpires = options.expires ?? 600;
    // One timer for every subscription's refresh and back-off (see coarseTimers).
    this.timers = options.timers ?? coarseTimers;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => {});
  }

  get state(): PresenceSubscriptionState {
    return this._state;
  }

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this._state !== PresenceSubscriptionState.Idle) return;
    this.send();
  }

  /** Ends the subscription (Expires: 0) and waits for the final NOTIFY, at most a short while. */
  stop(): Promise<void> {
    const state = this._state;
    if (state === PresenceSubscriptionState.Closed || state === PresenceSubscriptionState.Unsubscribing) return Promise.resolve();
    this.clearTimer();
    const dialog = this.dialog;
    if (
      !dialog ||
      (state !== PresenceSubscriptionState.Active && state !== PresenceSubscriptionState.Pending && state !== PresenceSubscriptionState.Refreshing)
    ) {
      this.close();
      return Promise.resolve();
    }
    this.setState(PresenceSubscriptionState.Unsubscribing);
    return new Promise((resolve) => {
      this.unsubscribed = () => {
        this.unsubscribed = undefined;
        this.close();
        resolve();
      };
      this.timer = this.timers.set(() => this.unsubscribed?.(), this.options.unsubscribeWaitMs ?? 2000);
      dialog.subscribe(this.subscribeRequest(0), { onReject: () => this.unsubscribed?.() });
    });
  }

  /** Forgets everything without sending (the connection is gone or the account stops hard). */
  dispose(): void {
    this.close();
  }

  private close(): void {
    this.clearTimer();
    this.attempt += 1;
    this.request?.();
    this.request = undefined;
    const dialog = this.dialog;
    this.dialog = undefined;
    dialog?.dispose();
    this.setState(PresenceSubscriptionState.Closed);
    // dispose() during stop(): the caller waiting on stop() is released too.
    this.unsubscribed?.();
  }

  private setState(state: PresenceSubscriptionState): void {
    if (this._state === state) return;
    this._state = state;
    this.events.emit('state', state);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  /** What every SUBSCRIBE of this subscription carries besides the dialog's own headers. */
  private subscribeRequest(expires: number): SubscribeRequest {
    return {
      target: this.written ?? this.target,
      headers: [`Event: ${this.event}`, `Expires: ${expires}`, `Accept: ${this.accept.join(', ')}`, ...(this.options.extraHeaders ?? [])],
      supported: this.options.supported,
      credentials: this.options.credentials,
      ...(this.options.body ? { body: this.options.body } : {}),
    };
  }

  /** Sends a new initial SUBSCRIBE (a new dialog). */
  private send(): void {
    this.clearTimer();
    const attempt = ++this.attempt;
    if (this.written === undefined) {
      const uri = isPlainSipUri(this.target) ? this.target : Grammar.URIParse(this.target)?.toString();
      if (!uri) {
        this.refuse({ reason: `"${this.target}" cannot be subscribed to (not a SIP address)`, final: true });
        return;
      }
      this.written = uri;
    }
    this.setState(PresenceSubscriptionState.Subscribing);
    const credentials = this.options.credentials;
    if (!credentials) {
      this.transmit(attempt, () => {});
      return;
    }
    credentials.schedule((answered) => {
      // Stopped or restarted while waiting for the server's first challenge: not sent.
      if (attempt !== this.attempt) return answered();
      this.transmit(attempt, answered);
    });
  }

  /** Sends an initial SUBSCRIBE; `answered` is told of its final answer (or that none will come). */
  private transmit(attempt: number, answered: () => void): void {
    const current = () => attempt === this.attempt;
    const delegate: InitialDelegate = {
      onAccept: (response) => {
        answered();
        if (!current()) return;
        const granted = Number(response.header('expires'));
        if (Number.isFinite(granted) && granted > 0) this.grantedExpires = granted;
      },
      onReject: (response) => {
        answered();
        if (current()) this.rejected(response, 'SUBSCRIBE');
      },
      onNotify: (dialog, notify) => {
        answered();
        if (!current()) {
          notify.reject(481, 'Subscription Does Not Exist');
          dialog.dispose();
          return;
        }
        this.request = undefined;
        this.dialog = dialog;
        dialog.delegate = {
          onNotify: (later) => {
            if (attempt === this.attempt && this.dialog === dialog) this.notified(later);
            else later.accept();
          },
        };
        this.notified(notify);
      },
      onNotifyTimeout: () => {
        answered();
        if (!current()) return;
        this.request = undefined;
        this.lost({ reason: 'no NOTIFY arrived after the SUBSCRIBE (Timer N)' });
      },
    };
    this.request = SubscriptionWire.of(this.options.ua).subscribe(this.subscribeRequest(this.requestedExpires), delegate);
  }

  private notified(uas: WireNotify): void {
    const message = uas.message;
    const header = parseSubscriptionState(message.header('subscription-state'));
    if (!header) {
      // RFC 6665 §4.1.3: a NOTIFY must say the subscription's state.
      this.log(`sip: NOTIFY for ${this.target} without a readable Subscription-State ("${message.header('subscription-state') ?? ''}") refused`);
      uas.reject(400, 'Missing Subscription-State');
      return;
    }
    uas.accept();
    const body = message.body;
    const contentType = message.header('content-type') ?? '';
    const state = this._state;
    if (state === PresenceSubscriptionState.Unsubscribing) {
      if (header.state === 'terminated') this.unsubscribed?.();
      return;
    }
    if (state === PresenceSubscriptionState.Closed || state === PresenceSubscriptionState.Refused) return;

    const require = message.header('require');
    const notify = (state: string) => {
      const attempt = this.attempt;
      this.events.emit('notify', require === undefined ? { body, contentType, state } : { body, contentType, state, require });
      // A listener that stopped or disposed the subscription has the last word.
      return attempt === this.attempt && this._state !== PresenceSubscriptionState.Unsubscribing && this._state !== PresenceSubscriptionState.Closed;
    };
    if (header.state === 'active' || header.state === 'pending') {
      // A pending NOTIFY with no body says nothing about the presentity yet.
      if ((header.state === 'active' || body.trim()) && !notify(header.state)) return;
      this.granted(header.expires);
      // Only an active subscription ends a run of failures: a server that keeps answering
      // "pending" then "terminated" is still backed off from.
      if (header.state === 'active') this.failures = 0;
      this.serverState = header.state === 'active' ? PresenceSubscriptionState.Active : PresenceSubscriptionState.Pending;
      // During a refresh its answer moves the state on and schedules the next one.
      if (this._state === PresenceSubscriptionState.Refreshing) return;
      this.setState(this.serverState);
      this.scheduleRefresh();
      return;
    }
    if (header.state !== 'terminated') {
      // Unknown states are treated as pending (RFC 6665 §8.2.3 allows extensions).
      this.log(`sip: NOTIFY for ${this.target} with unknown Subscription-State "${header.state}" treated as pending`);
      this.serverState = PresenceSubscriptionState.Pending;
      if (this._state === PresenceSubscriptionState.Refreshing) return;
      this.setState(PresenceSubscriptionState.Pending);
      this.scheduleRefresh();
      return;
    }
    // Terminated: the dialog is over.
    const dialog = this.dialog;
    this.dialog = undefined;
    dialog?.dispose();
    const reason = header.reason;
    if (reason && (this.options.finalReasons ?? FINAL_REASONS).has(reason)) {
      this.refuse({ reason: `terminated: ${reason}`, final: true });
      return;
    }
    if (body.trim() && !notify('terminated')) return;
    this.lost({ reason: `terminated: ${reason ?? 'no reason given'}`, retryAfter: header.retryAfter });
  }

  /** The subscription's duration: the NOTIFY's expires, else the 2xx's, else what we asked. */
  private granted(fromNotify: number | undefined): void {
    if (fromNotify !== undefined && fromNotify > 0) this.grantedExpires = fromNotify;
  }

  private scheduleRefresh(): void {
    this.clearTimer();
    const seconds = Math.max(1, Math.min(this.grantedExpires ?? this.requestedExpires, this.requestedExpires * 4));
    this.timer = this.timers.set(() => this.refresh(), refreshDelayMs(seconds, this.random));
  }

  private refresh(): void {
    this.timer = undefined;
    const dialog = this.dialog;
    const attempt = this.attempt;
    if (!dialog || (this._state !== PresenceSubscriptionState.Active && this._state !== PresenceSubscriptionState.Pending)) {
      this.send();
      return;
    }
    const current = () => attempt === this.attempt && this.dialog === dialog && this._state === PresenceSubscriptionState.Refreshing;
    this.setState(PresenceSubscriptionState.Refreshing);
    dialog.subscribe(this.subscribeRequest(this.requestedExpires), {
      onAccept: (response) => {
        if (!current()) return;
        const expires = response.header('expires');
        const granted = Number(expires);
        if (Number.isFinite(granted) && granted > 0) this.grantedExpires = granted;
        else if (expires === undefined)
          this.log(`sip: refresh for ${this.target} answered without Expires; keeping ${this.grantedExpires ?? this.requestedExpires} s`);
        this.setState(this.serverState);
        this.scheduleRefresh();
      },
      onReject: (response) => {
        // 481 and the like: whatever the code, a new subscription is made after a back-off.
        if (attempt !== this.attempt) return;
        if (this.dialog === dialog) {
          this.dialog = undefined;
          dialog.dispose();
        }
        this.rejected(response, 'refresh');
      },
    });
  }

  private rejected(m: LightMessage, what: string): void {
    const status = m.status;
    const reason = `${what} answered ${status} ${m.reason}`.trim();
    if (status === 423) {
      // Interval Too Brief: ask again at once with the server's minimum.
      const min = Number(m.header('min-expires'));
      if (Number.isFinite(min) && min > this.requestedExpires && min <= 86_400) {
        this.log(`sip: ${this.target}: ${reason}; asking again for ${min} s`);
        this.requestedExpires = min;
        this.send();
        return;
      }
    }
    const final = (this.options.finalStatus ?? FINAL_STATUS)[status];
    if (final) {
      this.refuse({ status, reason: `${reason} (${final})`, final: true });
      return;
    }
    this.lost({ status, reason, retryAfter: parseRetryAfter(m.header('retry-after')) });
  }

  /** True (and the stop completed) when the subscription is being or has been ended by us. */
  private ending(): boolean {
    if (this._state === PresenceSubscriptionState.Unsubscribing) {
      this.unsubscribed?.();
      return true;
    }
    return this._state === PresenceSubscriptionState.Closed;
  }

  private refuse(failure: SubscriptionFailure): void {
    if (this.ending()) return;
    this.clearTimer();
    this.attempt += 1;
    this.request = undefined;
    this.refusal = failure;
    this.log(`sip: presence of ${this.target} is not available: ${failure.reason}`);
    this.setState(PresenceSubscriptionState.Refused);
    this.events.emit('failure', failure);
  }

  /** Not subscribed any more, but it may work later: wait, then subscribe anew. */
  private lost(cause: { status?: number; reason: string; retryAfter?: number }): void {
    if (this.ending()) return;
    this.clearTimer();
    this.attempt += 1;
    this.request = undefined;
    this.failures += 1;
    const retryInMs = retryDelayMs(this.failures, cause.retryAfter, this.random, { baseMs: this.options.baseBackoffMs, maxMs: this.options.maxBackoffMs });
    this.log(`sip: subscription to ${this.target} ended (${cause.reason}); subscribing again in ${(retryInMs / 1000).toFixed(1)} s`);
    this.setState(PresenceSubscriptionState.Waiting);
    this.events.emit('failure', { ...(cause.status ? { status: cause.status } : {}), reason: cause.reason, final: false, retryInMs });
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      if (this._state === PresenceSubscriptionState.Waiting) this.send();
    }, retryInMs);
  }
}
