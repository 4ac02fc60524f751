/**
 * The framing's Content-Length reader (`declaredLength`, core/sip/message/message-checks.ts)
 * reads only the lines that can be Content-Length; it must say what a full pass over every
 * header line says: the same length, none, or the same refusal. Checked against a reference
 * written here the plain way (unfold, split, read every line), on generated header sections.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declaredLength } from '../../../core/sip/message/message-checks';

/** Every line read: Content-Length values (long or compact), then the same rules. */
function reference(head: string): number | undefined {
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const found = lines
    .slice(1)
    .filter((l) => l.includes(':'))
    .map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])
    .filter(([name]) => name === 'content-length' || name === 'l')
    .map(([, value]) => value);
  if (found.length === 0) return undefined;
  if (found.some((v) => !/^\d{1,10}$/.test(v))) throw new Error('not a number');
  if (found.some((v) => Number(v) !== Number(found[0]))) throw new Error('differ');
  return Number(found[0]);
}

const outcome = (read: (head: string) => number | undefined, head: string) => {
  try {
    return { length: read(head) };
  } catch {
    return { refused: true };
  }
};

const line = fc.oneof(
  fc
    .constantFrom('Content-Length', 'content-length', 'CONTENT-LENGTH', 'l', 'L', 'Contact', 'CSeq', 'Call-ID', 'Via', 'Content-Type', 'lx')
    .chain((name) =>
      fc
        .tuple(
          fc.constantFrom('', ' ', '\t'),
          fc.constantFrom('', ' ', '  '),
          fc.oneof(fc.constantFrom('0', '12', '012', '349', 'x', '', '99999999999'), fc.string({ maxLength: 6 })),
        )
        .map(([before, after, value]) => `${name}${before}:${after}${value}`),
    ),
  fc.constantFrom(' folded continuation', '\tfolded', 'no colon here'),
);

describe('declaredLength', () => {
  it('reads the Content-Length of plain messages, compact or long, and none when absent', () => {
    expect(declaredLength('NOTIFY sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\nContent-Length: 349')).toBe(349);
    expect(declaredLength('SIP/2.0 200 OK\r\nl: 0\r\nCall-ID: x')).toBe(0);
    expect(declaredLength('SIP/2.0 200 OK\r\nContact: <sip:c@d>')).toBeUndefined();
    expect(() => declaredLength('SIP/2.0 200 OK\r\nContent-Length: 3\r\nl: 4')).toThrow(/two different Content-Length headers/);
    // A folded Content-Length is joined first.
    expect(declaredLength('SIP/2.0 200 OK\r\nContent-Length:\r\n 17')).toBe(17);
  });

  it('agrees with a full pass over every line on generated header sections', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom('\r\n', '\n'), (lines, eol) => {
        const head = ['SUBSCRIBE sip:x@y SIP/2.0', ...lines].join(eol);
        expect(outcome(declaredLength, head)).toEqual(outcome(reference, head));
      }),
      { numRuns: 2000 },
    );
  });
});
