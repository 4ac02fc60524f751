/**
 * Reads what the Diagnostics list shows from a (masked) message: SIP start line, Call-ID and
 * CSeq (compact header forms too), and a one-line summary. Never throws: a message it cannot
 * read is summarised by its first line.
 */
import type { TraceSummary } from '../../shared/domain';
import type { TraceRecord } from '../trace';

type Described = Pick<TraceSummary, 'summary' | 'method' | 'status' | 'callId' | 'cseq' | 'operation'>;

const firstLine = (text: string) => text.slice(0, 200).split(/\r?\n/, 1)[0]?.trim() ?? '';

function header(text: string, names: string[]): string | undefined {
  const end = text.search(/\r?\n\r?\n/);
  const head = end >= 0 ? text.slice(0, end) : text.slice(0, 16_384);
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (names.includes(line.slice(0, colon).trim().toLowerCase())) return line.slice(colon + 1).trim();
  }
  return undefined;
}

export function describeSip(text: string): Described {
  const start = firstLine(text);
  const callId = header(text, ['call-id', 'i']);
  const cseq = header(text, ['cseq']);
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

export function describeSoap(record: Pick<TraceRecord, 'direction' | 'operation' | 'raw'>, text: string): Described {
  const operation = record.operation || /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/i.exec(text)?.[1] || 'request';
  if (record.direction === 'out') return { summary: operation, operation };
  const http = /^HTTP (\d+)/.exec(text)?.[1];
  const fault = /<(?:[\w-]+:)?Fault[\s>]/i.test(text) ? ' fault' : '';
  return { summary: `${operation} response${fault}${http ? ` (HTTP ${http})` : ''}`, operation };
}

export function describe(record: TraceRecord, masked: string): Described {
  if (record.protocol === 'sip') return describeSip(masked);
  // CSTA messages name themselves (MonitorStart, EstablishedEvent, CSTAErrorCode …).
  if (record.protocol === 'cti') {
    const operation = record.operation || /<([\w-]+)[\s>/]/.exec(masked.replace(/<\?[^>]*\?>/, ''))?.[1] || 'message';
    return { summary: operation, operation };
  }
  return describeSoap(record, masked);
}
