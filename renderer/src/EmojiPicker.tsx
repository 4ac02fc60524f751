import { useEffect, useRef } from 'react';
import { PICKER_EMOJI } from './emoji';

/** A grid of emoji buttons under the message field; a pick inserts the character, Escape closes. */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label="Emoji"
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      {PICKER_EMOJI.map((emoji, i) => (
        <button
          key={emoji}
          ref={i === 0 ? first : undefined}
          type="button"
          className="emoji-choice"
          data-testid="emoji-choice"
          aria-label={emoji}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
