/**
 * One HTTP(S) POST to an XML service (CUPS SOAP, a CME router's IXI), with what every such
 * exchange needs and nothing the service's own reading decides: a time limit, a cap on the
 * answer's size (never more than one body in memory), certificate trust per host:port (the
 * system's roots or the one certificate the user trusted, checked on a fresh connection each
 * time), the Diagnostics trace, and every transport failure in words. Each service supplies
 * its own words (a router is "the router at …") and its own error class, and reads the answer.
 * The address the user typed becomes the service's URL here too, by the same rules for both.
 */
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ServerCertificate } from '../../shared/domain';
import { capturePeerCertificate, shownCertificate, tlsFailureMessage, tlsOptionsFor, type CertificateTrust, type SeenCertificate } from '../cups/tls-trust';
import type { TraceSink } from '../trace';

/** What an HTTP answer to one request was, for the service's reader. */
export interface HttpAnswer {
  status: number;
  statusMessage?: string;
  /** The Content-Type header, whose charset (if any) decodes the body. */
  contentType?: string;
  body: Buffer;
}

export const charsetOf = (contentType: string | undefined) => /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];

/**
 * `host`, `host:port` or a URL → the service's URL (HTTP unless the URL says HTTPS), with
 * `defaultPath` when none is given. What cannot be one is refused in words naming `noun`
 * ("router", "server"), as the service's own error.
 */
export function serviceUrl(server: string, defaultPath: string, noun: string, invalid: (message: string) => Error): URL {
  const trimmed = server.trim();
  if (!trimmed) throw invalid(`Enter the ${noun} to sign in to.`);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw invalid(`"${server}" is not a ${noun} name or address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`"${server}" must be an http or https address.`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = defaultPath;
  return url;
}

export const hostPort = (url: URL) => `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;

export const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

export type TransportFailure = 'timeout' | 'parse' | 'unreachable' | 'tls';

export interface HttpExchange<E extends Error, T> {
  endpoint: URL;
  /** Named in the trace and in words ("the login response …"). */
  operation: string;
  body: string;
  headers: Record<string, string | number>;
  timeoutMs: number;
  /**
   * `whole`: the limit covers connection to last byte (a server that trickles its answer is cut
   * off as surely as one that says nothing); `idle`: it covers each silence on the socket.
   */
  timeoutCovers: 'whole' | 'idle';
  maxResponseBytes: number;
  trust?: CertificateTrust | undefined;
  trace?: TraceSink | undefined;
  log?: ((line: string) => void) | undefined;
  /** Starts each failure's log line ("cups", "cme"). */
  logName: string;
  /** The service's words for what only it can name. */
  words: {
    timeout: (seconds: number) => string;
    tooLarge: (megabytes: number) => string;
    unreachable: (reason: string) => string;
  };
  /** Builds the service's error (its class keeps the operation and host:port). */
  failure: (code: TransportFailure, message: string, certificate?: ServerCertificate) => E;
  /** Reads the answer; what it throws is the exchange's failure. */
  read: (answer: HttpAnswer) => T;
}

/** Posts `body` and resolves with what `read` made of the answer; rejects with the service's error. */
export function postXml<E extends Error & { code: string }, T>(x: HttpExchange<E, T>): Promise<T> {
  const { endpoint, operation, timeoutMs, maxResponseBytes: max } = x;
  const target = hostPort(endpoint);
  const secure = endpoint.protocol === 'https:';
  let seen: SeenCertificate | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: E | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) {
        x.log?.(`${x.logName}: ${operation} failed: ${error.code}: ${error.message}`);
        reject(error);
      } else resolve(value as T);
    };
    const timedOut = () => {
      finish(x.failure('timeout', x.words.timeout(Math.round(timeoutMs / 1000))));
      req.destroy();
    };
    const req = (secure ? https : http).request(endpoint, {
      method: 'POST',
      headers: x.headers,
      ...(x.timeoutCovers === 'idle' ? { timeout: timeoutMs } : {}),
      // HTTPS: a fresh connection per request, so every request is verified against the
      // certificate served now (a kept-alive socket would outlive a certificate change).
      ...(secure ? { agent: false, ...tlsOptionsFor(target, x.trust) } : {}),
    });
    const deadline = x.timeoutCovers === 'whole' ? setTimeout(timedOut, timeoutMs) : undefined;
    if (x.timeoutCovers === 'idle') req.on('timeout', timedOut);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) {
          finish(x.failure('parse', x.words.tooLarge(Math.round(max / 1024 / 1024))));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(x.failure('unreachable', `Lost the connection to ${target} (${error.message}).`)));
      res.on('end', () => {
        if (settled) return;
        const body = Buffer.concat(chunks);
        x.trace?.record({ protocol: 'soap', direction: 'in', peer: endpoint.href, operation, raw: `HTTP ${res.statusCode ?? 0}\n${body.toString('utf8')}` });
        try {
          const answer: HttpAnswer = {
            status: res.statusCode ?? 0,
            body,
            ...(res.statusMessage ? { statusMessage: res.statusMessage } : {}),
            ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
          };
          finish(undefined, x.read(answer));
        } catch (error) {
          finish(error as E);
        }
      });
    });
    if (secure) req.on('socket', (socket) => capturePeerCertificate(socket as TLSSocket, target, (c) => (seen = c)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // After our own time limit or size cap destroyed the request, it is already reported.
      if (settled) return;
      const code = error.code ?? '';
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(code)) {
        const pin = x.trust?.pinFor(target);
        if (seen) x.trust?.seen?.(seen);
        finish(x.failure('tls', tlsFailureMessage(target, code, seen, pin), seen ? shownCertificate(seen, pin) : undefined));
      } else {
        finish(x.failure('unreachable', x.words.unreachable(NET_WORDS[code] ?? (error.message || code))));
      }
    });
    x.trace?.record({ protocol: 'soap', direction: 'out', peer: endpoint.href, operation, raw: x.body });
    req.end(x.body);
  });
}
