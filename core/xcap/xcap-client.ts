/**
 * XCAP (RFC 4825): documents and their parts over HTTP, each user's under
 * `<root>/<auid>/users/<xui>/index`. Every write names the smallest part it changes (a node
 * selector after `~~`) and is conditional: `If-Match` with the document's last ETag, or
 * `If-None-Match: "*"` for a part that must not exist yet, so an edit made by another client in
 * between is answered 412 and never silently overwritten. HTTP digest (RFC 7616) with the SIP
 * password, as XCAP servers beside SIP registrars ask.
 *
 * Servers differ (measured on Kamailio 5.6): a new document is answered 200, not 201; only the
 * quoted `"*"` works; deleting something missing is answered 500; the connection closes after
 * every reply. The client therefore opens a connection per request and treats 500 on DELETE
 * after a re-read as "already gone" only where the caller says so.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DeskError } from '../errors';
import { digestAuthorization } from '../sip/message/digest';
import type { TraceSink } from '../trace';

export interface XcapClientOptions {
  /** The XCAP root URI, e.g. `https://xcap.example.com/xcap-root`. */
  root: string;
  /** The user's SIP address (the XUI), `sip:alice@example.com`. */
  xui: string;
  /** Digest user name (the SIP user part) and password. */
  username: string;
  password: string;
  timeoutMs?: number;
  /** Largest answer read (default 4 MB). */
  maxBytes?: number;
  trace?: TraceSink;
  log?: (line: string) => void;
}

export interface XcapResponse {
  status: number;
  etag?: string;
  contentType?: string;
  body: string;
}

/** A conditional write refused because the document changed since it was read (412). */
export class XcapConflict extends DeskError {
  constructor(what: string) {
    super('http', `${what}: the list was changed elsewhere meanwhile.`);
  }
}

/** `"` must be escaped in node selectors' attribute values; XCAP uses `&quot;` (RFC 4825 §6.3). */
export const selectorValue = (value: string) => `"${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;

/** Characters a node selector keeps as they are in a path (RFC 3986 pchar plus `/`), the rest percent-encoded. */
const encodeSelector = (selector: string) => selector.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) => encodeURIComponent(c));

export class XcapClient {
  private readonly log: (line: string) => void;
  /** The last challenge, answered in advance on later requests (the server may refuse it: then asked again). */
  private challenge: { realm: string; nonce: string; opaque?: string; algorithm?: string; qop?: 'auth'; nc: number } | undefined;

  constructor(private readonly options: XcapClientOptions) {
    this.log = options.log ?? (() => {});
  }

  /** The document's path: `<root>/<auid>/users/<xui>/index`. */
  documentUrl(auid: string, document = 'index'): string {
    return `${this.options.root.replace(/\/+$/, '')}/${auid}/users/${encodeURIComponent(this.options.xui).replace(/%3A/g, ':').replace(/%40/g, '@')}/${document}`;
  }

  /** A node's URL: the document's, `/~~/`, then the node selector. */
  nodeUrl(auid: string, selector: string): string {
    return `${this.documentUrl(auid)}/~~/${encodeSelector(selector.replace(/^\//, ''))}`;
  }

  get(url: string): Promise<XcapResponse> {
    return this.send('GET', url);
  }

  /** PUT of a document or part, conditional on `etag` (or on not existing yet when `etag` is `null`). */
  put(url: string, body: string, contentType: string, etag: string | null | undefined): Promise<XcapResponse> {
    return this.send('PUT', url, body, contentType, etag);
  }

  delete(url: string, etag: string | undefined): Promise<XcapResponse> {
    return this.send('DELETE', url, undefined, undefined, etag);
  }

  private async send(method: string, url: string, body?: string, contentType?: string, etag?: string | null): Promise<XcapResponse> {
    const headers: Record<string, string> = {};
    if (contentType) headers['Content-Type'] = contentType;
    if (etag === null) headers['If-None-Match'] = '"*"';
    else if (etag) headers['If-Match'] = etag;
    let answer = await this.once(method, url, headers, body);
    if (answer.status === 401 && answer.challenge) {
      this.challenge = answer.challenge;
      answer = await this.once(method, url, headers, body);
      if (answer.status === 401) {
        this.challenge = undefined;
        throw new DeskError('auth', `The XCAP server ${new URL(url).host} refused the user name or password.`);
      }
    }
    return answer;
  }

  private authorization(method: string, url: string): string | undefined {
    const c = this.challenge;
    if (!c) return undefined;
    c.nc += 1;
    const { pathname, search } = new URL(url);
    return digestAuthorization({
      username: this.options.username,
      password: this.options.password,
      method,
      uri: `${pathname}${search}`,
      realm: c.realm,
      nonce: c.nonce,
      ...(c.opaque !== undefined ? { opaque: c.opaque } : {}),
      ...(c.algorithm ? { algorithm: c.algorithm } : {}),
      ...(c.qop ? { qop: c.qop, nc: c.nc } : {}),
    });
  }

  private once(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<XcapResponse & { challenge?: NonNullable<XcapClient['challenge']> }> {
    const target = new URL(url);
    const auth = this.authorization(method, url);
    const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const all: Record<string, string | number> = { ...headers, ...(auth ? { Authorization: auth } : {}), ...(bytes ? { 'Content-Length': bytes.length } : {}) };
    const maxBytes = this.options.maxBytes ?? 4 * 1024 * 1024;
    const where = `${method} ${target.pathname}`;
    this.options.trace?.record({ protocol: 'xcap', direction: 'out', peer: target.origin, raw: `${where}\n${body ?? ''}` });
    return new Promise((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, { method, headers: all, agent: false, timeout: this.options.timeoutMs ?? 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new DeskError('parse', `The XCAP server sent more than ${Math.round(maxBytes / 1024 / 1024)} MB for ${target.pathname}; refused.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          this.options.trace?.record({
            protocol: 'xcap',
            direction: 'in',
            peer: target.origin,
            raw: `${status} ${res.statusMessage ?? ''} (${where})\n${text}`,
          });
          resolve({
            status,
            ...(header(res.headers, 'etag') ? { etag: header(res.headers, 'etag') } : {}),
            ...(header(res.headers, 'content-type') ? { contentType: header(res.headers, 'content-type') } : {}),
            body: text,
            ...(status === 401 ? { challenge: parseChallenge(header(res.headers, 'www-authenticate')) } : {}),
          });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new DeskError('timeout', `The XCAP server ${target.host} did not answer ${method} in time.`)));
      req.on('error', (error) => {
        if (error instanceof DeskError) return reject(error);
        const code = (error as NodeJS.ErrnoException).code;
        this.log(`xcap: ${where}: ${code ?? error.message}`);
        reject(new DeskError('unreachable', `Could not reach the XCAP server ${target.host} (${code ?? error.message}).`));
      });
      req.end(bytes);
    });
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A `WWW-Authenticate: Digest …` challenge's parameters, or undefined for another scheme. */
function parseChallenge(value: string | undefined): NonNullable<XcapClient['challenge']> | undefined {
  if (!value || !/^\s*digest\s/i.test(value)) return undefined;
  const params: Record<string, string> = {};
  for (const m of value.replace(/^\s*digest\s+/i, '').matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g))
    params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  if (!params.realm || !params.nonce) return undefined;
  const qop = params.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? ('auth' as const)
    : undefined;
  return {
    realm: params.realm,
    nonce: params.nonce,
    ...(params.opaque !== undefined ? { opaque: params.opaque } : {}),
    ...(params.algorithm ? { algorithm: params.algorithm } : {}),
    ...(qop ? { qop } : {}),
    nc: 0,
  };
}
