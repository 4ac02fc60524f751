/**
 * Our presence publication (RFC 3903) on the sip.js core. sip.js's own `Publisher` reports
 * nothing about a modify after the first success, so a failed status change would go
 * unnoticed; this one resolves or rejects every PUBLISH with the server's answer.
 *
 * ```
 *                 publish(body)               2xx (SIP-ETag)
 *   Unpublished ───────────────> Publishing ─────────────────> Published
 *        ^  ^                      │   ^  ^                      │  │  │
 *        │  └── refused, no ETag ──┘   │  └── refresh timer ─────┘  │  │  (90 % of Expires: no body, SIP-If-Match)
 *        │                             └───── publish(body) ────────┘  │  (SIP-If-Match)
 *        └──── 2xx, or no answer ──── Removing <──── remove() ─────────┘  (Expires: 0, SIP-If-Match)
 *
 *   in Publishing: 412 → the full state once more without the ETag; a newer body waits (latest wins)
 *   any ──reset()──> Unpublished (the server may not know our ETag after a reconnection)
 * ```
 *
 * Never two PUBLISHes in flight: the server applies them in the order it answers, and a
 * modify sent before the previous one's ETag came back would be answered 412. A status given
 * while one is in flight is sent after its answer, and only the latest of several (latest
 * wins); every caller waiting on a superseded status gets the answer for the one that
 * replaced it. A refresh refused for another reason than 412 publishes the full state again
 * after ~30 s.
 */
import type { UserAgent } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import { fromBodyLegacy } from 'sip.js/lib/core/messages/body.js';
import { realTimers, type Timers } from '../../timers';
import type { RequestCredentials } from '../message/digest';

export interface PublishResult {
  ok: boolean;
  status: number;
  reason: string;
}

export enum PublicationState {
  Unpublished = 'unpublished',
  Publishing = 'publishing',
  Published = 'published',
  Removing = 'removing',
}

export class Publication {
  private _state = PublicationState.Unpublished;
  private etag: string | undefined;
  private expires: number;
  private refreshTimer: unknown;
  /** The latest full state given to publish(): what a queued publish or a 412 recovery sends. */
  private body: string | undefined;
  /** The PUBLISH awaiting its answer (at most one). */
  private inFlight: Promise<unknown> | undefined;
  /** Callers waiting for the queued publish of the latest body. */
  private queued: Array<(result: PublishResult) => void> | undefined;

  constructor(
    private readonly ua: UserAgent,
    private readonly event = 'presence',
    private readonly contentType = 'application/pidf+xml',
    private readonly requestedExpires = 600,
    private readonly log: (line: string) => void = () => {},
    /** Timer functions (tests run the refresh clock by hand). */
    private readonly timers: Timers = realTimers,
    /** The account's digest cache: a PUBLISH carries the answer to the last challenge (no 407 round trip). */
    private readonly credentials?: Pick<RequestCredentials, 'authorize'>,
  ) {
    this.expires = requestedExpires;
  }

  get state(): PublicationState {
    return this._state;
  }

  /** Publishes (or modifies) the state; resolves with the final answer for it or for a newer state that replaced it. */
  publish(body: string): Promise<PublishResult> {
    this.body = body;
    if (this.inFlight) {
      const queued = (this.queued ??= []);
      return new Promise((resolve) => queued.push(resolve));
    }
    return this.exclusive(() => this.publishNow(body));
  }

  /** Removes the publication (Expires: 0), after the PUBLISH in flight if any; a queued status is dropped. */
  async remove(): Promise<void> {
    this.clearRefresh();
    this.body = undefined;
    this.dropQueued('the publication was removed before this status was sent');
    if (this.inFlight) {
      await this.inFlight;
      this.clearRefresh();
    }
    if (!this.etag) return;
    this.setState(PublicationState.Removing);
    await this.exclusive(() => this.send(undefined, 0)).catch(() => undefined);
    this.etag = undefined;
    this.setState(PublicationState.Unpublished);
  }

  /** Forgets server state (after a reconnection the server may not know our ETag); a PUBLISH in flight is no longer waited for. */
  reset(): void {
    this.clearRefresh();
    this.etag = undefined;
    this.inFlight = undefined;
    this.setState(PublicationState.Unpublished);
    if (this.queued && this.body !== undefined) this.drain();
  }

