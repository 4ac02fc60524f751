import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { emojiName, PICKER } from './emoji';

/**
 * A grid of emoji buttons under the message field; a pick inserts the character, Escape closes.
 * Each button's tooltip names its emoji in the UI's language; its accessible name stays the
 * character itself, which screen readers already speak by name in the reader's own language.
 */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t } = useTranslation('chat');
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label={t('emoji.picker')}
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      {PICKER.map((choice, i) => (
        <button
          key={choice.emoji}
          ref={i === 0 ? first : undefined}
          type="button"
          className="emoji-choice"
          data-testid="emoji-choice"
          aria-label={choice.emoji}
          title={emojiName(choice)}
          onClick={() => onPick(choice.emoji)}
        >
          {choice.emoji}
        </button>
      ))}
    </div>
  );
}
