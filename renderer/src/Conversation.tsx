import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatMessage, Contact, Presence } from '../../shared/domain';
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

const STATE_LABEL: Record<ChatMessage['state'], string> = {
  queued: 'Queued — will send when connected',
  sending: 'Sending…',
  sent: 'Sent',
  stored: 'Stored by the server — delivered when they sign in',
  failed: 'Not delivered',
  received: '',
};

function time(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** One conversation. Every text is a React text node: nothing a peer sends becomes markup. */
export function Conversation({
  api,
  peer,
  contact,
  presence,
  messages,
  composing,
  onShowCard,
  muted = false,
  onToggleMute,
}: {
  api: DeskApi;
  peer: string;
  contact: Contact | undefined;
  presence: Presence | undefined;
  messages: ChatMessage[];
  composing: boolean;
  /** Opens the contact card (numbers, addresses, devices) from the header. */
  onShowCard?: () => void;
  /** No sound, notification or unread count for this conversation. */
  muted?: boolean;
  onToggleMute?: () => void;
}) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [picking, setPicking] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useRef<{ active: boolean; timer?: ReturnType<typeof setTimeout> }>({ active: false });
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, composing]);

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
    <section className="conversation" data-testid="conversation" data-peer={peer} aria-label={`Conversation with ${name}`}>
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
        {onToggleMute && (
          <button
            className="link"
            data-testid="conversation-mute"
            aria-pressed={muted}
            title={muted ? 'Sound, notifications and the unread count are off for this conversation' : 'Turn off sound, notifications and the unread count'}
            onClick={onToggleMute}
          >
            {muted ? '🔕 Muted' : 'Mute'}
          </button>
        )}
        {onShowCard && (
          <button className="link conversation-card" data-testid="conversation-card" onClick={onShowCard}>
            Contact card
          </button>
        )}
      </header>
      <p className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </p>
      <div className="messages" role="log" aria-live="off" aria-label={`Messages with ${name}`} tabIndex={0}>
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
              {time(m.at)}
              {m.direction === 'out' && ` · ${STATE_LABEL[m.state]}`}
              {m.state === 'failed' && m.error && <span className="message-error">: {m.error}</span>}
              {m.state === 'failed' && (
                <button className="link" onClick={() => void api.invoke('im:retry', m.id).catch((e) => setError(errorText(e).message))}>
                  Retry
                </button>
              )}
            </span>
          </div>
        ))}
        {composing && (
          <p className="composing" data-testid="composing">
            {name} is typing…
          </p>
        )}
        <div ref={end} />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <footer>
        <textarea
          data-testid="im-input"
          aria-label={`Message to ${name}`}
          placeholder={`Message ${name}`}
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
          aria-label="Insert emoji"
          aria-expanded={picking}
          onClick={() => setPicking((p) => !p)}
        >
          ☺
        </button>
        {picking && <EmojiPicker onPick={insert} onClose={() => setPicking(false)} />}
        <button data-testid="im-send" onClick={() => void send()} disabled={!draft.trim()}>
          Send
        </button>
      </footer>
    </section>
  );
}
