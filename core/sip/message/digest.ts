// Over 400 lines: one credential cache whose nonce, counter and fallback rules (with and without qop) read best together.
/**
 * Digest credentials (RFC 2617, RFC 7616) that answer a server's challenge in advance.
 *
 * A presence server such as Kamailio challenges every out-of-dialog SUBSCRIBE, PUBLISH and
 * MESSAGE (407). Answered one by one, each request costs two round trips and two digest checks
 * on the server: for a 1,000-contact sign-in that is 2,000 SUBSCRIBEs. A challenge with `qop`
 * lets the client reuse its nonce with an incrementing nonce count (`nc`) and a fresh client
 * nonce; a challenge without `qop` (MD5 as a stock Kamailio sends it) lets the client reuse the
 * nonce as it is for later requests (RFC 2617 §3.3: "the client may … use the same nonce for
 * subsequent requests"; the answer still covers each request's method and URI). Either way,
 * once one challenge is known every new request can carry `Proxy-Authorization` (or
 * `Authorization`) from the start and is accepted at once, one challenge per nonce lifetime.
 *
 * ```
 *   no challenge known ──first request (the probe) goes out plain; the rest wait──> Probing
 *        ^                                                                           │
 *        │ nonce used maxUsesPerNonce times (qop),       407/401: the waiting         │
 *        │ or older than maxAgeMs                       requests go out pre-answered  │
 *        │                                                                           v
 *        └──────────────────────────────────────────────────────────────────── Known
 *   Probing ── the probe answered without a challenge, or no answer within probeWaitMs ──> Open
 *   (Open: requests go out at once, plain; a later challenge makes the cache Known again)
 * ```
 *
 * The server stays in charge: a pre-answer it does not accept (stale nonce, a restarted server
 * with a new secret) is challenged as before, sip.js answers that challenge through this cache
 * (`install`), and the new nonce replaces the old one. Every answer, pre-made or not, draws its
 * `nc` from one counter per nonce, so no `nc` is ever sent twice with the same nonce.
 *
 * Without `qop` the server alone decides how long a nonce may be reused: a pre-answer it
 * refuses with `stale=true` (the nonce expired) is answered once more by sip.js with the new
 * nonce, which is used from then on; a pre-answer refused without `stale` means this server
 * takes each no-qop nonce once (Kamailio's `one_time_nonce`, say): from then on every request
 * is challenged on its own, until `reset()`. sip.js answers a request's challenges at most
 * once more unless stale, so nothing loops. The password never leaves this object; only the
 * digest does.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OutgoingRequestMessage } from 'sip.js/lib/core/messages/outgoing-request-message.js';
import type { DigestAuthentication } from 'sip.js/lib/core/messages/digest-authentication.js';
import type { UserAgentCore } from 'sip.js/lib/core/user-agent-core/user-agent-core.js';
import { realTimers, type Timers } from '../../timers';

/** A parsed `WWW-Authenticate` / `Proxy-Authenticate` value, as sip.js's grammar gives it. */
export interface DigestChallenge {
  realm?: string;
  nonce?: string;
  opaque?: string;
  algorithm?: string;
  qop?: string | string[];
  stale?: boolean;
}

/** Timer functions, replaceable so tests can run the clock by hand. */
export type CredentialTimers = Timers;

const HASHES: Record<string, { hash: string; session: boolean }> = {
  md5: { hash: 'md5', session: false },
  'md5-sess': { hash: 'md5', session: true },
  'sha-256': { hash: 'sha256', session: false },
  'sha-256-sess': { hash: 'sha256', session: true },
};

/** The `qop` this client uses for a challenge: `auth` when offered, else `auth-int`; null when neither is. */
function chooseQop(offered: string | string[] | undefined): 'auth' | 'auth-int' | undefined | null {
  if (offered === undefined || offered === '') return undefined;
  const values = (Array.isArray(offered) ? offered : offered.split(',')).map((v) => v.trim().toLowerCase());
  if (values.includes('auth')) return 'auth';
  if (values.includes('auth-int')) return 'auth-int';
  return null;
}

