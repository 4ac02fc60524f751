/**
 * What the lab's bulk publisher writes and reads on the wire, apart from the client's SIP
 * codecs: a PIDF document with the RPID and Cisco extensions the CUPS interoperability guide's
 * PUBLISH example shows (RFC 3863, 4480), Content-Length framing over TCP (RFC 3261 §18.3), and
 * the MD5 digest answer (RFC 2617 / 7616). Colleagues published through here are read by the
 * client's own PIDF reader, so a reader bug is not hidden by a shared writer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OwnStatus } from '../../shared/domain';
import { xmlText as e } from '../xml/lab-xml';

const ACTIVITY: Record<OwnStatus['availability'], string> = {
  available: '<ce:available/>',
  away: '<r:away/>',
  busy: '<r:busy/>',
  dnd: '<ce:dnd/>',
  invisible: '',
};

/** What a published document may add: when (PIDF `timestamp`) and a picture (CIPID `icon`, RFC 4482). */
export interface LabPidfExtras {
  timestamp?: string;
  icon?: string;
}

/** One tuple and, while open, a person element with the activity and the note (and the extras). */
export function labPidf(entity: string, status: OwnStatus, tupleId: string, extras: LabPidfExtras = {}): string {
  const open = status.availability !== 'invisible';
  const stamp = extras.timestamp ? `<timestamp>${e(extras.timestamp)}</timestamp>` : '';
  const icon = extras.icon ? `<c:icon>${e(extras.icon)}</c:icon>` : '';
  const note = open && status.note ? `<note>${e(status.note)}</note>` : '';
  const activity = ACTIVITY[status.availability];
  return (
    `<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" ` +
    `xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:ce="urn:cisco:params:xml:ns:pidf:rpid" xmlns:c="urn:ietf:params:xml:ns:pidf:cipid" entity="${e(entity)}">` +
    `<tuple id="${e(tupleId)}"><status><basic>${open ? 'open' : 'closed'}</basic></status><contact priority="1">${e(entity)}</contact>${note}${stamp}</tuple>` +
    (open && activity
      ? `<dm:person id="p-${e(tupleId)}"><r:activities>${activity}</r:activities>${note ? `<dm:note>${e(status.note)}</dm:note>` : ''}${icon}</dm:person>`
      : icon
        ? `<dm:person id="p-${e(tupleId)}">${icon}</dm:person>`
        : '') +
    `</presence>`
  );
}

/** Cuts a TCP byte stream into SIP messages by their Content-Length. */
export class LabSipFramer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: string[] = [];
    for (;;) {
      let skip = 0;
      while (this.pending[skip] === 13 || this.pending[skip] === 10) skip += 1; // keep-alive CRLFs
      this.pending = this.pending.subarray(skip);
      const headEnd = this.pending.indexOf('\r\n\r\n');
      if (headEnd < 0) return out;
      const length = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(this.pending.toString('utf8', 0, headEnd));
      if (!length) throw new Error('lab publisher: a SIP message without Content-Length');
      const total = headEnd + 4 + Number(length[1]);
      if (this.pending.length < total) return out;
      out.push(this.pending.toString('utf8', 0, total));
      this.pending = this.pending.subarray(total);
    }
  }
}

/** The `Proxy-Authorization` value for an MD5 challenge, with `qop=auth` when `nc` is given. */
export function labDigest(a: { username: string; password: string; method: string; uri: string; realm: string; nonce: string; nc?: number }): string {
  const md5 = (v: string) => createHash('md5').update(v, 'utf8').digest('hex');
  const ha1 = md5(`${a.username}:${a.realm}:${a.password}`);
  const ha2 = md5(`${a.method}:${a.uri}`);
  const base = `Digest username="${a.username}", realm="${a.realm}", nonce="${a.nonce}", uri="${a.uri}", algorithm=MD5`;
  if (a.nc === undefined) return `${base}, response="${md5(`${ha1}:${a.nonce}:${ha2}`)}"`;
  const nc = a.nc.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  return `${base}, response="${md5(`${ha1}:${a.nonce}:${nc}:${cnonce}:auth:${ha2}`)}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}
