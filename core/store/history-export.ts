/**
 * Exports one IM conversation as a file the user can keep or hand on: plain text for people,
 * JSON for tools. Both carry the text exactly as typed (never HTML), with delivery states.
 */
import type { ChatMessage, ExportedFile } from '../../shared/domain';

export type ConversationFormat = 'text' | 'json';

const STATE_WORDS: Record<ChatMessage['state'], string> = {
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  failed: 'NOT SENT',
  received: 'received',
  stored: 'stored by the server for later delivery',
};

/** A file name safe on every OS: the peer's address without scheme or separators, and the date. */
export function exportFileName(peer: string, extension: string, at = Date.now()): string {
  const who =
    peer
      .replace(/^(sips?|im):/i, '')
      .replace(/[^A-Za-z0-9@._+-]/g, '_')
      .slice(0, 80) || 'conversation';
  return `presence-desk-${who}-${new Date(at).toISOString().slice(0, 10)}.${extension}`;
}

export function exportConversation(
  peer: string,
  messages: ChatMessage[],
  format: ConversationFormat,
  names: { self: string; peer: string },
  now = Date.now(),
): ExportedFile {
  if (format === 'json') {
    const body = {
      format: 'presence-desk-conversation/1',
      exportedAt: new Date(now).toISOString(),
      peer,
      peerName: names.peer,
      self: names.self,
      messages: messages.map((m) => ({
        id: m.id,
        at: new Date(m.at).toISOString(),
        from: m.direction === 'out' ? names.self : peer,
        direction: m.direction,
        state: m.state,
        ...(m.error ? { error: m.error } : {}),
        text: m.text,
      })),
    };
    return { fileName: exportFileName(peer, 'json', now), mimeType: 'application/json', text: `${JSON.stringify(body, null, 2)}\n` };
  }
  const lines = [
    `Conversation with ${names.peer} (${peer.replace(/^sip:/i, '')})`,
    `Exported ${new Date(now).toISOString()}, ${messages.length} message(s)`,
    '',
  ];
  for (const m of messages) {
    const who = m.direction === 'out' ? names.self : names.peer;
    const state = m.direction === 'out' && m.state !== 'sent' ? ` [${STATE_WORDS[m.state]}${m.error ? `: ${m.error}` : ''}]` : '';
    // Continuation lines are indented so a message can never pass for a new header line.
    lines.push(`[${new Date(m.at).toISOString().replace('T', ' ').slice(0, 19)}] ${who}${state}:`);
    lines.push(...m.text.split(/\r?\n/).map((l) => `    ${l}`));
  }
  return { fileName: exportFileName(peer, 'txt', now), mimeType: 'text/plain', text: `${lines.join('\n')}\n` };
}