const quoted = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export interface DigestAnswer {
  username: string;
  password: string;
  method: string;
  /** The Request-URI, exactly as on the request line. */
  uri: string;
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm?: string;
  qop?: 'auth' | 'auth-int';
  nc?: number;
  cnonce?: string;
  /** The message body (for `qop=auth-int`). */
  body?: string;
  /** H(username:realm:password), when already known for this realm and algorithm. */
  ha1?: string;
}

/** H(username:realm:password) for `algorithm`, or undefined for an algorithm not implemented. */
export function digestHa1(username: string, realm: string, password: string, algorithm = 'MD5'): string | undefined {
  const spec = HASHES[algorithm.toLowerCase()];
  return spec && createHash(spec.hash).update(`${username}:${realm}:${password}`, 'utf8').digest('hex');
}

/**
 * The `Authorization` / `Proxy-Authorization` value answering a challenge (RFC 7616 §3.4),
 * or undefined for an algorithm this client does not implement. `nc` and `cnonce` are used
 * only with `qop`.
 */
export function digestAuthorization(a: DigestAnswer): string | undefined {
  const algorithm = a.algorithm ?? 'MD5';
  const spec = HASHES[algorithm.toLowerCase()];
  if (!spec) return undefined;
  const h = (v: string) => createHash(spec.hash).update(v, 'utf8').digest('hex');
  // A client nonce is part of the answer only with qop or a -sess algorithm: a plain MD5 answer
  // (a stock Kamailio's) draws no random bytes.
  const cnonce = a.cnonce ?? (a.qop || spec.session ? randomBytes(12).toString('hex') : '');
  const ncHex = (a.nc ?? 1).toString(16).padStart(8, '0');
  let ha1 = a.ha1 ?? h(`${a.username}:${a.realm}:${a.password}`);
  if (spec.session) ha1 = h(`${ha1}:${a.nonce}:${cnonce}`);
  const ha2 = a.qop === 'auth-int' ? h(`${a.method}:${a.uri}:${h(a.body ?? '')}`) : h(`${a.method}:${a.uri}`);
  const response = a.qop ? h(`${ha1}:${a.nonce}:${ncHex}:${cnonce}:${a.qop}:${ha2}`) : h(`${ha1}:${a.nonce}:${ha2}`);
  const params = [
    `username=${quoted(a.username)}`,
    `realm=${quoted(a.realm)}`,
    `nonce=${quoted(a.nonce)}`,
    `uri=${quoted(a.uri)}`,
    `response="${response}"`,
    `algorithm=${algorithm}`,
  ];
  if (a.opaque !== undefined) params.push(`opaque=${quoted(a.opaque)}`);
  if (a.qop) params.push(`qop=${a.qop}`, `nc=${ncHex}`, `cnonce=${quoted(cnonce)}`);
  return `Digest ${params.join(', ')}`;
}

/** A request as the cache answers it: sip.js's messages, or the text the subscription wire writes. */
export interface DigestRequest {
  method: string;
  /** The Request-URI, exactly as on the request line. */
  uri: string;
  body?: string;
}

/** Which header carries an answer: `Proxy-Authorization` after a 407, `Authorization` after a 401. */
export type AuthorizationHeader = 'Proxy-Authorization' | 'Authorization';

/** What a request sender needs from the cache (PresenceSubscription, Publication, MESSAGE). */
export interface RequestCredentials {
  /**
   * Runs `send` now, or (while the first request's challenge is awaited) once it is known.
   * `answered` must be called when that request has its final answer, whatever it is.
   */
  schedule(send: (answered: () => void) => void): void;
  /** Adds the answer to the last challenge to an out-of-dialog request; false when there is none to use. */
  authorize(message: OutgoingRequestMessage): boolean;
  /** The answer to the last challenge for a request written as text (`nonce` tells a later refusal apart). */
  preAnswer(request: DigestRequest): { header: AuthorizationHeader; value: string; nonce: string } | undefined;
  /**
   * The answer to a challenge a request received, learnt for the requests that follow;
   * `usedNonce` is the nonce its pre-answer carried, if it had one.
   */
  answerChallenge(request: DigestRequest, challenge: DigestChallenge, header: AuthorizationHeader, usedNonce?: string): string | undefined;
}

