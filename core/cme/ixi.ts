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
import type { CertificateTrust } from '../cups/tls-trust';
import { charsetOf, hostPort, postXml, serviceUrl, type HttpAnswer } from '../http/exchange';
import type { TraceSink } from '../trace';
import { decodeXmlBytes, endsWell, find, isWebPage, parseXml, rootName, text, XmlError, type XmlNode } from '../xml/safe-xml';
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
  return serviceUrl(server, CME_XML_PATH, 'router', (message) => new CmeError('invalid-input', message));
}

/** What an HTTP answer to one request was. */
export type IxiAnswer = HttpAnswer;

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
    if (isWebPage(body)) {
      if (answer.status >= 400) throw httpError();
      throw new CmeError(
        'parse',
        `The router at ${target} answered ${operation} with a web page, not an XML API response. Is its XML interface ("ixi application cme") enabled?`,
        target,
        operation,
      );
    }
    tree = parseXml(body, { maxBytes, what: `${operation} response` });
  } catch (error) {
    if (error instanceof CmeError) throw error;
    if (answer.status >= 400) throw httpError();
    throw new CmeError('parse', error instanceof XmlError ? error.message : `The ${operation} response could not be read.`, target, operation);
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
      `The router at ${target} answered ${operation} with a <${(rootName(body) ?? '').slice(0, 40)}> document, not an XML API <response>.`,
      target,
      operation,
    );
  return response;
}

/** One request/answer with the router; never more than one body in memory and never past the time limit. */
export function ixiExchange(options: IxiOptions, operation: CmeOperation, xml: string): Promise<XmlNode> {
  const endpoint = cmeEndpoint(options.server);
  const max = options.maxResponseBytes ?? DEFAULT_CME_MAX_RESPONSE_BYTES;
  const target = hostPort(endpoint);
  return postXml({
    endpoint,
    operation,
    body: xml,
    headers: {
      'Content-Type': 'text/xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(xml),
      Authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`,
    },
    timeoutMs: options.timeoutMs ?? DEFAULT_CME_TIMEOUT_MS,
    timeoutCovers: 'whole',
    maxResponseBytes: max,
    trust: options.trust,
    trace: options.trace,
    log: options.log,
    logName: 'cme',
    words: {
      timeout: (seconds) => `The router at ${target} did not answer ${operation} within ${seconds} s.`,
      tooLarge: (megabytes) => `The ${operation} response from ${target} is larger than ${megabytes} MB and was refused.`,
      unreachable: (reason) => `Cannot reach the router at ${target} (${reason}).`,
    },
    failure: (code, message, certificate) => new CmeError(code, message, target, operation, certificate),
    read: (answer) => readIxiAnswer(answer, operation, target, max),
  });
}
