/**
 * What the UDP transport reads and rewrites in a datagram without a full parse: the start line
 * and the few headers that identify a transaction, a truncated body, and our port in the top Via.
 */

import { checkSipMessage, type SipSummary } from '../message/message-checks';

export type { SipSummary } from '../message/message-checks';

/** Reads the start line and the few headers the transport needs; throws with a reason (see message-checks.ts). */
export function summariseSip(raw: string): SipSummary {
  return checkSipMessage(raw);
}

/** Gives the top Via the socket's port (sip.js writes a bare host). */
export function withLocalPort(message: string, port: number): string {
  return message.replace(/^((?:Via|v)[ \t]*:[ \t]*SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*UDP[ \t]+)(\[[^\]]+\]|[^;:,\s]+)(?=[;,\s])/im, `$1$2:${port}`);
}

/** Takes our port off the top Via of a response again (sip.js drops a Via with a port). */
export function withoutLocalPort(message: string, localPort: number): string {
  return message.replace(
    /^((?:Via|v)[ \t]*:[ \t]*SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*UDP[ \t]+(?:\[[^\]]+\]|[^;:,\s]+)):(\d+)/im,
    (whole, head: string, port: string) => (Number(port) === localPort ? head : whole),
  );
}