export interface DigestCredentialCacheOptions {
  username: string;
  password: string;
  /**
   * Requests answered with one qop nonce before a fresh challenge is fetched (default 255:
   * Kamailio's `nonce_count` keeps nc in one byte and calls a nonce with nc above 255 stale).
   * A nonce without qop has no nc: it is reused until `maxAgeMs` or the server refuses it.
   * With 32 or more, one request goes out plain when an eighth of the uses is left, so the
   * next nonce is known before this one is used up.
   */
  maxUsesPerNonce?: number;
  /** A nonce older than this is not used in advance (default 5 minutes, Kamailio's `nonce_expire`). */
  maxAgeMs?: number;
  /** How long requests wait for the probe's answer before going out plain (default 4 s). */
  probeWaitMs?: number;
  now?: () => number;
  timers?: CredentialTimers;
  log?: (line: string) => void;
}

interface KnownChallenge {
  header: AuthorizationHeader;
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm?: string;
  /** Absent: an RFC 2069-style challenge (no qop), reused as it is, with no nc. */
  qop?: 'auth' | 'auth-int';
  at: number;
}

/** Nonces whose counters are kept: a server hands out a fresh nonce with each challenge. */
const TRACKED_NONCES = 256;

export class DigestCredentialCache implements RequestCredentials {
  private readonly username: string;
  private readonly password: string;
  private readonly maxUses: number;
  private readonly maxAgeMs: number;
  private readonly probeWaitMs: number;
  private readonly now: () => number;
  private readonly timers: CredentialTimers;
  private readonly log: (line: string) => void;
  /** The last challenge to a non-REGISTER request that can be answered in advance. */
  private known: KnownChallenge | undefined;
  /** The server refused a reused no-qop nonce: every request is challenged on its own. */
  private notReusable = false;
  /** Requests this cache answered in advance, with the nonce it used (to tell a refusal). */
  private readonly preAnswered = new WeakMap<OutgoingRequestMessage, string>();
  /** The qop nonce for which one request already went out plain to fetch the next. */
  private renewing: string | undefined;
  /** The probe was answered without a challenge: requests go out at once. */
  private open = false;
  /** H(username:realm:password) per realm and algorithm. */
  private readonly ha1s = new Map<string, string>();
  /** Random bytes for client nonces, drawn in blocks (one system call per 128 requests). */
  private randomPool = Buffer.alloc(0);
  private randomAt = 0;
  /** Last nc sent per nonce (insertion order = age, for eviction). */
  private readonly counts = new Map<string, number>();
  private probe: { id: number; timer: unknown } | undefined;
  private probes = 0;
  private waiting: Array<(answered: () => void) => void> = [];

  constructor(options: DigestCredentialCacheOptions) {
    this.username = options.username;
    this.password = options.password;
    this.maxUses = options.maxUsesPerNonce ?? 255;
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
    this.probeWaitMs = options.probeWaitMs ?? 4000;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? (() => {});
  }

  /** Makes `core` answer every challenge through this cache (one nc counter per nonce, challenges learnt). */
  install(core: UserAgentCore): void {
    (core.configuration as { authenticationFactory: () => DigestAuthentication | undefined }).authenticationFactory = () =>
      new CachedDigestAnswer(this) as unknown as DigestAuthentication;
  }

  /** Requests waiting for the probe's challenge. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * Forgets the server's challenge (not the nc counters): after a new connection the server
   * may have restarted with a new nonce secret, and a burst of answers with the old nonce
   * would each be challenged. The next request probes again.
   */
  reset(): void {
    this.known = undefined;
    this.notReusable = false;
    this.open = false;
  }

