/**
 * SUBSCRIBE and NOTIFY on the wire, beside sip.js rather than through its core: the four
 * messages a subscription costs at sign-in (SUBSCRIBE out, 200 or 407 in, NOTIFY in, 200 out)
 * are written as text and read with the light reader (message/light-message.ts), matched by
 * Call-ID in one map. Profiles of a 1,000-contact sign-in spent most of the client's CPU in
 * sip.js's generic machinery for these: a parsed URI cloned per header, a client transaction,
 * a user agent client and their timers per request, a full grammar parse of every answer, a
 * dialog, a server transaction and a user agent server per NOTIFY.
 *
 * What the wire does, and nothing more (the subscription's behaviour is PresenceSubscription's):
 * - one wire per user agent, sharing its transport: messages of the wire's Call-IDs are taken
 *   off the transport before sip.js sees them; everything else (REGISTER, PUBLISH, MESSAGE, a
 *   NOTIFY for a subscription already gone, which sip.js answers 481) goes on to sip.js;
 * - client transactions by Via branch; a request with no final answer within 64·T1 is answered
 *   408 here (Timer F), an accepted SUBSCRIBE with no NOTIFY within 64·T1 is Timer N; both
 *   deadlines live in one queue with one timer (every deadline is the same length);
 * - digest: a request carries the answer to the last challenge (digest.ts), and a 401/407 is
 *   answered once (once more when `stale`), with the next CSeq, never in a loop;
 * - the dialog (RFC 6665 §4.1.2.4): made by the first NOTIFY, its route set that NOTIFY's
 *   Record-Route in order, its remote target the Contact; in-dialog NOTIFYs out of CSeq order
 *   are answered 500, those of another dialog (a fork) 481;
 * - over UDP the transport retransmits, absorbs duplicate answers and answers a retransmitted
 *   NOTIFY with the 200 already sent (udp-transport.ts); nothing of that is repeated here;
 * - a window of initial SUBSCRIBEs: at most `window` go out before their first NOTIFY (or
 *   their end) and the others wait in order, so a sign-in of thousands of contacts does not
 *   flood the server with more than it answers in time (its retransmissions, 503s and Timer F
 *   cost more than the wait). Refreshes and un-SUBSCRIBEs are in dialogs and never wait.
 */
import { randomBytes } from 'node:crypto';
import type { UserAgent } from 'sip.js';
import { AllowedMethods } from 'sip.js/lib/core/user-agent-core/allowed-methods.js';
import type { AuthorizationHeader, DigestChallenge } from '../message/digest';
import { LightMessage, parseChallenge, tagOf, uriOf } from '../message/light-message';
import {
  WireDialog,
  type DialogWire,
  type InitialDelegate,
  type RequestDelegate,
  type SubscribeRequest,
  type Subscribed,
  type Target,
  type WireNotify,
} from './subscription-dialog';

export type { InitialDelegate, RequestDelegate, SubscribeBody, SubscribeRequest, WireDialog, WireNotify } from './subscription-dialog';

/** 64·T1: how long a request may wait for its final answer, and an accepted SUBSCRIBE for its NOTIFY. */
export const WIRE_TIMEOUT_MS = 32_000;
/** Initial SUBSCRIBEs out at once before their first NOTIFY (see the window above; measured in README). */
export const SUBSCRIBE_WINDOW = 128;

type Ua = Pick<UserAgent, 'userAgentCore' | 'transport'>;

interface Transaction {
  branch: string;
  /** Whose request it is: an answer after its subscription is forgotten is dropped. */
  owner: Subscribed;
  deadline: number;
  respond(response: LightMessage): void;
}

const wires = new WeakMap<object, SubscriptionWire>();
/** Random bytes for tags, branches and Call-IDs, drawn in blocks (one system call per ~200 SUBSCRIBEs). */
let pool = Buffer.alloc(0);
let poolAt = 0;
function token(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}
const synthesized = (status: number, reason: string) => new LightMessage(`SIP/2.0 ${status} ${reason}\r\n\r\n`);

