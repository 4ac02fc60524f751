/**
 * The lab's own XCAP requests (not the client's XcapClient): it writes the demo world's
 * documents (buddy lists, pres-rules) and lets tests read what the server holds, answering
 * Kamailio's plain MD5 digest challenge from the documents (RFC 7616 without qop).
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';

export interface LabXcapUser {
  root: string;
  user: string;
  domain: string;
  password: string;
}

export interface LabXcapAnswer {
  status: number;
  etag?: string;
  body: string;
}

const md5 = (v: string) => createHash('md5').update(v).digest('hex');

function once(method: string, url: URL, headers: Record<string, string>, body?: string): Promise<LabXcapAnswer & { challenge?: string }> {
  return new Promise((resolve, reject) => {
    const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = request(url, { method, agent: false, headers: { ...headers, ...(bytes ? { 'Content-Length': String(bytes.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(typeof res.headers.etag === 'string' ? { etag: res.headers.etag } : {}),
          body: Buffer.concat(chunks).toString('utf8'),
          ...(typeof res.headers['www-authenticate'] === 'string' ? { challenge: res.headers['www-authenticate'] } : {}),
        }),
      );
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** One XCAP request as `who`, answering the digest challenge. */
export async function labXcap(who: LabXcapUser, method: 'GET' | 'PUT' | 'DELETE', path: string, body?: string, contentType?: string): Promise<LabXcapAnswer> {
  const url = new URL(`${who.root}${path}`);
  const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
  const first = await once(method, url, headers, body);
  if (first.status !== 401 || !first.challenge) return first;
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(first.challenge!)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const uri = `${url.pathname}${url.search}`;
  const response = md5(`${md5(`${who.user}:${realm}:${who.password}`)}:${nonce}:${md5(`${method}:${uri}`)}`);
  headers.Authorization = `Digest username="${who.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`;
  const { challenge: _ignored, ...answer } = await once(method, url, headers, body);
  return answer;
}

/** A user's document path under the XCAP root. */
export const labDocumentPath = (auid: string, user: string, domain: string) => `/${auid}/users/sip:${user}@${domain}/index`;

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A resource-lists document (RFC 4826 §3) written from the RFC's schema. */
export function labResourceLists(groups: { name: string; entries: { uri: string; name?: string }[] }[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">` +
    groups
      .map(
        (g) =>
          `<list name="${esc(g.name)}">` +
          g.entries.map((e) => `<entry uri="${esc(e.uri)}">${e.name ? `<display-name>${esc(e.name)}</display-name>` : ''}</entry>`).join('') +
          `</list>`,
      )
      .join('') +
    `</resource-lists>`
  );
}

/** pres-rules (RFC 5025) letting a whole domain see everything: what the colleague bots publish. */
export function labAllowDomain(domain: string): string {
  const pr = 'urn:ietf:params:xml:ns:pres-rules';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ruleset xmlns="urn:ietf:params:xml:ns:common-policy"><rule id="lab-allow-domain">` +
    `<conditions><identity><many domain="${esc(domain)}"/></identity></conditions>` +
    `<actions><sub-handling xmlns="${pr}">allow</sub-handling></actions>` +
    `<transformations><provide-services xmlns="${pr}"><all-services/></provide-services><provide-persons xmlns="${pr}"><all-persons/></provide-persons>` +
    `<provide-devices xmlns="${pr}"><all-devices/></provide-devices><provide-all-attributes xmlns="${pr}"/></transformations></rule></ruleset>`
  );
}