  schedule(send: (answered: () => void) => void): void {
    if (this.usable() || this.notReusable || this.open) {
      send(() => {});
      return;
    }
    if (this.probe) {
      this.waiting.push(send);
      return;
    }
    const id = ++this.probes;
    this.probe = { id, timer: this.timers.set(() => this.probeDone(id, 'no answer in time'), this.probeWaitMs) };
    send(() => this.probeDone(id, 'answered without a challenge'));
  }

  authorize(message: OutgoingRequestMessage): boolean {
    const answer = this.preAnswer({ method: message.method, uri: message.ruri.toString(), body: message.body?.body });
    if (!answer) return false;
    message.setHeader(answer.header, answer.value);
    this.preAnswered.set(message, answer.nonce);
    return true;
  }

  preAnswer(request: DigestRequest): { header: AuthorizationHeader; value: string; nonce: string } | undefined {
    const known = this.known;
    if (!known || request.method === 'REGISTER' || !this.usable()) return undefined;
    // Near the end of a qop nonce's uses, one request goes out plain to fetch the next nonce
    // while the others still use this one: nobody waits for a new probe at the last use.
    if (
      known.qop &&
      this.renewing !== known.nonce &&
      this.maxUses >= 32 &&
      (this.counts.get(known.nonce) ?? 0) >= this.maxUses - Math.floor(this.maxUses / 8)
    ) {
      this.renewing = known.nonce;
      return undefined;
    }
    const value = this.digest(request, known);
    return value === undefined ? undefined : { header: known.header, value, nonce: known.nonce };
  }

  /**
   * sip.js's answer to a challenge it received (through `install`): draws nc from the shared
   * counter and learns the challenge once sip.js has put the answer on the request.
   */
  answer(request: OutgoingRequestMessage, challenge: DigestChallenge): string | undefined {
    const usedNonce = this.preAnswered.get(request);
    if (usedNonce !== undefined) this.preAnswered.delete(request);
    const plain = { method: request.method, uri: request.ruri.toString(), body: request.body?.body };
    const value = this.challenged(plain, challenge, usedNonce);
    // sip.js sets the header (Authorization for 401, Proxy-Authorization for 407) right after
    // this returns, in the same turn: which one it chose says where later answers belong.
    if (value && request.method !== 'REGISTER')
      queueMicrotask(() => {
        const header =
          request.getHeader('Proxy-Authorization') === value
            ? 'Proxy-Authorization'
            : request.getHeader('Authorization') === value
              ? 'Authorization'
              : undefined;
        if (header) this.learn(header, challenge, chooseQop(challenge.qop) ?? undefined);
      });
    return value;
  }

  answerChallenge(request: DigestRequest, challenge: DigestChallenge, header: AuthorizationHeader, usedNonce?: string): string | undefined {
    const value = this.challenged(request, challenge, usedNonce);
    // Learnt once the caller has sent this answer (same turn): the challenged request goes
    // out again before those that waited for its challenge, as with sip.js's own answers.
    if (value && request.method !== 'REGISTER') queueMicrotask(() => this.learn(header, challenge, chooseQop(challenge.qop) ?? undefined));
    return value;
  }

  /** The answer to a challenge received; a refused reuse of a no-qop nonce is noted first. */
  private challenged(request: DigestRequest, challenge: DigestChallenge, usedNonce: string | undefined): string | undefined {
    const qop = chooseQop(challenge.qop);
    if (!challenge.realm || !challenge.nonce || qop === null) return undefined;
    // A reused no-qop nonce refused although not stale: this server takes each nonce once.
    if (usedNonce !== undefined && !challenge.stale && this.known?.nonce === usedNonce && this.known.qop === undefined && request.method !== 'REGISTER')
      this.refuseReuse();
    return this.digest(request, { realm: challenge.realm, nonce: challenge.nonce, opaque: challenge.opaque, algorithm: challenge.algorithm, qop });
  }