export class SubscriptionWire implements DialogWire {
  private readonly records = new Map<string, Subscribed>();
  private readonly transactions = new Map<string, Transaction>();
  /** Call-IDs of this wire start with this, so a foreign message is told apart cheaply. */
  private readonly prefix = `${token(4)}-`;
  private counter = 0;
  private timer: NodeJS.Timeout | undefined;
  private contact: { port: unknown; text: string } | undefined;
  private readonly from: string;
  private readonly allow = `Allow: ${AllowedMethods.toString()}\r\n`;
  /** Initial SUBSCRIBEs out at once (Infinity: no window). */
  window = SUBSCRIBE_WINDOW;
  /** Initial SUBSCRIBEs sent and not yet notified, refused or forgotten. */
  private outstanding = 0;
  /** Initial SUBSCRIBEs waiting for room in the window, in order, each with what sends it. */
  private readonly queued = new Map<Subscribed, () => void>();
  /** Waiting ones are about to go out (at the end of this turn). */
  private pumping = false;

  /** The wire of a user agent (made, and put in front of its transport, on first use). */
  static of(ua: Ua): SubscriptionWire {
    let wire = wires.get(ua);
    if (!wire) {
      wire = new SubscriptionWire(ua);
      wires.set(ua, wire);
    }
    return wire;
  }

  private constructor(private readonly ua: Ua) {
    const config = ua.userAgentCore.configuration;
    const name = config.displayName;
    this.from = `${name || name === '0' ? `"${name}" ` : ''}<${config.aor.toString()}>;tag=`;
    const transport = ua.transport;
    const onMessage = transport.onMessage;
    // sip.js installs its handler once, when the user agent is made; the wire goes in front.
    transport.onMessage = (raw: string) => {
      if (!this.receive(raw)) onMessage?.(raw);
    };
  }

  /** Sends an initial SUBSCRIBE; the returned function forgets it and its dialog (nothing sent). */
  subscribe(request: SubscribeRequest, delegate: InitialDelegate): () => void {
    const callId = `${this.prefix}${(++this.counter).toString(36)}${token(6)}`;
    const record: Subscribed = { callId, localTag: token(5), to: `<${request.target}>`, delegate, cseq: 1 };
    this.records.set(callId, record);
    const launch = () => {
      record.outstanding = true;
      this.outstanding += 1;
      // A route set preloaded in the user agent's options goes on initial requests, as sip.js does.
      const routes = this.ua.userAgentCore.configuration.routeSet ?? [];
      this.send(request, { ruri: request.target, to: record.to, callId, localTag: record.localTag, routes }, 1, delegate, record, record);
    };
    if (this.outstanding < this.window && this.queued.size === 0) launch();
    else this.queued.set(record, launch);
    return () => this.forget(record);
  }

  /** Initial SUBSCRIBEs waiting for room in the window. */
  get waiting(): number {
    return this.queued.size;
  }

  /**
   * An initial SUBSCRIBE is over (first NOTIFY, refusal, timeout or forgotten): waiting ones go
   * out into the room made, once the current turn is over, so that subscriptions ended together
   * (sign-out, a lost connection) leave the queue before any of them is sent.
   */
  private settled(record: Subscribed): void {
    if (!record.outstanding) return;
    record.outstanding = false;
    this.outstanding -= 1;
    if (this.pumping || this.queued.size === 0) return;
    this.pumping = true;
    queueMicrotask(() => {
      this.pumping = false;
      while (this.outstanding < this.window && this.queued.size > 0) {
        const [next, launch] = this.queued.entries().next().value!;
        this.queued.delete(next);
        launch();
      }
    });
  }

  /** Receives one message from the transport; false when it is not the wire's (sip.js takes it). */
  private receive(raw: string): boolean {
    const callId = /\r\n(?:call-id|i)[ \t]*:[ \t]*([^\r\n]*)/i.exec(raw)?.[1]?.trim();
    if (!callId?.startsWith(this.prefix)) return false;
    const message = new LightMessage(raw);
    if (message.method === undefined) {
      const branch = message.branch;
      const transaction = branch === undefined ? undefined : this.transactions.get(branch);
      // A late or stray answer (the transaction or its subscription is over): nothing to do.
      if (!transaction) return true;
      if (message.status >= 200) this.transactions.delete(transaction.branch);
      if (this.records.get(transaction.owner.callId) !== transaction.owner) return true;
      transaction.respond(message);
      return true;
    }
    const record = this.records.get(callId);
    if (!record) return false;
    if (message.method !== 'NOTIFY') {
      this.answer(message, 405, 'Method Not Allowed');
      return true;
    }
    this.notified(record, message);
    return true;
  }

