/**
 * The IXI transport to a Cisco Unified CME router: one HTTP(S) POST per request to
 * `http://<router>/ios_xml_app/cme` (the configuration chapter's `ixi application cme`), with
 * the router's `xml user` credentials (HTTP Basic, which is how IOS's HTTP server asks for
 * them). Over HTTPS the certificate is checked exactly as for CUPS (core/cups/tls-trust.ts: the
 * system's roots, or the one certificate the user trusted for that host:port).
 *
 * Limits, because a router is a small box that can be slow or misconfigured: a time limit for
 * the whole exchange (a router that trickles its answer is cut off as surely as one that says
 * nothing), a cap on the answer's size, and every failure in words: unreachable (host:port),
 * time limit, TLS, wrong password (401), a web page instead of XML, a SOAP fault (the router's
 * own text), an answer cut off or without the request's `<response>`.
 */
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { capturePeerCertificate, shownCertificate, tlsFailureMessage, tlsOptionsFor, type CertificateTrust, type SeenCertificate } from '../cups/tls-trust';
import type { TraceSink } from '../trace';
import { decodeXmlBytes, endsWell, find, parseXml, rootName, text, XmlError, type XmlNode } from '../xml/safe-xml';
import type { CmeOperation } from './requests';
import { responseOf } from './read';
import { CmeError } from './types';

