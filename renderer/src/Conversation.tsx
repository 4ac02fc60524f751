import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage, Contact, HistoryImport, Presence } from '../../shared/domain';
import type { ConversationPages } from './conversation-pages';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { MessageText } from './MessageText';
import { ConversationExport } from './history/HistorySearch';
import { presenceClass, presenceLabel, statusLine } from './presence-look';
import { peerName } from './peer-name';
import { useAnnouncement } from './use-announcement';
import { Avatar } from './Avatar';
import { EmojiPicker } from './EmojiPicker';
import { replaceEmoticons } from './emoji';
import { formatTime } from './i18n';
import { deliveryLabel } from './delivery-label';

/** The picture on the button that opens the emoji picker (its name is the button's aria-label). */
const EMOJI_BUTTON = '☺';

/** One conversation. Every text is a React text node: nothing a peer sends becomes markup. */
export function Conversation({
  api,
  peer,
  contact,
  presence,
  messages,
  composing,
  pages,
  historyImport,
  onShowCard,
  muted = false,
  onToggleMute,
  imUnavailable,
  meetingServer,
}: {
  api: DeskApi;
  peer: string;
  contact: Contact | undefined;
  presence: Presence | undefined;
  messages: ChatMessage[];
  composing: boolean;
  /** Older pages from the history, loaded when the user scrolls to the top. */
  pages?: ConversationPages;
  /** The one-time import of an earlier version's history, while it runs: older messages may still be missing. */
  historyImport?: HistoryImport;
  /** Opens the contact card (numbers, addresses, devices) from the header. */
  onShowCard?: () => void;
  /** No sound, notification or unread count for this conversation. */
  muted?: boolean;
  onToggleMute?: () => void;
  /** Why the server does not offer IM now (licence, switched off): shown, and sending is refused. */
  imUnavailable?: string;
  /** The MeetingPlace server, when the configuration names one: the meeting action. */
  meetingServer?: string;
}) {
  const { t } = useTranslation(['chat', 'common']);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [picking, setPicking] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useRef<{ active: boolean; timer?: ReturnType<typeof setTimeout> }>({ active: false });
  const end = useRef<HTMLDivElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const last = messages.at(-1)?.id;
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [last, composing]);
  // An older page goes above what is read: keep the same message under the user's eyes.
  const heightBefore = useRef<number | undefined>(undefined);
  const first = messages[0]?.id;
  useLayoutEffect(() => {
    const box = log.current;
    if (box && heightBefore.current !== undefined) box.scrollTop += box.scrollHeight - heightBefore.current;
    heightBefore.current = undefined;
  }, [first]);
  const loadOlder = () => {
    if (!pages || pages.loading || !pages.hasOlder) return;
    heightBefore.current = log.current?.scrollHeight;
    void pages.loadOlder();
  };

  const setTyping = (active: boolean) => {
    if (typing.current.active !== active) {
      typing.current.active = active;
      void api.invoke('im:composing', peer, active).catch(() => undefined);
    }
    if (typing.current.timer) clearTimeout(typing.current.timer);
    if (active) typing.current.timer = setTimeout(() => setTyping(false), 5000);
  };

  /** Puts an emoji where the caret is, and the caret after it. */
  const insert = (emoji: string) => {
    const field = input.current;
    const at = field ? field.selectionStart : draft.length;
    const end = field ? field.selectionEnd : draft.length;
    const next = draft.slice(0, at) + emoji + draft.slice(end);
    setDraft(next);
    setTyping(true);
    setPicking(false);
    requestAnimationFrame(() => {
      field?.focus();
      field?.setSelectionRange(at + emoji.length, at + emoji.length);
    });
  };

  const send = async () => {
    const text = replaceEmoticons(draft);
    if (!text.trim()) return;
    setDraft('');
    setTyping(false);
    setError(undefined);
    try {
      await api.invoke('im:send', peer, text);
    } catch (e) {
      setDraft(text); // nothing typed is lost
      setError(errorText(e).message);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  };

  const name = peerName(contact, peer);
  const availability = presence?.availability ?? 'unknown';
  const announcement = useAnnouncement(name, messages, availability, presence?.note ?? '');
  return (
    <section className="conversation" data-testid="conversation" data-peer={peer} aria-label={t('conversation.label', { name })}>
      <header>
        <Avatar name={name} photo={contact?.photo} size="medium">
          <span className={presenceClass(availability)} />
        </Avatar>
        <div>
          <h2>{name}</h2>
          <p className="subtle" data-testid="conversation-status">
            {presence ? statusLine(presence) : presenceLabel(availability)}
          </p>
        </div>
        <ConversationExport api={api} peer={peer} />
        {meetingServer && (
          <a className="link conversation-meeting" data-testid="conversation-meeting" href={meetingServer} target="_blank" rel="noreferrer">
            {t('conversation.meeting')}
          </a>
        )}
        {onToggleMute && (
          <button
            className="link"
            data-testid="conversation-mute"
            aria-pressed={muted}
            title={muted ? t('conversation.mutedTitle') : t('conversation.muteTitle')}
            onClick={onToggleMute}
          >
            {muted ? t('conversation.muted') : t('conversation.mute')}
          </button>
        )}
        {onShowCard && (
          <button className="link conversation-card" data-testid="conversation-card" onClick={onShowCard}>
            {t('conversation.contactCard')}
          </button>
        )}
      </header>
      <p className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </p>
      <div
        className="messages"
        role="log"
        aria-live="off"
        aria-label={t('conversation.messagesLabel', { name })}
        tabIndex={0}
        ref={log}
        onScroll={(e) => e.currentTarget.scrollTop < 40 && loadOlder()}
      >
        {historyImport?.state === 'importing' && (
          <p className="subtle history-importing" data-testid="history-importing">
            {t('conversation.importing', { percent: historyImport.percent })}
          </p>
        )}
        {pages?.hasOlder && messages.length > 0 && (
          <button className="link older-messages" data-testid="older-messages" disabled={pages.loading} onClick={loadOlder}>
            {pages.loading ? t('conversation.loadingOlder') : t('conversation.olderMessages')}
          </button>
        )}
        {pages?.error && <p className="error">{t('conversation.olderFailed', { error: pages.error })}</p>}
        {messages.map((m) => (
          <div
            key={m.id}
            className={`message message-${m.direction} message-${m.state}`}
            data-testid="message"
            data-direction={m.direction}
            data-state={m.state}
          >
            <MessageText api={api} text={m.text} />
            <span className="message-meta">
              {m.direction === 'out' ? t('conversation.meta', { time: formatTime(m.at), state: deliveryLabel(m.state) }) : formatTime(m.at)}
              {m.state === 'failed' && m.error && <span className="message-error">: {m.error}</span>}
              {m.state === 'failed' && (
                <button className="link" onClick={() => void api.invoke('im:retry', m.id).catch((e) => setError(errorText(e).message))}>
                  {t('conversation.retry')}
                </button>
              )}
            </span>
          </div>
        ))}
        {composing && (
          <p className="composing" data-testid="composing">
            {t('conversation.typing', { name })}
          </p>
        )}
        <div ref={end} />
      </div>
      {imUnavailable && (
        <p className="error" data-testid="im-unavailable" role="status">
          {imUnavailable}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <footer>
        <textarea
          data-testid="im-input"
          aria-label={t('conversation.inputLabel', { name })}
          placeholder={t('conversation.placeholder', { name })}
          value={draft}
          rows={2}
          ref={input}
          onChange={(e) => {
            // An emoticon becomes its emoji once the word after it starts (":) " → "🙂 ").
            const typed = e.target.value;
            const value = /\s$/.test(typed) ? replaceEmoticons(typed) : typed;
            setDraft(value);
            setTyping(value.length > 0);
          }}
          onKeyDown={onKey}
        />
        <button
          type="button"
          className="emoji-button"
          data-testid="emoji-open"
          aria-label={t('conversation.insertEmoji')}
          aria-expanded={picking}
          onClick={() => setPicking((p) => !p)}
        >
          {EMOJI_BUTTON}
        </button>
        {picking && <EmojiPicker onPick={insert} onClose={() => setPicking(false)} />}
        <button data-testid="im-send" onClick={() => void send()} disabled={!draft.trim() || imUnavailable !== undefined} title={imUnavailable}>
          {t('common:send')}
        </button>
      </footer>
    </section>
  );
}
