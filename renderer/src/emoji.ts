/**
 * Emoticon shortcuts and the emoji the picker offers. Both only ever put Unicode characters
 * into the message text: what is sent and shown stays plain text, never markup or images.
 */

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

/** The picker's emoji, in rows of eight. */
export const PICKER_EMOJI = [
  '🙂',
  '😄',
  '😂',
  '😉',
  '😊',
  '😍',
  '😘',
  '😎',
  '🤔',
  '😐',
  '😮',
  '😢',
  '🙁',
  '😡',
  '😴',
  '🤒',
  '👍',
  '👎',
  '👏',
  '🙏',
  '👋',
  '💪',
  '🤝',
  '✌️',
  '❤️',
  '🎉',
  '🔥',
  '⭐',
  '✅',
  '❌',
  '⚠️',
  '❓',
  '☕',
  '🍕',
  '🍰',
  '🍺',
  '📞',
  '💻',
  '📅',
  '⏰',
] as const;
