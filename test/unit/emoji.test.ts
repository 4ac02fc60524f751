import { describe, expect, it } from 'vitest';
import { replaceEmoticons } from '../../renderer/src/emoji';

describe('emoticon shortcuts', () => {
  it('turns emoticons written as words into emoji', () => {
    expect(replaceEmoticons(':) see you at 3 ;-) <3')).toBe('🙂 see you at 3 😉 ❤️');
    expect(replaceEmoticons("sorry :'(\nok (y)")).toBe('sorry 😢\nok 👍');
  });

  it('leaves emoticon-like text inside words, addresses and markup alone', () => {
    for (const text of ['http://example.com/:)', 'a:)b', 'std::(vector)', '<b>:)</b>', '12:30', 'C:\\Users\\P']) expect(replaceEmoticons(text)).toBe(text);
  });
});
