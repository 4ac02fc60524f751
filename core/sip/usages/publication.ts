/**
 * Our presence publication (RFC 3903) on the sip.js core. sip.js's own `Publisher` reports
 * nothing about a modify after the first success, so a failed status change would go
 * unnoticed; this one resolves or rejects every PUBLISH with the server's answer.
 *
 * ```
 *   None ──publish(body)──> Published (ETag) ──publish(body)──> Published (SIP-If-Match: ETag)
 *     ^                         │   └── refresh at 90% of Expires (no body, SIP-If-Match)
 *     │                  412 ───┘  → fresh PUBLISH without ETag, once
 *     │                  refresh refused otherwise → full PUBLISH without ETag after ~30 s
 *     └──────────── remove() (Expires: 0, SIP-If-Match) ──┘
 * ```
 */
import type { UserAgent } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import { fromBodyLegacy } from 'sip.js/lib/core/messages/body.js';
import type { SubscriptionTimers } from './presence-subscription';
import { realTimers } from '../../timers';
import type { RequestCredentials } from '../message/digest';

export interface PublishResult {
  ok: boolean;
  status: number;
  reason: string;
}

export class Publication {
  private etag: string | undefined;
  private expires: number;
  private refreshTimer: unknown;
  private body: string | undefined;

  constructor(
    private readonly ua: UserAgent,
    private readonly event = 'presence',
    private readonly contentType = 'application/pidf+xml',
    private readonly requestedExpires = 600,
    private readonly log: (line: string) => void = () => {},
    /** Timer functions (tests run the refresh clock by hand). */
    private readonly timers: SubscriptionTimers = realTimers,
    /** The account's digest cache: a PUBLISH carries the answer to the last challenge (no 407 round trip). */
    private readonly credentials?: Pick<RequestCredentials, 'authorize'>,
  ) {
    this.expires = requestedExpires;
  }

  /** Publishes (or modifies) the state; resolves with the final answer. */
  async publish(body: string): Promise<PublishResult> {
    this.body = body;
    const result = await this.send(body, this.requestedExpires);
    if (result.status === 412 && this.etag) {
      // The server lost our publication (expired or restarted): start a new one.
      this.etag = undefined;
      return this.send(body, this.requestedExpires);
    }
    return result;
  }

  /** Removes the publication (Expires: 0). */
  async remove(): Promise<void> {
    this.clearRefresh();
    this.body = undefined;
    if (!this.etag) return;
    await this.send(undefined, 0).catch(() => undefined);
    this.etag = undefined;
  }

  /** Forgets server state (after a reconnection the server may not know our ETag). */
  reset(): void {
    this.clearRefresh();
    this.etag = undefined;
  }

  dispose(): void {
    this.clearRefresh();
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
        const result = { ok: status >= 200 && status < 300, status, reason: m.reasonPhrase ?? "" };
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
      // A refresh carries no body; on 412 the full state is published again.
      this.send(undefined, this.requestedExpires)
        .then((r) => {
          if (r.status === 412 && this.body) {
            this.etag = undefined;
            return this.send(this.body, this.requestedExpires);
          }
          return r;
        })
        .then((r) => {
          if (r.ok || !this.body) return;
          // The server may have lost or be rejecting the entity tag: publish the full state
          // afresh a little later instead of letting the publication expire.
          const retryMs = Math.round(30_000 * (0.5 + Math.random()));
          this.log(`sip: publication refresh failed (${r.status} ${r.reason}); publishing again in ${Math.round(retryMs / 1000)} s`);
          this.etag = undefined;
          this.refreshTimer = this.timers.set(() => {
            this.refreshTimer = undefined;
            if (this.body) void this.publish(this.body).catch(() => undefined);
          }, retryMs);
        })
        .catch(() => undefined);
    }, this.expires * 900);
  }
}