  dispose(): void {
    this.clearRefresh();
    this.dropQueued('the publication was closed before this status was sent');
  }

  private setState(state: PublicationState): void {
    this._state = state;
  }

  private dropQueued(reason: string): void {
    const queued = this.queued;
    this.queued = undefined;
    for (const resolve of queued ?? []) resolve({ ok: false, status: 0, reason });
  }

  /** Runs one PUBLISH exchange with nothing else in flight, then sends the queued latest state. */
  private exclusive(exchange: () => Promise<PublishResult>): Promise<PublishResult> {
    if (this._state !== PublicationState.Removing) this.setState(PublicationState.Publishing);
    const run = exchange();
    const mine = run.catch(() => undefined);
    this.inFlight = mine;
    return run.finally(() => {
      // reset() may have let go of this exchange: then it is no longer ours to end.
      if (this.inFlight !== mine) return;
      this.inFlight = undefined;
      if (this._state === PublicationState.Publishing) this.setState(this.etag ? PublicationState.Published : PublicationState.Unpublished);
      this.drain();
    });
  }

  private drain(): void {
    const queued = this.queued;
    const body = this.body;
    if (!queued || this.inFlight) return;
    this.queued = undefined;
    if (body === undefined) return;
    void this.exclusive(() => this.publishNow(body)).then((result) => queued.forEach((resolve) => resolve(result)));
  }

  private async publishNow(body: string): Promise<PublishResult> {
    const result = await this.send(body, this.requestedExpires);
    if (result.status === 412 && this.etag) {
      // The server lost our publication (expired or restarted): start a new one.
      this.etag = undefined;
      return this.send(body, this.requestedExpires);
    }
    return result;
  }

  private clearRefresh(): void {
    if (this.refreshTimer !== undefined) this.timers.clear(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private send(body: string | undefined, expires: number): Promise<PublishResult> {
    const core = this.ua.userAgentCore;
    const headers = [`Event: ${this.event}`, `Expires: ${expires}`];
    if (this.etag) headers.push(`SIP-If-Match: ${this.etag}`);
    const aor = core.configuration.aor;
    const message = core.makeOutgoingRequestMessage(
      'PUBLISH',
      aor,
      aor,
      aor,
      {},
      headers,
      body === undefined ? undefined : fromBodyLegacy({ body, contentType: this.contentType }),
    );
    return new Promise((resolve) => {
      const done = (response: IncomingResponse) => {
        const m = response.message;
        const status = m.statusCode ?? 0;
        const result = { ok: status >= 200 && status < 300, status, reason: m.reasonPhrase ?? '' };
        if (result.ok && expires > 0) {
          this.etag = m.getHeader('SIP-ETag') ?? this.etag;
          const granted = Number(m.getHeader('Expires'));
          this.expires = Number.isFinite(granted) && granted > 0 ? granted : this.requestedExpires;
          this.scheduleRefresh();
        }
        resolve(result);
      };
      this.credentials?.authorize(message);
      core.request(message, { onAccept: done, onReject: done });
    });
  }

  private scheduleRefresh(): void {
    this.clearRefresh();
    this.refreshTimer = this.timers.set(() => {
      this.refreshTimer = undefined;
      // A publish in flight refreshes the entity by itself (and schedules the next refresh).
      if (this.inFlight) return;
      void this.exclusive(() => this.refresh());
    }, this.expires * 900);
  }

  /** A refresh carries no body; on 412 the full state is published again. */
  private async refresh(): Promise<PublishResult> {
    let result = await this.send(undefined, this.requestedExpires);
    if (result.status === 412 && this.body) {
      this.etag = undefined;
      result = await this.send(this.body, this.requestedExpires);
    }
    if (!result.ok && this.body) {
      // The server may have lost or be rejecting the entity tag: publish the full state
      // afresh a little later instead of letting the publication expire.
      const retryMs = Math.round(30_000 * (0.5 + Math.random()));
      this.log(`sip: publication refresh failed (${result.status} ${result.reason}); publishing again in ${Math.round(retryMs / 1000)} s`);
      this.etag = undefined;
      this.refreshTimer = this.timers.set(() => {
        this.refreshTimer = undefined;
        if (this.body) void this.publish(this.body).catch(() => undefined);
      }, retryMs);
    }
    return result;
  }
}
