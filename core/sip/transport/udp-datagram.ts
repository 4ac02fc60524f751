/**
 * What the UDP transport reads and rewrites in a datagram without a full parse: the start line
 * and the few headers that identify a transaction, a truncated body, and our port in the top Via.
 */

/** What the transport needs to know of a SIP message (read without a full parse). */
export interface SipSummary {
  kind: 'request' | 'response';
  /** Request method, or the CSeq method of a response. */
  method: string;
  status?: number;
  /** Top Via branch (or a key built from Call-ID and CSeq for pre-RFC 3261 peers). */
  branch: string;
  callId: string;
}

/** Reads the start line and the few headers the transport needs; throws with a reason. */
export function summariseSip(raw: string): SipSummary {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error('no end of the header section');
  const lines = raw.slice(0, headEnd).replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  const start = lines[0] ?? '';
  const header = (long: string, short: string): string | undefined => {
    const re = new RegExp(`^(?:${long}|${short})[ \\t]*:[ \\t]*(.*)$`, 'i');
    for (const line of lines.slice(1)) {
      const m = re.exec(line);
      if (m) return m[1]!.trim();
    }
    return undefined;
  };
  const via = header('via', 'v');
  const cseq = header('cseq', 'cseq');
  const callId = header('call-id', 'i');
  if (!via) throw new Error('no Via header');
  if (!cseq || !/^\d+\s+[A-Za-z]+$/.test(cseq)) throw new Error('no readable CSeq header');
  if (!callId) throw new Error('no Call-ID header');
  const cseqMethod = cseq.split(/\s+/)[1]!.toUpperCase();
  const branchMatch = /;\s*branch\s*=\s*([^;,\s]+)/i.exec(via.split(',')[0]!);
  const branch = branchMatch?.[1]?.startsWith('z9hG4bK') ? branchMatch[1] : `${callId}|${cseq}`;
  const response = /^SIP\/2\.0\s+(\d{3})(?:\s|$)/.exec(start);
  if (response) return { kind: 'response', method: cseqMethod, status: Number(response[1]), branch, callId };
  const request = /^([A-Za-z]+)\s+\S+\s+SIP\/2\.0$/.exec(start);
  if (!request) throw new Error(`unreadable start line "${start.slice(0, 60)}"`);
  const method = request[1]!.toUpperCase();
  if (method !== cseqMethod && method !== 'ACK' && method !== 'CANCEL') throw new Error(`CSeq method ${cseqMethod} does not match ${method}`);
  return { kind: 'request', method, branch, callId };
}

/** Throws when a datagram's body is shorter than its Content-Length says (a cut-off datagram). */
export function checkComplete(data: Buffer, raw: string): void {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  const cl = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(head);
  const bodyBytes = data.length - (Buffer.byteLength(head) + 4);
  if (cl && Number(cl[1]) > bodyBytes) throw new Error(`truncated: Content-Length ${cl[1]} but ${bodyBytes} body bytes`);
}

/** Gives the top Via the socket's port (sip.js writes a bare host). */
export function withLocalPort(message: string, port: number): string {
  return message.replace(/^((?:Via|v)[ \t]*:[ \t]*SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*UDP[ \t]+)(\[[^\]]+\]|[^;:,\s]+)(?=[;,\s])/im, `$1$2:${port}`);
}

/** Takes our port off the top Via of a response again (sip.js drops a Via with a port). */
export function withoutLocalPort(message: string, localPort: number): string {
  return message.replace(/^((?:Via|v)[ \t]*:[ \t]*SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*UDP[ \t]+(?:\[[^\]]+\]|[^;:,\s]+)):(\d+)/im, (whole, head: string, port: string) =>
    Number(port) === localPort ? head : whole,
  );
}