  private digest(request: DigestRequest, c: Pick<KnownChallenge, 'realm' | 'nonce' | 'opaque' | 'algorithm' | 'qop'>): string | undefined {
    return digestAuthorization({
      username: this.username,
      password: this.password,
      method: request.method,
      uri: request.uri,
      realm: c.realm,
      nonce: c.nonce,
      opaque: c.opaque,
      algorithm: c.algorithm,
      qop: c.qop,
      nc: c.qop ? this.nextNc(c.nonce) : undefined,
      cnonce: c.qop ? this.cnonce() : undefined,
      ha1: this.ha1(c.realm, c.algorithm),
      body: request.body,
    });
  }

  private learn(header: AuthorizationHeader, challenge: DigestChallenge, qop: 'auth' | 'auth-int' | undefined): void {
    this.open = false;
    if (qop || !this.notReusable)
      this.known = { header, realm: challenge.realm!, nonce: challenge.nonce!, opaque: challenge.opaque, algorithm: challenge.algorithm, qop, at: this.now() };
    if (qop) this.notReusable = false;
    this.release();
  }

  private refuseReuse(): void {
    if (!this.notReusable) this.log('sip: the server refused a reused nonce (its challenges carry no qop): each request is challenged on its own');
    this.notReusable = true;
    this.known = undefined;
  }

  private usable(): boolean {
    const known = this.known;
    if (!known) return false;
    // No nc without qop, so no count to run out of: only the age (and the server) limit reuse.
    if ((known.qop && (this.counts.get(known.nonce) ?? 0) >= this.maxUses) || this.now() - known.at >= this.maxAgeMs) {
      this.known = undefined;
      return false;
    }
    return true;
  }

  private ha1(realm: string, algorithm = 'MD5'): string | undefined {
    const key = `${algorithm.toLowerCase()} ${realm}`;
    let ha1 = this.ha1s.get(key);
    if (ha1 === undefined) {
      ha1 = digestHa1(this.username, realm, this.password, algorithm);
      if (ha1 !== undefined && this.ha1s.size < 16) this.ha1s.set(key, ha1);
    }
    return ha1;
  }

  private cnonce(): string {
    if (this.randomAt + 12 > this.randomPool.length) {
      this.randomPool = randomBytes(12 * 128);
      this.randomAt = 0;
    }
    this.randomAt += 12;
    return this.randomPool.toString('hex', this.randomAt - 12, this.randomAt);
  }

  private nextNc(nonce: string): number {
    const nc = (this.counts.get(nonce) ?? 0) + 1;
    this.counts.delete(nonce);
    this.counts.set(nonce, nc);
    if (this.counts.size > TRACKED_NONCES) this.counts.delete(this.counts.keys().next().value!);
    return nc;
  }

  private probeDone(id: number, why: string): void {
    if (this.probe?.id !== id) return;
    if (why === 'no answer in time')
      this.log(`sip: the first challenged request got no answer within ${this.probeWaitMs} ms; sending the others without waiting`);
    this.open = true;
    this.release();
  }

  /** Ends the probe and sends what waited for it (pre-answered when a challenge is known now). */
  private release(): void {
    if (this.probe) this.timers.clear(this.probe.timer);
    this.probe = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    // Through schedule() again: a nonce used up during this loop makes the next request a new probe.
    for (const send of waiting) this.schedule(send);
  }
}

/** The object sip.js asks for when a request is challenged (in place of its DigestAuthentication). */
class CachedDigestAnswer {
  private value: string | undefined;
  constructor(private readonly cache: DigestCredentialCache) {}

  authenticate(request: OutgoingRequestMessage, challenge: DigestChallenge): boolean {
    this.value = this.cache.answer(request, challenge);
    return this.value !== undefined;
  }

  toString(): string {
    if (!this.value) throw new Error('no digest answer was computed');
    return this.value;
  }
}
