/**
 * Reads what the Diagnostics list shows from a message: SIP start line, Call-ID and CSeq
 * (compact header forms too), and a one-line summary. Never throws: a message it cannot read
 * is summarised by its first line. The SIP header scan walks the lines with indexOf and looks
 * only at names starting with c or i: it runs for every message the list shows.
 */
import type { TraceSummary } from '../../shared/domain';
import type { TraceRecord } from '../trace';

export type Described = Pick<TraceSummary, 'summary' | 'method' | 'status' | 'callId' | 'cseq' | 'operation'>;

const firstLine = (text: string) => text.slice(0, 200).split(/\r?\n/, 1)[0]?.trim() ?? '';

/** The first Call-ID (or `i`) and CSeq values of the header (up to the blank line, or 16 KB without one). */
function callIdAndCseq(text: string): { callId?: string; cseq?: string } {
  const out: { callId?: string; cseq?: string } = {};
  const limit = Math.min(text.length, 16_384);
  let at = text.indexOf('\n');
  while (at >= 0 && at < limit && (out.callId === undefined || out.cseq === undefined)) {
    const start = at + 1;
    let end = text.indexOf('\n', start);
    if (end < 0 || end > limit) end = limit;
    const lineEnd = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (lineEnd <= start) break; // the blank line ends the header
    const first = text.charCodeAt(start) | 0x20;
    if (first === 0x63 /* c */ || first === 0x69 /* i */) {
      const colon = text.indexOf(':', start);
      if (colon > start && colon < lineEnd) {
        const name = text.slice(start, colon).trim().toLowerCase();
        if ((name === 'call-id' || name === 'i') && out.callId === undefined) out.callId = text.slice(colon + 1, lineEnd).trim();
        else if (name === 'cseq' && out.cseq === undefined) out.cseq = text.slice(colon + 1, lineEnd).trim();
      }
    }
    at = end < limit ? end : -1;
  }
  return out;
}

export function describeSip(text: string): Described {
  const start = firstLine(text);
  const { callId, cseq } = callIdAndCseq(text);
  const cseqMethod = cseq?.split(/\s+/)[1]?.toUpperCase();
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/i.exec(start);
  if (response) {
    const status = Number(response[1]);
    return {
      summary: `${status} ${response[2]}${cseqMethod ? ` (${cseqMethod})` : ''}`.replace(/\s+\(/, ' ('),
      status,
      ...(cseqMethod ? { method: cseqMethod } : {}),
      ...(callId ? { callId } : {}),
      ...(cseq ? { cseq } : {}),
    };
  }
  const request = /^([A-Z]+)\s+(\S+)\s+SIP\/2\.0$/i.exec(start);
  if (request) {
    const method = request[1].toUpperCase();
    return { summary: `${method} ${request[2]}`, method, ...(callId ? { callId } : {}), ...(cseq ? { cseq } : {}) };
  }
  return { summary: start || '(empty message)', ...(callId ? { callId } : {}) };
}

export function describeSoap(record: Pick<TraceRecord, 'direction' | 'operation'>, text: string): Described {
  const operation = record.operation || /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/i.exec(text)?.[1] || 'request';
  if (record.direction === 'out') return { summary: operation, operation };
  const http = /^HTTP (\d+)/.exec(text)?.[1];
  const fault = /<(?:[\w-]+:)?Fault[\s>]/i.test(text) ? ' fault' : '';
  return { summary: `${operation} response${fault}${http ? ` (HTTP ${http})` : ''}`, operation };
}

export function describe(record: Pick<TraceRecord, 'protocol' | 'direction' | 'operation'>, masked: string): Described {
  if (record.protocol === 'sip') return describeSip(masked);
  // CSTA messages name themselves (MonitorStart, EstablishedEvent, CSTAErrorCode …).
  if (record.protocol === 'cti') {
    const operation = record.operation || /<([\w-]+)[\s>/]/.exec(masked.replace(/<\?[^>]*\?>/, ''))?.[1] || 'message';
    return { summary: operation, operation };
  }
  // LDAP operations are written out by core/directory/ldap-trace.ts; the first line says it all.
  if (record.protocol === 'directory')
    return { summary: firstLine(masked) || record.operation || 'LDAP', ...(record.operation ? { operation: record.operation } : {}) };
  return describeSoap(record, masked);
}
