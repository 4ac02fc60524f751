/**
 * Event-list (RFC 4662) NOTIFY bodies as Kamailio's RLS sends them: multipart/related with the
 * RLMI document first and one PIDF part per member with a presence document. Shared by the
 * event-list unit tests and the fuzz suite.
 */
import { buildPidf } from '../../core/sip/codecs/pidf';

export const LIST = 'sip:alex-list@lab.test';
export const B = 'b0undary-7';
export const CT = `multipart/related;type="application/rlmi+xml";start="<root@rls>";boundary="${B}"`;

export type Member = { uri: string; state?: 'active' | 'pending' | 'terminated'; reason?: string; pidf?: string };

/** An event-list body as Kamailio sends it (CRLF, quoted boundary, start part first). */
export function body(version: number, fullState: boolean, members: Member[], eol = '\r\n'): string {
  const rlmi =
    `<?xml version="1.0"?>${eol}<list uri="${LIST}" xmlns="urn:ietf:params:xml:ns:rlmi" version="${version}" fullState="${fullState}">` +
    members
      .map((m, i) =>
        m.state
          ? `<resource uri="${m.uri}"><instance id="i${i}" state="${m.state}"${m.reason ? ` reason="${m.reason}"` : ''}${m.pidf ? ` cid="c${i}@rls"` : ''}/></resource>`
          : `<resource uri="${m.uri}"/>`,
      )
      .join('') +
    `</list>`;
  const parts = [`Content-Transfer-Encoding: binary${eol}Content-ID: <root@rls>${eol}Content-Type: application/rlmi+xml;charset="UTF-8"${eol}${eol}${rlmi}`];
  members.forEach((m, i) => {
    if (m.pidf) parts.push(`Content-Transfer-Encoding: binary${eol}Content-ID: <c${i}@rls>${eol}Content-Type: application/pidf+xml${eol}${eol}${m.pidf}`);
  });
  return `--${B}${eol}${parts.join(`${eol}${eol}--${B}${eol}`)}${eol}${eol}--${B}--${eol}`;
}

export const pidf = (user: string, availability: 'available' | 'busy' | 'away' | 'dnd', note = '') =>
  buildPidf(`sip:${user}@lab.test`, { availability, note }, `t-${user}`);
export const uri = (user: string) => `sip:${user}@lab.test`;