  private notified(record: Subscribed, message: LightMessage): void {
    const remoteTag = tagOf(message.header('from'));
    if (tagOf(message.header('to')) !== record.localTag || !remoteTag) return this.answer(message, 481, 'Subscription Does Not Exist');
    const notify: WireNotify = {
      message,
      accept: () => this.answer(message, 200, 'OK'),
      reject: (status, reason) => this.answer(message, status, reason),
    };
    const cseq = message.cseq;
    const dialog = record.dialog;
    if (dialog) {
      if (dialog.remoteTag !== remoteTag) return this.answer(message, 481, 'Subscription Does Not Exist');
      if (cseq <= dialog.remoteCseq) return this.answer(message, 500, 'Server Internal Error');
      dialog.remoteCseq = cseq;
      if (dialog.delegate) dialog.delegate.onNotify(notify);
      else notify.accept();
      return;
    }
    const contact = message.header('contact');
    if (!contact) return this.answer(message, 400, 'Missing Contact');
    const made = new WireDialog(this, record, {
      remoteTag,
      remoteTarget: uriOf(contact),
      routes: message.values('record-route'),
      remoteCseq: cseq,
    });
    record.dialog = made;
    record.notifyBy = undefined;
    record.delegate.onNotify(made, notify);
    this.settled(record);
  }

  /** Forgets a subscription: answers to its requests still under way are dropped when they come. */
  private forget(record: Subscribed): void {
    if (this.records.get(record.callId) === record) this.records.delete(record.callId);
    record.notifyBy = undefined;
    this.queued.delete(record);
    this.settled(record);
  }

  /** Forgets a dialog's Call-ID (its subscription is over). */
  drop(callId: string): void {
    const record = this.records.get(callId);
    if (record) this.forget(record);
  }

  /**
   * Writes and sends a SUBSCRIBE; a 401/407 is answered at most once (once more when stale),
   * with the next CSeq. `initial` is given for an initial request (its 2xx starts Timer N).
   */
  send(
    request: SubscribeRequest,
    at: Target,
    cseq: number,
    delegate: RequestDelegate,
    owner: Subscribed,
    initial?: Subscribed,
    challenged = 0,
    authorization?: string,
  ): void {
    if (initial) initial.cseq = cseq;
    const record = initial;
    const branch = `z9hG4bK${token(8)}`;
    const config = this.ua.userAgentCore.configuration;
    let usedNonce: string | undefined;
    if (authorization === undefined && request.credentials) {
      const answer = request.credentials.preAnswer({ method: 'SUBSCRIBE', uri: at.ruri });
      if (answer) {
        authorization = `${answer.header}: ${answer.value}\r\n`;
        usedNonce = answer.nonce;
      }
    }
    const supported = request.supported?.length ? [...config.supportedOptionTags, ...request.supported] : config.supportedOptionTags;
    let text =
      `SUBSCRIBE ${at.ruri} SIP/2.0\r\n` +
      `Via: SIP/2.0/${this.ua.transport.protocol} ${config.viaHost};branch=${branch}${config.viaForceRport ? ';rport' : ''}\r\n`;
    for (const route of at.routes) text += `Route: ${route}\r\n`;
    text +=
      `To: ${at.to}\r\nFrom: ${this.from}${at.localTag}\r\nCSeq: ${cseq} SUBSCRIBE\r\nCall-ID: ${at.callId}\r\nMax-Forwards: 70\r\n` +
      (authorization ?? '') +
      this.allow +
      `Contact: ${this.contactText()}\r\n`;
    for (const header of request.headers) text += `${header}\r\n`;
    text += `Supported: ${supported.join(', ')}\r\nUser-Agent: ${config.userAgentHeaderFieldValue}\r\n`;
    const body = request.body;
    text += body ? `Content-Type: ${body.type}\r\nContent-Length: ${Buffer.byteLength(body.text)}\r\n\r\n${body.text}` : 'Content-Length: 0\r\n\r\n';
    const transaction: Transaction = {
      branch,
      owner,
      deadline: Date.now() + WIRE_TIMEOUT_MS,
      respond: (response) => {
        const status = response.status;
        if (status < 200) return;
        if (status < 300) {
          if (record && !record.dialog && this.records.get(record.callId) === record) {
            record.notifyBy = Date.now() + WIRE_TIMEOUT_MS;
            this.arm();
          }
          delegate.onAccept?.(response);
          return;
        }
        if (status === 401 || status === 407) {
          const header: AuthorizationHeader = status === 407 ? 'Proxy-Authorization' : 'Authorization';
          const challenge = parseChallenge(response.header(status === 407 ? 'proxy-authenticate' : 'www-authenticate'));
          // Answered once; once more only when the server says the nonce was merely stale.
          if (challenge && (challenged === 0 || (challenged === 1 && challenge.stale))) {
            const value = this.answerChallenge(request, at.ruri, challenge, header, usedNonce);
            if (value !== undefined) {
              this.send(request, at, cseq + 1, delegate, owner, initial, challenged + 1, `${header}: ${value}\r\n`);
              at.onCseq?.(cseq + 1);
              return;
            }
          }
        }
        if (record && !record.dialog) this.forget(record);
        delegate.onReject?.(response);
      },
    };
    this.transactions.set(branch, transaction);
    this.arm();
    this.ua.transport.send(text).catch((error: Error) => {
      if (this.transactions.get(branch) !== transaction) return;
      this.transactions.delete(branch);
      transaction.respond(synthesized(503, `Service Unavailable (not sent: ${error.message})`));
    });
  }

