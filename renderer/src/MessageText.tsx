import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeskApi } from '../../shared/ipc';
import type { DialPlan } from '../../shared/domain';
import { errorText } from './api';
import { planText } from './dial-plan-text';
import { splitMessage } from './rich-text';

const hintText = (hint: DialPlan | string | undefined) => (typeof hint === 'object' ? planText(hint) : hint);

/** A message's text with links and numbers made usable; every piece is a React text node. */
export function MessageText({ api, text }: { api: DeskApi; text: string }) {
  const { t } = useTranslation('chat');
  // A preview is kept as the core's plan and worded while rendering (the UI's language of the moment).
  const [hint, setHint] = useState<Record<string, DialPlan | string>>({});
  const preview = (n: string) => {
    if (hint[n]) return;
    api
      .invoke('dial:preview', n)
      .then((plan) => setHint((h) => ({ ...h, [n]: plan })))
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
            title={hintText(hint[piece.text]) ?? t('number.call')}
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
