import { describe, expect, it } from 'vitest';
import { splitMessage } from '../../renderer/src/rich-text';

describe('links and numbers in messages', () => {
  it('finds http(s) links and phone numbers, keeping the rest as text', () => {
    expect(splitMessage('See https://example.com/a?b=1, or call +1 (408) 555-0100.')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', or call ' },
      { kind: 'number', text: '+1 (408) 555-0100' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never makes javascript:, data: or file: links clickable', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd', 'JaVaScRiPt:alert(1)']) {
      expect(splitMessage(`click ${bad}`).every((p) => p.kind === 'text')).toBe(true);
    }
  });

  it('leaves times and short numbers alone', () => {
    expect(splitMessage('at 10:30 on 2026-11-24, room 42').every((p) => p.kind === 'text')).toBe(true);
  });

  it('keeps every character of the text', () => {
    const text = 'a https://x.test b 555 0100 99 c‮d';
    expect(
      splitMessage(text)
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });
});