  private answerChallenge(
    request: SubscribeRequest,
    uri: string,
    challenge: DigestChallenge,
    header: AuthorizationHeader,
    usedNonce?: string,
  ): string | undefined {
    if (request.credentials) return request.credentials.answerChallenge({ method: 'SUBSCRIBE', uri }, challenge, header, usedNonce);
    // No cache given (a bare user agent): the user agent's own digest answer, as sip.js makes it.
    const digest = this.ua.userAgentCore.configuration.authenticationFactory();
    return digest?.authenticate({ method: 'SUBSCRIBE', ruri: uri } as never, challenge as never) ? digest.toString() : undefined;
  }

  /** The Contact as sip.js would write it; rewritten only when its port changed (a reconnection). */
  private contactText(): string {
    const uri = this.ua.userAgentCore.configuration.contact.uri as { port?: unknown };
    if (!this.contact || this.contact.port !== uri.port) this.contact = { port: uri.port, text: this.ua.userAgentCore.configuration.contact.toString() };
    return this.contact.text;
  }

  /** Answers a request of the wire's (a NOTIFY) with the Vias, From, To, Call-ID and CSeq it came with. */
  private answer(request: LightMessage, status: number, reason: string): void {
    let text = `SIP/2.0 ${status} ${reason}\r\n`;
    for (const via of request.values('via')) text += `Via: ${via}\r\n`;
    text += `From: ${request.header('from')}\r\nTo: ${request.header('to')}\r\nCall-ID: ${request.callId}\r\nCSeq: ${request.header('cseq')}\r\n`;
    text += `Supported: ${this.ua.userAgentCore.configuration.supportedOptionTagsResponse.join(', ')}\r\nContent-Length: 0\r\n\r\n`;
    this.ua.transport.send(text).catch(() => undefined);
  }

  /**
   * One timer for every deadline: requests and Timer N waits all last WIRE_TIMEOUT_MS, so the
   * earliest is found by walking from the oldest; the timer is set for the earliest.
   */
  private arm(): void {
    if (this.timer) return;
    let next = Infinity;
    for (const t of this.transactions.values()) {
      next = t.deadline;
      break;
    }
    for (const r of this.records.values()) if (r.notifyBy !== undefined && r.notifyBy < next) next = r.notifyBy;
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next - Date.now()) + 10);
    this.timer.unref?.();
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [branch, t] of this.transactions) {
      if (t.deadline > now) break;
      this.transactions.delete(branch);
      if (this.records.get(t.owner.callId) === t.owner) t.respond(synthesized(408, 'Request Timeout'));
    }
    for (const record of this.records.values()) {
      if (record.notifyBy === undefined || record.notifyBy > now) continue;
      this.forget(record);
      record.delegate.onNotifyTimeout();
    }
    this.arm();
  }
}
