/**
 * Search across every IM conversation kept in the history; a result opens its conversation.
 * The match is marked by splitting the text into React text nodes, never by building markup.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, HistoryHit, HistoryImport } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { errorText } from '../api';
import { deliverExport } from '../download';
import { peerName } from '../peer-name';
import { whenText } from '../when-text';

const CONTEXT = 40;

function snippet(hit: HistoryHit): [string, string, string] {
  const { text } = hit.message;
  const from = Math.max(0, hit.start - CONTEXT);
  const to = Math.min(text.length, hit.start + hit.length + CONTEXT * 2);
  return [
    (from > 0 ? '…' : '') + text.slice(from, hit.start),
    text.slice(hit.start, hit.start + hit.length),
    text.slice(hit.start + hit.length, to) + (to < text.length ? '…' : ''),
  ];
}

export function HistorySearch({
  api,
  contacts,
  onOpen,
  historyImport,
}: {
  api: DeskApi;
  contacts: Map<string, Contact>;
  onOpen: (peer: string) => void;
  /** The one-time import of an earlier version's history, while it runs: results may be missing older messages. */
  historyImport?: HistoryImport;
}) {
  const { t } = useTranslation('chat');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<HistoryHit[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!query.trim()) {
      setHits(undefined);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api
        .invoke('im:search', query)
        .then((h) => current && (setHits(h), setError(undefined)))
        .catch((e) => current && setError(errorText(e).message));
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, query]);

  return (
    <div className="history-search">
      <input
        type="search"
        data-testid="history-search"
        aria-label={t('history.searchLabel')}
        placeholder={t('history.searchLabel')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {historyImport?.state === 'importing' && (
        <p className="subtle history-importing" data-testid="history-importing">
          {t('history.importing', { percent: historyImport.percent })}
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {hits?.length === 0 && <p className="empty">{t('history.noMatch', { query: query.trim() })}</p>}
      {hits && hits.length > 0 && (
        <p className="subtle" role="status" data-testid="history-count">
          {t('history.found', { count: hits.length })}
        </p>
      )}
      {hits && hits.length > 0 && (
        <ul className="history-hits" data-testid="history-hits" data-count={hits.length}>
          {hits.map((h) => {
            const [before, match, after] = snippet(h);
            const name = peerName(contacts.get(h.message.peer), h.message.peer);
            return (
              <li key={h.message.id}>
                <button className="history-hit" data-testid="history-hit" data-peer={h.message.peer} onClick={() => onOpen(h.message.peer)}>
                  <span className="history-hit-head">
                    <span className="contact-name">{h.message.direction === 'out' ? t('history.to', { name }) : name}</span>
                    <span className="recent-when">{whenText(h.message.at)}</span>
                  </span>
                  <span className="history-hit-text">
                    {before}
                    <mark>{match}</mark>
                    {after}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** The query parameter that makes a page a conversation's own window (see ConversationWindow). */
const CONVERSATION_PARAM = 'conversation';

/** This page is a conversation's own window, which needs no button to open one. */
function inOwnWindow(): boolean {
  return new URLSearchParams(location.search).has(CONVERSATION_PARAM);
}

/** Buttons in a conversation's header: save it as plain text or JSON. */
export function ConversationExport({ api, peer, onDone }: { api: DeskApi; peer: string; onDone?: (words: string) => void }) {
  const { t } = useTranslation('chat');
  const [words, setWords] = useState<string | undefined>();
  const run = (format: 'text' | 'json') =>
    api
      .invoke('im:export', peer, format)
      .then((file) => {
        const said = deliverExport(file);
        setWords(said);
        onDone?.(said);
      })
      .catch((e) => setWords(errorText(e).message));
  const ownWindow = () =>
    api
      .invoke('window:open-conversation', peer)
      .then((opened) => {
        if (opened) return;
        // The browser host: the same page in a new tab, in conversation mode, with the same token.
        const url = new URL(location.href);
        url.searchParams.set(CONVERSATION_PARAM, peer);
        window.open(url.href, '_blank', 'noopener');
      })
      .catch((e) => setWords(errorText(e).message));
  return (
    <span className="conversation-export">
      {!inOwnWindow() && (
        <button className="link" data-testid="open-window" onClick={() => void ownWindow()} title={t('history.newWindowTitle')}>
          {t('history.newWindow')}
        </button>
      )}
      <button className="link" data-testid="export-text" onClick={() => void run('text')} title={t('history.exportTextTitle')}>
        {t('history.exportText')}
      </button>
      <button className="link" data-testid="export-json" onClick={() => void run('json')} title={t('history.exportJsonTitle')}>
        {t('history.exportJson')}
      </button>
      {words && (
        <span className="subtle" role="status" data-testid="export-status">
          {words}
        </span>
      )}
    </span>
  );
}