export const CME_XML_PATH = '/ios_xml_app/cme';
export const DEFAULT_CME_TIMEOUT_MS = 10_000;
export const DEFAULT_CME_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface IxiOptions {
  /** Router: host, host:port or a URL (the IXI path is added when none is given). */
  server: string;
  user: string;
  password: string;
  /** The whole exchange, connection to last byte. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  trust?: CertificateTrust;
  trace?: TraceSink;
  log?: (line: string) => void;
}

/** `host`, `host:port` or a URL → the router's IXI URL (HTTP unless the URL says HTTPS). */
export function cmeEndpoint(server: string): URL {
  const trimmed = server.trim();
  if (!trimmed) throw new CmeError('invalid-input', 'Enter the router to sign in to.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw new CmeError('invalid-input', `"${server}" is not a router name or address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CmeError('invalid-input', `"${server}" must be an http or https address.`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = CME_XML_PATH;
  return url;
}

const hostPort = (url: URL) => `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

/** What an HTTP answer to one request was. */
export interface IxiAnswer {
  status: number;
  statusMessage?: string;
  contentType?: string;
  body: Buffer;
}

const charsetOf = (contentType: string | undefined) => /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];

/** A SOAP 1.1 or 1.2 fault's words, if the answer is one. */
function faultOf(tree: XmlNode): string | undefined {
  const fault = find(tree, 'Fault');
  if (!fault) return undefined;
  const reason =
    text(find(find(fault, 'Reason'), 'Text')) || text(find(fault, 'faultstring')) || text(find(find(fault, 'Code'), 'Value')) || text(find(fault, 'faultcode'));
  return reason.trim() || 'The router reported an error without words.';
}

/**
 * Reads one answer to `operation`, refusing anything that is not a whole XML API response
 * (each in words, so the caller keeps what it showed before instead of an empty list).
 */
export function readIxiAnswer(answer: IxiAnswer, operation: CmeOperation, target: string, maxBytes = DEFAULT_CME_MAX_RESPONSE_BYTES): XmlNode {
  if (answer.status === 401 || answer.status === 403)
    throw new CmeError(
      'auth',
      `The router at ${target} refused the user name or password for its XML interface (HTTP ${answer.status}). Check that they match an "xml user" of the router.`,
      target,
      operation,
    );
  const httpError = () =>
    new CmeError(
      'http',
      `The router at ${target} answered HTTP ${answer.status} ${answer.statusMessage ?? ''}`.trim() + ` to ${operation}.`,
      target,
      operation,
    );
  let body: string;
  let tree: XmlNode;
  try {
    body = decodeXmlBytes(answer.body, charsetOf(answer.contentType), `${operation} response`);
    if (answer.status >= 400 && !/^\s*</.test(body)) throw httpError();
    tree = parseXml(body, { maxBytes, what: `${operation} response` });
  } catch (error) {
    if (error instanceof CmeError) throw error;
    if (answer.status >= 400) throw httpError();
    throw new CmeError('parse', error instanceof XmlError ? error.message : `The ${operation} response could not be read.`, target, operation);
  }
  const root = rootName(body) ?? '';
  const local = root.slice(root.indexOf(':') + 1);
  if (/^html$/i.test(local)) {
    if (answer.status >= 400) throw httpError();
    throw new CmeError(
      'parse',
      `The router at ${target} answered ${operation} with a web page, not an XML API response. Is its XML interface ("ixi application cme") enabled?`,
      target,
      operation,
    );
  }
  if (!endsWell(body))
    throw new CmeError('parse', `The ${operation} response from ${target} was cut off before its end; nothing from it was used.`, target, operation);
  const fault = faultOf(tree);
  if (fault) throw new CmeError('soap-fault', `The router refused ${operation}: ${fault}`, target, operation);
  if (answer.status !== 200) throw httpError();
  const response = responseOf(tree);
  if (!response)
    throw new CmeError(
      'parse',
      `The router at ${target} answered ${operation} with a <${root.slice(0, 40)}> document, not an XML API <response>.`,
      target,
      operation,
    );
  return response;
}

/** One request/answer with the router; never more than one body in memory and never past the time limit. */
export function ixiExchange(options: IxiOptions, operation: CmeOperation, xml: string): Promise<XmlNode> {
  const endpoint = cmeEndpoint(options.server);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CME_TIMEOUT_MS;
  const max = options.maxResponseBytes ?? DEFAULT_CME_MAX_RESPONSE_BYTES;
  const target = hostPort(endpoint);
  const secure = endpoint.protocol === 'https:';
  let seen: SeenCertificate | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: CmeError | undefined, value?: XmlNode) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) {
        options.log?.(`cme: ${operation} failed: ${error.code}: ${error.message}`);
        reject(error);
      } else resolve(value!);
    };
    const req = (secure ? https : http).request(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        'Content-Length': Buffer.byteLength(xml),
        Authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`,
      },
      // HTTPS: a fresh connection each time, verified against the certificate served now.
      ...(secure ? { agent: false, ...tlsOptionsFor(target, options.trust) } : {}),
    });
    const deadline = setTimeout(() => {
      finish(new CmeError('timeout', `The router at ${target} did not answer ${operation} within ${Math.round(timeoutMs / 1000)} s.`, target, operation));
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) {
          finish(
            new CmeError(
              'parse',
              `The ${operation} response from ${target} is larger than ${Math.round(max / 1024 / 1024)} MB and was refused.`,
              target,
              operation,
            ),
          );
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => finish(new CmeError('unreachable', `Lost the connection to ${target} (${error.message}).`, target, operation)));
      res.on('end', () => {
        if (settled) return;
        const bodyBytes = Buffer.concat(chunks);
        options.trace?.record({
          protocol: 'soap',
          direction: 'in',
          peer: endpoint.href,
          operation,
          raw: `HTTP ${res.statusCode ?? 0}\n${bodyBytes.toString('utf8')}`,
        });
        try {
          const answer: IxiAnswer = {
            status: res.statusCode ?? 0,
            body: bodyBytes,
            ...(res.statusMessage ? { statusMessage: res.statusMessage } : {}),
            ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
          };
          finish(undefined, readIxiAnswer(answer, operation, target, max));
        } catch (error) {
          finish(error as CmeError);
        }
      });
    });
    if (secure) req.on('socket', (socket) => capturePeerCertificate(socket as TLSSocket, target, (c) => (seen = c)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      const code = error.code ?? '';
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(code)) {
        const pin = options.trust?.pinFor(target);
        if (seen) options.trust?.seen?.(seen);
        finish(new CmeError('tls', tlsFailureMessage(target, code, seen, pin), target, operation, seen ? shownCertificate(seen, pin) : undefined));
      } else {
        finish(new CmeError('unreachable', `Cannot reach the router at ${target} (${NET_WORDS[code] ?? (error.message || code)}).`, target, operation));
      }
    });
    options.trace?.record({ protocol: 'soap', direction: 'out', peer: endpoint.href, operation, raw: xml });
    req.end(xml);
  });
}
