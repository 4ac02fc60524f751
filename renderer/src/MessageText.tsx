import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { splitMessage } from './rich-text';

/** A message's text with links and numbers made usable; every piece is a React text node. */
export function MessageText({ api, text }: { api: DeskApi; text: string }) {
  const { t } = useTranslation('chat');
  const [hint, setHint] = useState<Record<string, string>>({});
  const preview = (n: string) => {
    if (hint[n]) return;
    api
      .invoke('dial:preview', n)
      .then((p) => setHint((h) => ({ ...h, [n]: p.error ?? p.explanation })))
      .catch(() => undefined);
  };
  const call = (n: string) =>
    api
      .invoke('dial:call', n)
      .then((entry) => setHint((h) => ({ ...h, [n]: t('number.calling', { number: entry.dialed ?? n }) })))
      .catch((e) => setHint((h) => ({ ...h, [n]: errorText(e).message })));
  return (
    <p className="message-text" data-testid="message-text">
      {splitMessage(text).map((piece, i) =>
        piece.kind === 'text' ? (
          piece.text
        ) : piece.kind === 'link' ? (
          <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer" data-testid="message-link">
            {piece.text}
          </a>
        ) : (
          <button
            key={i}
            className="number-link"
            data-testid="message-number"
            title={hint[piece.text] ?? t('number.call')}
            onMouseEnter={() => preview(piece.text)}
            onFocus={() => preview(piece.text)}
            onClick={() => void call(piece.text)}
          >
            {piece.text}
          </button>
        ),
      )}
    </p>
  );
}
