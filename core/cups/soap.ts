/**
 * SOAP envelopes and the HTTP exchange with a CUPS server. Each failure mode gets its own
 * code and words: unreachable (naming host and port), timeout, TLS, HTTP status, SOAP fault
 * (the server's own text), and a body that is not the XML we expect (naming the operation).
 */
import http from 'node:http';
import https from 'node:https';
import { attr, child, children, decodeXmlBytes, endsWell, escapeXml, find, parseXml, rootName, text, XmlError, type XmlNode } from '../xml/safe-xml';
import type { TraceSink } from '../trace';
import type { TLSSocket } from 'node:tls';
import { CupsError, EPAS_NS } from './types';
import { capturePeerCertificate, shownCertificate, tlsFailureMessage, tlsOptionsFor, type CertificateTrust, type SeenCertificate } from './tls-trust';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** `host`, `host:port`, or a URL → the EPASSoap endpoint URL. */
export function cupsEndpoint(server: string): URL {
  const trimmed = server.trim();
  if (!trimmed) throw new CupsError('invalid-input', 'Enter the server to sign in to.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw new CupsError('invalid-input', `"${server}" is not a server name or address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CupsError('invalid-input', `"${server}" must be an http or https address.`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/EPASSoap/service';
  return url;
}

/** Builds a SOAP 1.2 request; `sessionKey` goes in the header (every operation but login). */
export function envelope(body: string, sessionKey?: string): string {
  const header = sessionKey ? `<soapenv:Header><session-key>${escapeXml(sessionKey)}</session-key></soapenv:Header>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${EPAS_NS}">` +
    `${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export interface ExchangeOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
  log?: (line: string) => void;
  /** Receives each request and response body, for the Diagnostics view. */
  trace?: TraceSink;
  /** Certificates the user trusted per host:port (HTTPS only). */
  trust?: CertificateTrust;
  /** The user's language (BCP 47), to pick a fault's text among several; the system's by default. */
  language?: string;
  /** Extra or replaced HTTP headers (RisPort70: SOAP 1.1 Content-Type, its SOAPAction, Basic auth). */
  headers?: Record<string, string>;
}

/** A SOAP service signed in to as one user (the CUPS session, WebDialer). */
export interface SoapClientOptions extends ExchangeOptions {
  /** Host name or host:port (HTTPS assumed), or a full URL of the service. */
  server: string;
  user: string;
  password: string;
}

function hostPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
}

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

const systemLanguage = () => Intl.DateTimeFormat().resolvedOptions().locale || 'en';

/**
 * The text to show among several of a SOAP 1.2 `Reason` (one `Text` per `xml:lang`): the
 * user's language (exact tag, then its primary subtag: `fr-CA` takes `fr`), else English,
 * else the first. Empty texts are passed over.
 */
function reasonText(reason: XmlNode | undefined, language: string): string {
  const texts = children(reason, 'Text')
    .map((t) => ({ lang: (attr(t, 'lang') ?? '').toLowerCase(), text: text(t).trim() }))
    .filter((t) => t.text);
  const wanted = language.toLowerCase();
  const primary = (tag: string) => tag.split('-')[0];
  return (
    (texts.find((t) => t.lang === wanted) ?? texts.find((t) => primary(t.lang) === primary(wanted)) ?? texts.find((t) => primary(t.lang) === 'en') ?? texts[0])
      ?.text ?? ''
  );
}

/** Reads a SOAP fault (1.1 or 1.2) from a parsed body, if there is one. */
export function readFault(tree: XmlNode, language = systemLanguage()): { code: string; reason: string } | undefined {
  const fault = find(tree, 'Fault');
  if (!fault) return undefined;
  const code = text(find(find(fault, 'Code'), 'Value')) || text(find(fault, 'faultcode'));
  const reason = reasonText(find(fault, 'Reason'), language) || text(find(fault, 'faultstring')) || 'The server reported an error.';
  return { code, reason };
}

/** The elements that answer `operation`: CUPS `<op>-resp`, WebDialer `<op>Response`/`<op>Return`. */
const responseNames = (operation: string) => [`${operation}-resp`, `${operation}Response`, `${operation}Return`];

/** What an HTTP answer to one SOAP request was, for `readSoapResponse`. */
export interface SoapAnswer {
  status: number;
  statusMessage?: string;
  /** The Content-Type header, whose charset (if any) decodes the body. */
  contentType?: string;
  body: Buffer;
}

const charsetOf = (contentType: string | undefined) => /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];

/**
 * Reads one SOAP answer, refusing what is not a whole answer to `operation` (each in words,
 * so the caller keeps the last good state on screen instead of showing an empty list):
 * - the body is decoded as declared (Content-Type charset, BOM, XML declaration);
 * - an HTML page or any non-SOAP body (a proxy's error page served with 200) is not read as
 *   an empty answer;
 * - a fault is thrown as the server's own words, in the user's language where offered;
 * - a body cut off before `</Envelope>` is refused even when the lenient reader could build a
 *   tree from it, while the guide's print damage inside a whole envelope is still repaired;
 * - an envelope without the operation's response element is refused.
 */
export function readSoapResponse(answer: SoapAnswer, operation: string, target: string, options: { maxBytes?: number; language?: string } = {}): XmlNode {
  const httpError = () =>
    new CupsError('http', `The server at ${target} answered HTTP ${answer.status} ${answer.statusMessage ?? ''}`.trim() + '.', target, operation);
  let body: string;
  try {
    body = decodeXmlBytes(answer.body, charsetOf(answer.contentType), `${operation} response`);
  } catch (error) {
    throw new CupsError('parse', (error as Error).message, target, operation);
  }
  // A login portal's or a proxy's page usually starts with <!DOCTYPE html>: say "a web page", not "a DOCTYPE is refused".
  if (/^\s*text\/html\b/i.test(answer.contentType ?? '') || /^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE\s+html\b|<html\b)/i.test(body)) {
    if (answer.status >= 400) throw httpError();
    throw new CupsError('parse', `The server at ${target} answered ${operation} with a web page, not a SOAP response; nothing was changed.`, target, operation);
  }
  let tree: XmlNode;
  try {
    tree = parseXml(body, { maxBytes: options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES, what: `${operation} response` });
  } catch (error) {
    if (answer.status >= 400) throw httpError();
    throw new CupsError('parse', error instanceof XmlError ? error.message : `The ${operation} response could not be read.`, target, operation);
  }
  const root = rootName(body) ?? '';
  const local = root.slice(root.indexOf(':') + 1);
  if (local !== 'Envelope' || !child(tree, 'Envelope')) {
    if (answer.status >= 400) throw httpError();
    const what = /^html$/i.test(local) ? 'a web page' : `a <${root.slice(0, 40)}> document`;
    throw new CupsError('parse', `The server at ${target} answered ${operation} with ${what}, not a SOAP response; nothing was changed.`, target, operation);
  }
  if (!endsWell(body))
    throw new CupsError('parse', `The ${operation} response from ${target} was cut off before its end; nothing from it was used.`, target, operation);
  const fault = readFault(tree, options.language);
  if (fault) throw new CupsError(/session/i.test(fault.reason) ? 'session-expired' : 'soap-fault', fault.reason, fault.code, operation);
  if (answer.status !== 200) throw httpError();
  if (!responseNames(operation).some((name) => find(tree, name))) {
    throw new CupsError('parse', `The ${operation} response from ${target} does not contain <${operation}-resp>; nothing from it was used.`, target, operation);
  }
  return tree;
}

/** Posts one SOAP request and returns the parsed response body (faults thrown as CupsError). */
export function exchange(endpoint: URL, operation: string, xml: string, options: ExchangeOptions = {}): Promise<XmlNode> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const target = hostPort(endpoint);
  const secure = endpoint.protocol === 'https:';
  const lib = secure ? https : http;
  let seen: SeenCertificate | undefined;
  return new Promise((resolve, reject) => {
    const fail = (e: CupsError) => {
      options.log?.(`cups: ${operation} failed: ${e.code}: ${e.message}`);
      reject(e);
    };
    const req = lib.request(
      endpoint,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/soap+xml; charset=utf-8',
          'Content-Length': Buffer.byteLength(xml),
          SOAPAction: `"${operation}"`,
          ...options.headers,
        },
        timeout: timeoutMs,
        // HTTPS: a fresh connection per request, so every request is verified against the
        // certificate served now (a kept-alive socket would outlive a certificate change).
        ...(secure ? { agent: false, ...tlsOptionsFor(target, options.trust) } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            req.destroy();
            fail(new CupsError('parse', `The ${operation} response is larger than ${Math.round(max / 1024 / 1024)} MB and was refused.`, target, operation));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(new CupsError('unreachable', `Lost the connection to ${target} (${error.message}).`, target, operation)));
        res.on('end', () => {
          if (size > max) return;
          const body = Buffer.concat(chunks);
          options.trace?.record({
            protocol: 'soap',
            direction: 'in',
            peer: endpoint.href,
            operation,
            raw: `HTTP ${res.statusCode ?? 0}\n${body.toString('utf8')}`,
          });
          try {
            const answer = {
              status: res.statusCode ?? 0,
              body,
              ...(res.statusMessage ? { statusMessage: res.statusMessage } : {}),
              ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
            };
            resolve(readSoapResponse(answer, operation, target, { maxBytes: max, ...(options.language ? { language: options.language } : {}) }));
          } catch (error) {
            fail(error as CupsError);
          }
        });
      },
    );
    if (secure) {
      req.on('socket', (socket) => capturePeerCertificate(socket as TLSSocket, target, (c) => (seen = c)));
    }
    req.on('timeout', () => {
      req.destroy();
      fail(new CupsError('timeout', `${target} did not answer ${operation} within ${Math.round(timeoutMs / 1000)} s.`, target, operation));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (req.destroyed && !error.code) return;
      const code = error.code ?? '';
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(code)) {
        const pin = options.trust?.pinFor(target);
        if (seen) options.trust?.seen?.(seen);
        fail(new CupsError('tls', tlsFailureMessage(target, code, seen, pin), target, operation, seen ? shownCertificate(seen, pin) : undefined));
      } else if (code === 'ECONNRESET' && req.destroyed) {
        // Our own timeout or size cap destroyed the request: already reported.
      } else {
        fail(new CupsError('unreachable', `Cannot reach ${target} (${NET_WORDS[code] ?? (error.message || code)}).`, target, operation));
      }
    });
    options.trace?.record({ protocol: 'soap', direction: 'out', peer: endpoint.href, operation, raw: xml });
    req.end(xml);
  });
}
