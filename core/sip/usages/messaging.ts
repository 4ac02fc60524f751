/**
 * Outgoing instant messages (RFC 3428 MESSAGE) and typing indications (RFC 3994
 * is-composing), sent on the sip.js core as its `Messager` builds them, plus the answer to the
 * server's last challenge (so they are not answered 407 first). Incoming MESSAGEs are read
 * by the account, which owns the events they become.
 */
import { UserAgent, type URI } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import type { OutgoingRequestDelegate } from 'sip.js/lib/core/messages/outgoing-request.js';
import type { RequestCredentials } from '../message/digest';
import { SipError } from '../message/sip-error';
import { realTimers, type Timers } from '../../timers';
import type { MessageIdentity } from './message-identity';

export const COMPOSING_TYPE = 'application/im-iscomposing+xml';

/** What a MESSAGE is sent with: a registered user agent and its digest cache. */
export interface MessagingAgent {
  ua: UserAgent;
  credentials?: Pick<RequestCredentials, 'authorize'>;
}

const describe = (response: IncomingResponse) => `${response.message.statusCode} ${response.message.reasonPhrase}`;

/**
 * Sends an IM and resolves on the final 2xx. `stored` is true for 202 Accepted: a
 * store-and-forward server (e.g. Kamailio msilo) keeps it for a recipient not signed in
 * (RFC 3428 §7: 202 says accepted, not delivered). With an `identity` (from a retry key),
 * every attempt of one message carries the same Call-ID, From tag and CSeq
 * (`message-identity.ts`), so a repeat of an IM that did arrive is recognised and dropped.
 */
export async function sendText(
  agent: MessagingAgent,
  to: string,
  text: string,
  timeoutMs: number,
  timers: Timers = realTimers,
  identity?: MessageIdentity,
): Promise<{ stored: boolean }> {
  const target = UserAgent.makeURI(to);
  if (!target) throw new SipError('invalid-input', `"${to}" is not a SIP address.`);
  let status = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = timers.set(
      () => reject(new SipError('timeout', `The presence server did not answer MESSAGE within ${Math.round(timeoutMs / 1000)} s.`)),
      timeoutMs,
    );
    try {
      sendMessageRequest(
        agent,
        target,
        text,
        'text/plain;charset=UTF-8',
        {
          onAccept: (response) => {
            timers.clear(timer);
            status = response.message.statusCode ?? 0;
            resolve();
          },
          onReject: (response) => {
            timers.clear(timer);
            const code = response.message.statusCode;
            const why = code === 480 || code === 404 ? 'is not signed in' : 'could not be reached';
            reject(new SipError('sip', `Not delivered: ${to.replace(/^sip:/, '')} ${why} (${describe(response)}).`, code));
          },
        },
        identity,
      );
    } catch (error) {
      timers.clear(timer);
      reject(new SipError('unreachable', `Could not send MESSAGE: ${(error as Error).message}`));
    }
  });
  return { stored: status === 202 };
}

/** Tells `to` that the user is (or stopped) typing; no answer is awaited. */
export function sendComposing(agent: MessagingAgent, to: string, active: boolean): void {
  const target = UserAgent.makeURI(to);
  if (!target) return;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">` +
    `<state>${active ? 'active' : 'idle'}</state><contenttype>text/plain</contenttype>${active ? '<refresh>60</refresh>' : ''}</isComposing>`;
  sendMessageRequest(agent, target, body, COMPOSING_TYPE);
}

function sendMessageRequest(
  agent: MessagingAgent,
  target: URI,
  content: string,
  contentType: string,
  delegate?: OutgoingRequestDelegate,
  identity?: MessageIdentity,
): void {
  const core = agent.ua.userAgentCore;
  const message = core.makeOutgoingRequestMessage('MESSAGE', target, core.configuration.aor, target, { ...identity }, [], {
    contentDisposition: 'render',
    contentType,
    content,
  });
  const authorized = agent.credentials?.authorize(message) ?? false;
  if (identity && !authorized) {
    // Without an answer to a challenge the server challenges it and sip.js sends it again
    // with CSeq + 1 (RFC 3261 §8.1.3.5): start one lower, so every copy that gets through
    // carries the identity's CSeq.
    message.cseq = identity.cseq - 1;
    message.setHeader('cseq', `${message.cseq} MESSAGE`);
  }
  core.request(message, delegate);
}
