/**
 * A lightweight presence publisher for the lab, tests and benchmarks: publishes the status of
 * many users over ONE TCP connection, without registering them (PUBLISH needs no binding).
 * Hundreds of full SIP accounts would each hold a connection, a registration and timers; the
 * RLS tests only need presentities on the server, so this sends one PUBLISH per user (digest
 * answered per user; the server's nonce is reused while it is valid, with an increasing nonce
 * count when the challenge has qop, so most PUBLISHes need one round trip) and modifies each
 * publication in place with SIP-If-Match.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { OwnStatus } from '../shared/domain';
import { LabSipFramer, labDigest, labPidf, type LabPidfExtras } from './sip/publisher-codec';

export interface PublisherUser {
  id: string;
  password: string;
}

interface Pending {
  resolve: (response: string) => void;
  reject: (error: Error) => void;
}

const token = () => randomBytes(8).toString('hex');
const header = (message: string, name: string) => new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'im').exec(message)?.[1]?.trim();

export class BulkPublisher {
  private socket: Socket | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly etags = new Map<string, string>();
  /** The last challenge; `nc` is the last nonce count sent with it (never sent twice). */
  private nonce: { realm: string; nonce: string; qop?: string; nc: number } | undefined;
  private localPort = 0;
  private cseq = 1;

  constructor(
    private readonly server: { host: string; port: number },
    private readonly domain: string,
  ) {}

  async connect(): Promise<void> {
    const framer = new LabSipFramer();
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: this.server.host, port: this.server.port, noDelay: true });
      socket.once('connect', () => {
        this.socket = socket;
        this.localPort = socket.localPort ?? 0;
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        for (const message of framer.push(chunk)) {
          if (!message.startsWith('SIP/2.0 ')) continue; // requests are never sent to us
          if (/^SIP\/2\.0 1\d\d/.test(message)) continue;
          const callId = header(message, '(?:call-id|i)') ?? '';
          const waiter = this.pending.get(callId);
          this.pending.delete(callId);
          waiter?.resolve(message);
        }
      });
      socket.once('close', () => {
        if (this.socket === socket) this.socket = undefined;
        for (const waiter of this.pending.values()) waiter.reject(new Error('publisher connection closed'));
        this.pending.clear();
      });
    });
  }

  /** Publishes (or modifies) each user's status; resolves when every PUBLISH got its 2xx. */
  async publish(entries: Array<{ user: PublisherUser; status: OwnStatus; extras?: LabPidfExtras }>): Promise<void> {
    await Promise.all(entries.map(({ user, status, extras }) => this.publishOne(user, status, extras)));
  }

  private async publishOne(user: PublisherUser, status: OwnStatus, extras?: LabPidfExtras): Promise<void> {
    const aor = `sip:${user.id}@${this.domain}`;
    const body = labPidf(aor, status, `bulk-${user.id}`, extras);
    // A nonce shared by many PUBLISHes in flight may be used up (stale) before this one's turn:
    // each challenge brings a fresh one.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await this.send(user, aor, body);
      const code = Number(response.slice(8, 11));
      if (code >= 200 && code < 300) {
        const etag = header(response, 'SIP-ETag');
        if (etag) this.etags.set(user.id, etag);
        return;
      }
      if (code === 407 || code === 401) {
        const challenge = header(response, code === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate') ?? '';
        const realm = /realm="([^"]*)"/i.exec(challenge)?.[1];
        const nonce = /nonce="([^"]*)"/i.exec(challenge)?.[1];
        if (!realm || !nonce) throw new Error(`PUBLISH for ${user.id}: unusable challenge "${challenge}"`);
        if (this.nonce?.nonce !== nonce) this.nonce = { realm, nonce, qop: /qop="?([^",]*)/i.exec(challenge)?.[1], nc: 0 };
        continue;
      }
      if (code === 412) {
        this.etags.delete(user.id); // the server forgot our publication: publish afresh
        continue;
      }
      throw new Error(`PUBLISH for ${user.id} refused: ${response.split('\r\n')[0]}`);
    }
    throw new Error(`PUBLISH for ${user.id} was challenged again and again`);
  }

  private send(user: PublisherUser, aor: string, body: string): Promise<string> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('publisher not connected'));
    const callId = `${token()}@bulk`;
    const lines = [
      `PUBLISH ${aor} SIP/2.0`,
      `Via: SIP/2.0/TCP 127.0.0.1:${this.localPort};branch=z9hG4bK${token()};rport`,
      'Max-Forwards: 70',
      `From: <${aor}>;tag=${token()}`,
      `To: <${aor}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${this.cseq++} PUBLISH`,
      'Event: presence',
      'Expires: 3600',
      'User-Agent: Presence Desk lab publisher',
      'Content-Type: application/pidf+xml',
    ];
    const etag = this.etags.get(user.id);
    if (etag) lines.push(`SIP-If-Match: ${etag}`);
    const known = this.nonce;
    if (known) {
      const qop = known.qop === 'auth';
      lines.push(
        `Proxy-Authorization: ${labDigest({ username: user.id, password: user.password, method: 'PUBLISH', uri: aor, realm: known.realm, nonce: known.nonce, nc: qop ? ++known.nc : undefined })}`,
      );
    }
    lines.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
    const message = `${lines.join('\r\n')}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      // A server that never answers fails the publish with a reason instead of hanging it.
      const timer = setTimeout(() => {
        this.pending.delete(callId);
        reject(new Error(`PUBLISH for ${user.id}: no answer within 10 s`));
      }, 10_000);
      timer.unref();
      const done =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          fn(v);
        };
      this.pending.set(callId, { resolve: done(resolve), reject: done(reject) });
      socket.write(message, 'utf8', (error) => {
        if (!error) return;
        this.pending.get(callId)?.reject(error);
        this.pending.delete(callId);
      });
    });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.closed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }
}
