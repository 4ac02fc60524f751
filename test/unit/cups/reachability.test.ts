/**
 * A rule's reachability conditions, read from and written back in the shapes of the CUPS guide's
 * Example 43 (test/fixtures/cups-guide/example43-reachability.txt): edits change only what they
 * touch, the and/or/not groups the view does not edit come back as they were, bad values are
 * refused in words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConditions, readReachability, writeReachability } from '../../../core/cups/reachability';
import { PRESENCE_RULES_NS } from '../../../core/cups/operations';
import { parseXml } from '../../../core/xml/safe-xml';

const fixture = readFileSync(join(__dirname, '../../fixtures/cups-guide/example43-reachability.txt'), 'utf8');
const GUIDE = fixture.split('\n').find((l) => l.startsWith('<pr:reachability>'))!;
// The content of <pr:reachability>, as PresenceRule.reachability holds it.
const CONTENT = GUIDE.slice('<pr:reachability>'.length, -'</pr:reachability>'.length);
const tree = (content: string) => parseXml(`<pr:reachability xmlns:pr="${PRESENCE_RULES_NS}">${content}</pr:reachability>`, { namespaces: true });

describe('reachability conditions', () => {
  it("reads the guide's Example 43: one reachable source and four conditions, each with its and/or groups", () => {
    const read = readReachability(CONTENT);
    expect(read.sources).toEqual(['String']);
    expect(read.when).toHaveLength(4);
    for (const [i, w] of read.when.entries())
      expect(w).toEqual({ reachabilityStatus: 'away', statuses: [{ source: 'String', status: 'away' }], nested: 2, index: i });
    expect(read.keptInWhen[0]).toContain('<pr:or>');
    expect(read.keptInWhen[0]).toContain('<pr:and>');
  });

  it('writes unchanged conditions back as the same tree as the guide', () => {
    const read = readReachability(CONTENT);
    const written = writeReachability(checkConditions({ sources: read.sources, when: read.when }), read);
    expect(tree(written)).toEqual(tree(CONTENT));
  });

  it('adds, changes and removes conditions, keeping the groups of those it keeps', () => {
    const read = readReachability(CONTENT);
    const edited = checkConditions({
      sources: ['cupc', 'Cell Phone'],
      when: [
        { ...read.when[0], reachabilityStatus: 'busy', statuses: [{ source: 'cupc', status: 'dnd' }] },
        read.when[3],
        { reachabilityStatus: 'away', statuses: [{ source: 'Cell Phone', status: 'on-the-phone' }] },
      ],
    });
    const back = readReachability(writeReachability(edited, read));
    expect(back.sources).toEqual(['cupc', 'Cell Phone']);
    expect(back.when).toEqual([
      { reachabilityStatus: 'busy', statuses: [{ source: 'cupc', status: 'dnd' }], nested: 2, index: 0 },
      { reachabilityStatus: 'away', statuses: [{ source: 'String', status: 'away' }], nested: 2, index: 1 },
      { reachabilityStatus: 'away', statuses: [{ source: 'Cell Phone', status: 'on-the-phone' }], index: 2 },
    ]);
    expect(back.keptInWhen[0]).toBe(read.keptInWhen[0]);
    expect(back.keptInWhen[1]).toBe(read.keptInWhen[3]);
    expect(back.keptInWhen[2]).toBe('');
  });

  it('a condition left with only its kept groups stays; a new one with no test is refused', () => {
    const read = readReachability(CONTENT);
    const back = readReachability(writeReachability(checkConditions({ sources: [], when: [{ ...read.when[2], statuses: [] }] }), read));
    expect(back.when).toEqual([{ reachabilityStatus: 'away', statuses: [], nested: 2, index: 0 }]);
    expect(back.keptInWhen[0]).toBe(read.keptInWhen[2]);
    expect(() => checkConditions({ sources: [], when: [{ reachabilityStatus: 'away', statuses: [], nested: 2 }] })).toThrow(
      /Condition 1 has no status to test/,
    );
  });

  it('removing every condition gives no reachability element; conditions kept beside <pr:cond> are read too', () => {
    expect(writeReachability(checkConditions({ sources: [], when: [] }), readReachability(''))).toBe('');
    const beside =
      '<pr:cond><pr:epas-reachability source="cupc"></pr:epas-reachability></pr:cond>' +
      '<pr:when reachability-status="away"><pr:epas-status source="cupc" status="away"></pr:epas-status></pr:when>';
    expect(readReachability(beside).when).toEqual([{ reachabilityStatus: 'away', statuses: [{ source: 'cupc', status: 'away' }], index: 0 }]);
  });

  it('escapes sources and refuses bad values in words before anything is written', () => {
    const ok = checkConditions({ sources: ["Bob's phone"], when: [{ reachabilityStatus: 'away', statuses: [{ source: 'a&b', status: 'away' }] }] });
    expect(readReachability(writeReachability(ok)).sources).toEqual(["Bob's phone"]);
    expect(readReachability(writeReachability(ok)).when[0].statuses).toEqual([{ source: 'a&b', status: 'away' }]);
    expect(() => checkConditions({ sources: ['x'.repeat(129)], when: [] })).toThrow(/longer than 128 characters/);
    const bad = (when: unknown, message: RegExp) => expect(() => checkConditions({ sources: [], when: [when] })).toThrow(message);
    bad({ reachabilityStatus: '', statuses: [{ source: 'cupc', status: 'away' }] }, /Enter the status shown by condition 1/);
    bad({ reachabilityStatus: 'on vacation', statuses: [{ source: 'cupc', status: 'away' }] }, /"on vacation" shown by condition 1 is not a status/);
    bad({ reachabilityStatus: 'away', statuses: [{ source: ' ', status: 'away' }] }, /Enter the source in test 1 of condition 1/);
    bad({ reachabilityStatus: 'away', statuses: [{ source: 'cell\nphone', status: 'away' }] }, /control characters/);
    bad({ reachabilityStatus: 'away', statuses: [] }, /Condition 1 has no status to test/);
    expect(() => checkConditions({ sources: [''], when: [] })).toThrow(/Enter the source of reachable source 1/);
  });
});
