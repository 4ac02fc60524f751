/**
 * The identity of one IM across its send attempts. RFC 3261 §8.2.2.2: a request with the same
 * From tag, Call-ID and CSeq as one already received is the same request, so a server or a
 * receiver can drop the repeat. Every attempt of one IM (a retry after a timeout, after a
 * reconnection, after the app restarted with the IM still queued) must therefore carry the same
 * three values: they are derived from the IM's retry key, never drawn at random.
 */
import { createHash } from 'node:crypto';

export interface MessageIdentity {
  callId: string;
  fromTag: string;
  /**
   * The CSeq of every copy that gets past digest authentication: from 2 to 2^30, so the copy
   * sent without credentials can go one lower, and the increment of a challenge's answer stays
   * far inside the 2^31 that RFC 3261 allows.
   */
  cseq: number;
}

/** The same identity for the same account and key, in this run or the next. */
export function messageIdentity(aor: string, retryKey: string): MessageIdentity {
  const digest = createHash('sha256').update(`${aor}\n${retryKey}`).digest();
  return {
    callId: `im-${digest.subarray(0, 16).toString('hex')}`,
    fromTag: digest.subarray(16, 24).toString('hex'),
    cseq: (digest.readUInt32BE(24) % 0x3fffffff) + 2,
  };
}
