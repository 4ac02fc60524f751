/**
 * SOAP envelopes and the HTTP exchange with a CUPS server. Each failure mode gets its own
 * code and words: unreachable (naming host and port), timeout, TLS, HTTP status, SOAP fault
 * (the server's own text), and a body that is not the XML we expect (naming the operation).
 */
import http from 'node:http';
import https from 'node:https';
import { escapeXml, find, parseXml, text, XmlError, type XmlNode } from '../xml/safe-xml';
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

/** Reads a SOAP fault (1.1 or 1.2) from a parsed body, if there is one. */
export function readFault(tree: XmlNode): { code: string; reason: string } | undefined {
  const fault = find(tree, 'Fault');
  if (!fault) return undefined;
  const code = text(find(find(fault, 'Code'), 'Value')) || text(find(fault, 'faultcode'));
  const reason = text(find(find(fault, 'Reason'), 'Text')) || text(find(fault, 'faultstring')) || 'The server reported an error.';
  return { code, reason };
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
          'SOAPAction': `"${operation}"`,
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
          const body = Buffer.concat(chunks).toString('utf8');
          options.trace?.record({ protocol: 'soap', direction: 'in', peer: endpoint.href, operation, raw: `HTTP ${res.statusCode ?? 0}\n${body}` });
          let tree: XmlNode;
          try {
            tree = parseXml(body, { maxBytes: max, what: `${operation} response` });
          } catch (error) {
            if (res.statusCode && res.statusCode >= 400) {
              fail(new CupsError('http', `The server at ${target} answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() + '.', endpoint.href, operation));
            } else {
              fail(new CupsError('parse', error instanceof XmlError ? error.message : `The ${operation} response could not be read.`, target, operation));
            }
            return;
          }
          const fault = readFault(tree);
          if (fault) {
            fail(new CupsError(/session/i.test(fault.reason) ? 'session-expired' : 'soap-fault', fault.reason, fault.code, operation));
            return;
          }
          if (res.statusCode !== 200) {
            fail(new CupsError('http', `The server at ${target} answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() + '.', endpoint.href, operation));
            return;
          }
          resolve(tree);
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
