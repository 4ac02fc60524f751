/**
 * Emoticon shortcuts and the emoji the picker offers. Both only ever put Unicode characters
 * into the message text: what is sent and shown stays plain text, never markup or images.
 */
import { i18n } from './i18n';

export const EMOTICONS: Readonly<Record<string, string>> = {
  ':)': '🙂',
  ':-)': '🙂',
  ':(': '🙁',
  ':-(': '🙁',
  ':D': '😄',
  ':-D': '😄',
  ';)': '😉',
  ';-)': '😉',
  ':P': '😛',
  ':p': '😛',
  ':-P': '😛',
  ':O': '😮',
  ':o': '😮',
  ":'(": '😢',
  ':*': '😘',
  ':|': '😐',
  'B)': '😎',
  '<3': '❤️',
  '(y)': '👍',
  '(n)': '👎',
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An emoticon standing alone: at the start or after white space, and at the end or before white space. */
const STANDALONE = new RegExp(
  `(^|\\s)(${Object.keys(EMOTICONS)
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})(?=\\s|$)`,
  'g',
);

/** Every emoticon written as a word of its own becomes its emoji; ":)" inside "a:)b" or a URL stays. */
export function replaceEmoticons(text: string): string {
  return text.replace(STANDALONE, (_m, before: string, emoticon: string) => `${before}${EMOTICONS[emoticon]}`);
}

/**
 * The picker's emoji, in rows of eight, each with the key of its name in the `chat` strings
 * (`emoji.<name>`): the name is the button's tooltip, in the UI's language, so that an emoji
 * whose picture is unclear at this size can still be told apart.
 */
export const PICKER = [
  { emoji: '🙂', name: 'slightlySmiling' },
  { emoji: '😄', name: 'grinning' },
  { emoji: '😂', name: 'tearsOfJoy' },
  { emoji: '😉', name: 'winking' },
  { emoji: '😊', name: 'smiling' },
  { emoji: '😍', name: 'heartEyes' },
  { emoji: '😘', name: 'kiss' },
  { emoji: '😎', name: 'sunglasses' },
  { emoji: '🤔', name: 'thinking' },
  { emoji: '😐', name: 'neutral' },
  { emoji: '😮', name: 'openMouth' },
  { emoji: '😢', name: 'crying' },
  { emoji: '🙁', name: 'frowning' },
  { emoji: '😡', name: 'angry' },
  { emoji: '😴', name: 'sleeping' },
  { emoji: '🤒', name: 'sick' },
  { emoji: '👍', name: 'thumbsUp' },
  { emoji: '👎', name: 'thumbsDown' },
  { emoji: '👏', name: 'clapping' },
  { emoji: '🙏', name: 'foldedHands' },
  { emoji: '👋', name: 'waving' },
  { emoji: '💪', name: 'biceps' },
  { emoji: '🤝', name: 'handshake' },
  { emoji: '✌️', name: 'victory' },
  { emoji: '❤️', name: 'heart' },
  { emoji: '🎉', name: 'party' },
  { emoji: '🔥', name: 'fire' },
  { emoji: '⭐', name: 'star' },
  { emoji: '✅', name: 'check' },
  { emoji: '❌', name: 'cross' },
  { emoji: '⚠️', name: 'warning' },
  { emoji: '❓', name: 'question' },
  { emoji: '☕', name: 'coffee' },
  { emoji: '🍕', name: 'pizza' },
  { emoji: '🍰', name: 'cake' },
  { emoji: '🍺', name: 'beer' },
  { emoji: '📞', name: 'phone' },
  { emoji: '💻', name: 'laptop' },
  { emoji: '📅', name: 'calendar' },
  { emoji: '⏰', name: 'alarm' },
] as const;

export type PickerEmoji = (typeof PICKER)[number];

/** The picker's emoji characters, in order. */
export const PICKER_EMOJI: readonly string[] = PICKER.map((p) => p.emoji);

/** An emoji's name in the UI's language (call while a component using `useTranslation('chat')` renders). */
export function emojiName(choice: PickerEmoji): string {
  return i18n.t(`chat:emoji.${choice.name}`);
}
