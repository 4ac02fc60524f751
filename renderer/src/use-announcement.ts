import { useEffect, useRef, useState } from 'react';
import type { Availability, ChatMessage } from '../../shared/domain';
import { presenceLabel } from './presence-look';

/**
 * What a screen reader should say about the open conversation: each IM that arrives and each
 * change of the person's status or note. The message list itself is not a live region (it would
 * also read out our own messages and every "Sending… → Sent"), so this one short sentence is.
 * Nothing is announced for what was already there when the conversation opened.
 */
export function useAnnouncement(name: string, messages: ChatMessage[], availability: Availability, note: string): string {
  const [text, setText] = useState('');
  const seen = useRef<Set<string> | undefined>(undefined);
  const status = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (!seen.current) {
      seen.current = new Set(messages.map((m) => m.id));
      return;
    }
    const fresh = messages.filter((m) => !seen.current!.has(m.id));
    for (const m of fresh) seen.current.add(m.id);
    const incoming = fresh.filter((m) => m.direction === 'in');
    if (incoming.length > 0) setText(incoming.map((m) => `${name}: ${m.text}`).join('\n'));
  }, [messages, name]);

  useEffect(() => {
    const now = `${presenceLabel(availability)}${note ? ` (${note})` : ''}`;
    if (status.current !== undefined && status.current !== now) setText(`${name} is now ${now}`);
    status.current = now;
  }, [availability, note, name]);

  return text;
}
