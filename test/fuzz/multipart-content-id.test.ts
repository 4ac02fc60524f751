/**
 * Content-IDs are unwrapped without a regex (every part of every event-list NOTIFY has one):
 * the result must be what `/^<(.*)>$/` between two trims gave, whatever the header holds.
 * Runs are seeded, so a failure replays with the seed fast-check prints.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMultipart } from '../../core/sip/codecs/multipart';

const reference = (id: string) =>
  id
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();

describe('Content-ID unwrapping', () => {
  it('gives what the regex gave, for any header value', () => {
    const piece = fc.oneof(fc.constantFrom('<', '>', ' ', '\t', '\u2028', '\u2029', '\u00a0', '@', 'c1', 'rls.example.com'), fc.string({ maxLength: 4 }));
    const id = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('').replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(id, (value) => {
        const body = `--b\r\nContent-Type: text/plain\r\nContent-ID: ${value}\r\n\r\nx\r\n--b--\r\n`;
        const [part] = parseMultipart(body, 'multipart/related;boundary=b');
        expect(part.contentId).toBe(reference(part.headers['content-id']));
      }),
      { numRuns: 500, seed: 2387 },
    );
  });

  it('unwraps the usual forms', () => {
    const read = (value: string) => parseMultipart(`--b\r\nContent-ID: ${value}\r\n\r\nx\r\n--b--\r\n`, 'multipart/related;boundary=b')[0].contentId;
    expect(read('<c1@rls.example.com>')).toBe('c1@rls.example.com');
    expect(read(' < c1@x > ')).toBe('c1@x');
    expect(read('<>')).toBe('');
    expect(read('c1@x')).toBe('c1@x');
    expect(read('<c1@x')).toBe('<c1@x');
    expect(read('<a\u2028b>')).toBe('<a\u2028b>');
  });
});
