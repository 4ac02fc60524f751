import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Availability, ChatMessage } from '../../shared/domain';
import { presenceLabel } from './presence-look';

/** The last thing to announce, kept as data so that the sentence is said in the UI's current language. */
type Said = { kind: 'messages'; texts: string[] } | { kind: 'status'; availability: Availability; note: string };

/**
 * What a screen reader should say about the open conversation: each IM that arrives and each
 * change of the person's status or note. The message list itself is not a live region (it would
 * also read out our own messages and every "Sending… → Sent"), so this one short sentence is.
 * Nothing is announced for what was already there when the conversation opened.
 *
 * A status change is detected on the status itself, not on its label, so that switching the
 * UI's language does not announce a change that did not happen.
 */
export function useAnnouncement(name: string, messages: ChatMessage[], availability: Availability, note: string): string {
  const { t } = useTranslation(['chat', 'common']);
  const [said, setSaid] = useState<Said | undefined>();
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
    if (incoming.length > 0) setSaid({ kind: 'messages', texts: incoming.map((m) => m.text) });
  }, [messages]);

  useEffect(() => {
    const now = JSON.stringify([availability, note]);
    if (status.current !== undefined && status.current !== now) setSaid({ kind: 'status', availability, note });
    status.current = now;
  }, [availability, note]);

  if (!said) return '';
  if (said.kind === 'messages') return said.texts.map((text) => t('announce.message', { name, text })).join('\n');
  const label = presenceLabel(said.availability);
  return said.note ? t('announce.statusNote', { name, status: label, note: said.note }) : t('announce.status', { name, status: label });
}
