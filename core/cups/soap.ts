/**
 * SOAP envelopes and the HTTP exchange with a CUPS server. Each failure mode gets its own
 * code and words: unreachable (naming host and port), timeout, TLS, HTTP status, SOAP fault
 * (the server's own text), and a body that is not the XML we expect (naming the operation).
 */
import { attr, child, children, decodeXmlBytes, endsWell, escapeXml, find, isWebPage, parseXml, rootName, text, XmlError, type XmlNode } from '../xml/safe-xml';
import type { TraceSink } from '../trace';
import { CupsError, EPAS_NS } from './types';
import type { CertificateTrust } from './tls-trust';
import { charsetOf, hostPort, postXml, serviceUrl, type HttpAnswer } from '../http/exchange';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** `host`, `host:port`, or a URL → the EPASSoap endpoint URL. */
export function cupsEndpoint(server: string): URL {
  return serviceUrl(server, '/EPASSoap/service', 'server', (message) => new CupsError('invalid-input', message));
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
export type SoapAnswer = HttpAnswer;

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
  if (/^\s*text\/html\b/i.test(answer.contentType ?? '') || isWebPage(body)) {
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
    throw new CupsError(
      'parse',
      `The server at ${target} answered ${operation} with a <${root.slice(0, 40)}> document, not a SOAP response; nothing was changed.`,
      target,
      operation,
    );
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
  const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const target = hostPort(endpoint);
  return postXml({
    endpoint,
    operation,
    body: xml,
    headers: {
      'Content-Type': 'application/soap+xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(xml),
      SOAPAction: `"${operation}"`,
      ...options.headers,
    },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    timeoutCovers: 'idle',
    maxResponseBytes: max,
    trust: options.trust,
    trace: options.trace,
    log: options.log,
    logName: 'cups',
    words: {
      timeout: (seconds) => `${target} did not answer ${operation} within ${seconds} s.`,
      tooLarge: (megabytes) => `The ${operation} response is larger than ${megabytes} MB and was refused.`,
      unreachable: (reason) => `Cannot reach ${target} (${reason}).`,
    },
    failure: (code, message, certificate) => new CupsError(code, message, target, operation, certificate),
    read: (answer) => readSoapResponse(answer, operation, target, { maxBytes: max, ...(options.language ? { language: options.language } : {}) }),
  });
}
