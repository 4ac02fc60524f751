/**
 * Event-list NOTIFY bodies (RFC 4662): multipart/related framing, RLMI, version ordering,
 * instance states, and what bad input does (a specific error, nothing changed, no crash).
 */
import { describe, expect, it } from 'vitest';
import { EventListError, EventListState } from '../../../core/sip/usages/event-list';
import { MultipartError, parseContentType, parseMultipart, rootPart } from '../../../core/sip/codecs/multipart';
import { RlmiError, parseRlmi } from '../../../core/sip/codecs/rlmi';
import { B, CT, LIST, body, pidf, uri, type Member } from '../../support/event-list-bodies';
import { guideLines } from '../../support/spec-examples';

describe('multipart/related', () => {
  it('reads parameters, quoted or not', () => {
    expect(parseContentType(CT)).toEqual({ type: 'multipart/related', params: { type: 'application/rlmi+xml', start: '<root@rls>', boundary: B } });
    expect(parseContentType('Multipart/Related; boundary=abc ; type=application/rlmi+xml').params).toEqual({ boundary: 'abc', type: 'application/rlmi+xml' });
  });

  it('splits parts with CRLF and with bare LF line ends alike', () => {
    const members: Member[] = [{ uri: uri('maria'), state: 'active', pidf: pidf('maria', 'busy', 'call') }];
    for (const eol of ['\r\n', '\n']) {
      const parts = parseMultipart(body(1, true, members, eol), CT);
      expect(parts.map((p) => p.contentId)).toEqual(['root@rls', 'c0@rls']);
      expect(parts[1].contentType.type).toBe('application/pidf+xml');
      // The line end before the next delimiter belongs to the delimiter; the blank line the
      // server leaves there is the part's own last line end.
      expect(parts[1].body).toBe(`${pidf('maria', 'busy', 'call')}${eol}`);
      expect(rootPart(parts, parseContentType(CT)).contentType.type).toBe('application/rlmi+xml');
    }
  });

  it('ignores a preamble and an epilogue', () => {
    const parts = parseMultipart(`This is a preamble.\r\n${body(1, true, [])}epilogue text`, CT);
    expect(parts).toHaveLength(1);
  });

  it.each([
    ['no boundary parameter', 'multipart/related;type="application/rlmi+xml"', body(1, true, []), /without a boundary/],
    ['a boundary that is not in the body', CT.replace(B, 'other'), body(1, true, []), /does not contain its boundary "other"/],
    ['an invalid boundary', 'multipart/related;boundary="a\u0000b"', 'x', /not a valid boundary/],
    ['a missing closing boundary', CT, body(1, true, []).replace(`--${B}--\r\n`, ''), /without its closing boundary/],
    ['a part header without a colon', CT, `--${B}\r\nnot a header\r\n\r\nx\r\n--${B}--`, /malformed header line "not a header"/],
    ['base64 parts', CT, `--${B}\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--${B}--`, /Content-Transfer-Encoding base64/],
    ['a non-multipart type', 'application/pidf+xml', '<presence/>', /not a multipart body/],
  ])('refuses %s with a specific error', (_what, contentType, text, message) => {
    expect(() => parseMultipart(text, contentType)).toThrow(MultipartError);
    expect(() => parseMultipart(text, contentType)).toThrow(message);
  });

  it('refuses bodies and part counts over the caps before parsing them', () => {
    const big = body(1, true, [{ uri: uri('a'), state: 'active', pidf: `${pidf('a', 'busy')}${' '.repeat(5000)}` }]);
    expect(() => parseMultipart(big, CT, { maxBytes: 4096 })).toThrow(/larger than 4096 bytes/);
    const many = body(
      1,
      true,
      Array.from({ length: 5 }, (_, i) => ({ uri: uri(`u${i}`), state: 'active' as const, pidf: pidf(`u${i}`, 'away') })),
    );
    expect(() => parseMultipart(many, CT, { maxParts: 3 })).toThrow(/more than 3 parts/);
  });
});

describe('RLMI', () => {
  it('reads the list, its version, full state and each instance', () => {
    const rlmi = parseRlmi(
      `<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${LIST}" version="7" fullState="false">` +
        `<resource uri="sip:a@lab.test"><name>Ann</name><instance id="1" state="active" cid="x@y"/></resource>` +
        `<resource uri="sip:b@lab.test"><instance id="2" state="terminated" reason="quotaExceeded"/></resource>` +
        `<resource uri="sip:c@lab.test"/></list>`,
    );
    expect(rlmi).toEqual({
      uri: LIST,
      version: 7,
      fullState: false,
      resources: [
        { uri: 'sip:a@lab.test', name: 'Ann', instances: [{ id: '1', state: 'active', cid: 'x@y' }] },
        { uri: 'sip:b@lab.test', instances: [{ id: '2', state: 'terminated', reason: 'quotaExceeded' }] },
        { uri: 'sip:c@lab.test', instances: [] },
      ],
    });
  });

  it.each([
    ['no version', `<list uri="${LIST}" fullState="true"/>`, /no usable version \(missing\)/],
    ['a negative version', `<list uri="${LIST}" version="-1" fullState="true"/>`, /no usable version \("-1"\)/],
    ['no fullState', `<list uri="${LIST}" version="1"/>`, /no usable fullState/],
    [
      'an unknown instance state',
      `<list uri="${LIST}" version="1" fullState="true"><resource uri="sip:a@x"><instance id="1" state="sleepy"/></resource></list>`,
      /unknown state "sleepy"/,
    ],
    ['a resource without uri', `<list uri="${LIST}" version="1" fullState="true"><resource/></list>`, /without a uri/],
    ['no list element', `<other/>`, /no <list> element/],
  ])('refuses %s', (_what, xml, message) => {
    expect(() => parseRlmi(xml)).toThrow(RlmiError);
    expect(() => parseRlmi(xml)).toThrow(message);
  });

  it('refuses a damaged full state (it would drop the members it no longer names)', () => {
    const xml = `<list uri="${LIST}" version="2" fullState="true"><resource uri="sip:a@lab.test"/><resource uri="sip:b@lab.test">`;
    expect(() => parseRlmi(xml)).toThrow(/full-state RLMI document is not well-formed/);
  });

  // The plain shape is read by a one-pass scanner; a comment sends the same document through
  // the XML parser instead: both must read the same.
  const viaParser = (xml: string) => xml.replace(/<list\b/, '<!-- via the parser --><list');
  it.each([
    [
      "Kamailio's layout",
      `<?xml version="1.0"?>\r\n<list uri="${LIST}" xmlns="urn:ietf:params:xml:ns:rlmi" version="4" fullState="true">\r\n  <resource uri="sip:a@lab.test">\r\n    <instance id="Scf8" state="active" cid="1.sip:a@lab.test.17"/>\r\n  </resource>\r\n  <resource uri="sip:b@lab.test"/>\r\n</list>\r\n`,
    ],
    [
      'single quotes, spaces around = and >',
      `<list uri = '${LIST}' version='2'  fullState='0' ><resource uri=' sip:a@lab.test '><name >  Ann  </name ><instance id='1' state=' Pending ' reason='x'></instance ></resource ></list >`,
    ],
    [
      'two names and an empty one',
      `<list uri="${LIST}" version="3" fullState="false"><resource uri="sip:a@lab.test"><name/><name>Second</name><instance id="1" state="terminated" reason="rejected"/></resource></list>`,
    ],
    ['an empty list', `<list uri="${LIST}" version="9" fullState="1"/>`],
    [
      'cid in angle brackets',
      `<list uri="${LIST}" version="5" fullState="false"><resource uri="sip:a@lab.test"><instance id="1" state="active" cid=" <a@b> "/></resource></list>`,
    ],
  ])('reads %s in one pass as the XML parser does', (_what, xml) => {
    expect(parseRlmi(xml)).toEqual(parseRlmi(viaParser(xml)));
  });

  it.each([
    [
      'a prefixed list',
      `<r:list xmlns:r="urn:ietf:params:xml:ns:rlmi" uri="${LIST}" version="1" fullState="false"><r:resource uri="sip:a@lab.test"><r:instance id="1" state="active"/></r:resource></r:list>`,
      'sip:a@lab.test',
    ],
    ['a reference in a URI', `<list uri="${LIST}" version="1" fullState="false"><resource uri="sip:a&amp;b@lab.test"/></list>`, 'sip:a&b@lab.test'],
    ['an element we do not read', `<list uri="${LIST}" version="1" fullState="false"><resource uri="sip:a@lab.test"><x/></resource></list>`, 'sip:a@lab.test'],
  ])('reads %s through the XML parser', (_what, xml, member) => {
    expect(parseRlmi(xml).resources.map((r) => r.uri)).toEqual([member]);
  });

  it('refuses a full state cut inside a tag or an attribute, whichever reader sees it', () => {
    for (const cut of [
      `<list uri="${LIST}" version="2" fullState="true"><resource uri="sip:a@lab.test"/><resource uri="sip:b@la`,
      `<list uri="${LIST}" version="2" fullState="true"><resource uri="sip:a@lab.test"/></list`,
    ]) {
      expect(() => parseRlmi(cut)).toThrow(/full-state RLMI document is not well-formed/);
    }
  });

  it('refuses a DOCTYPE (no entity expansion) and text that is not XML', () => {
    expect(() => parseRlmi(`<!DOCTYPE list [<!ENTITY a "aaaa">]><list uri="x" version="1" fullState="true"/>`)).toThrow(/DOCTYPE or entities/);
    expect(() => parseRlmi(`version=1 fullState=true`)).toThrow(/not XML/);
  });
});

describe('event-list state', () => {
  const members: Member[] = [
    { uri: uri('maria'), state: 'active', pidf: pidf('maria', 'available', 'roadmap') },
    { uri: uri('sam'), state: 'active', pidf: pidf('sam', 'away', 'back at 2') },
    { uri: uri('priya'), state: 'pending' },
    { uri: uri('lena') },
  ];

  it('a full state gives every member; a partial one exactly the members it names', () => {
    const list = new EventListState();
    const full = list.apply(body(1, true, members), CT);
    expect(full.outcome).toBe('applied');
    expect(full.changes.map((c) => [c.uri, c.presence.availability, c.presence.note])).toEqual([
      [uri('maria'), 'available', 'roadmap'],
      [uri('sam'), 'away', 'back at 2'],
      [uri('priya'), 'unknown', ''],
      [uri('lena'), 'unknown', ''],
    ]);
    const partial = list.apply(body(2, false, [{ uri: uri('sam'), state: 'active', pidf: pidf('sam', 'busy', 'call') }]), CT);
    expect(partial.changes.map((c) => [c.uri, c.presence.availability])).toEqual([[uri('sam'), 'busy']]);
    expect(list.presenceOf(uri('maria'))?.note).toBe('roadmap');
  });

  it('a repeated full state reports only what differs', () => {
    const list = new EventListState();
    list.apply(body(1, true, members), CT);
    expect(list.apply(body(2, true, members), CT).changes).toEqual([]);
    const next = members.map((m) => (m.uri === uri('lena') ? { uri: m.uri, state: 'active' as const, pidf: pidf('lena', 'away') } : m));
    expect(list.apply(body(3, true, next), CT).changes.map((c) => [c.uri, c.presence.availability])).toEqual([[uri('lena'), 'away']]);
  });

  it('ignores stale and duplicate versions, and partial state before any full state', () => {
    const list = new EventListState();
    expect(list.apply(body(3, false, members), CT).outcome).toBe('no-base');
    list.apply(body(5, true, members), CT);
    const stalePartial = list.apply(body(5, false, [{ uri: uri('maria'), state: 'active', pidf: pidf('maria', 'dnd') }]), CT);
    expect(stalePartial).toMatchObject({ outcome: 'stale', changes: [] });
    const staleFull = list.apply(body(4, true, [{ uri: uri('maria'), state: 'active', pidf: pidf('maria', 'dnd') }]), CT);
    expect(staleFull).toMatchObject({ outcome: 'stale', changes: [] });
    expect(list.presenceOf(uri('maria'))?.availability).toBe('available');
    expect(list.version).toBe(5);
  });

  it('reports a version gap but applies the newer state', () => {
    const list = new EventListState();
    list.apply(body(1, true, members), CT);
    const result = list.apply(body(4, false, [{ uri: uri('maria'), state: 'active', pidf: pidf('maria', 'busy') }]), CT);
    expect(result).toMatchObject({ outcome: 'applied', gap: true });
    expect(list.presenceOf(uri('maria'))?.availability).toBe('busy');
  });

  it('terminated instances carry their reason and no presence', () => {
    const list = new EventListState();
    list.apply(body(1, true, members), CT);
    const result = list.apply(
      body(2, false, [
        { uri: uri('maria'), state: 'terminated', reason: 'rejected' },
        { uri: uri('sam'), state: 'terminated', reason: 'deactivated' },
        { uri: uri('priya'), state: 'terminated', reason: 'quotaExceeded' },
      ]),
      CT,
    );
    expect(result.changes.map((c) => [c.uri, c.instance, c.reason, c.presence.availability])).toEqual([
      [uri('maria'), 'terminated', 'rejected', 'unknown'],
      [uri('sam'), 'terminated', 'deactivated', 'unknown'],
      [uri('priya'), 'terminated', 'quotaExceeded', 'unknown'],
    ]);
  });

  it('a full state that no longer names a member removes it', () => {
    const list = new EventListState();
    list.apply(body(1, true, members), CT);
    const result = list.apply(body(2, true, members.slice(0, 3)), CT);
    expect(result.changes).toEqual([expect.objectContaining({ uri: uri('lena'), removed: true })]);
    expect(list.members()).not.toContain(uri('lena'));
  });

  it('one unreadable member keeps its last state; the others are applied', () => {
    const list = new EventListState();
    list.apply(body(1, true, members), CT);
    const result = list.apply(
      body(2, false, [
        { uri: uri('maria'), state: 'active', pidf: '<?xml version="1.0"?><status><basic>open</basic></status>' },
        { uri: uri('sam'), state: 'active', pidf: pidf('sam', 'dnd') },
      ]),
      CT,
    );
    expect(result.problems).toEqual([expect.stringContaining(uri('maria'))]);
    expect(result.changes.map((c) => c.uri)).toEqual([uri('sam')]);
    expect(list.presenceOf(uri('maria'))?.availability).toBe('available');
  });

  it.each([
    ['a truncated body', (b: string) => b.slice(0, b.length / 2), CT, /closing boundary/],
    ['a root part that is not RLMI', (b: string) => b.replace('application/rlmi+xml;charset', 'text/plain;charset'), CT, /root part is text\/plain/],
    ['a start part that is missing', (b: string) => b, CT.replace('<root@rls>', '<gone@rls>'), /start part <gone@rls>/],
    ['a body that is not multipart', () => pidf('maria', 'busy'), 'application/pidf+xml', /expected multipart\/related/],
    ['RLMI that is not XML', (b: string) => b.replace(/<list[\s\S]*<\/list>/, '<list version="1" fullState="true" uri="x"><oops'), CT, /RLMI|resource list/],
  ])('%s → EventListError, state unchanged', (_what, mangle, contentType, message) => {
    const list = new EventListState();
    list.apply(body(1, true, members), CT);
    expect(() => list.apply(mangle(body(2, true, [{ uri: uri('maria'), state: 'active', pidf: pidf('maria', 'dnd') }])), contentType)).toThrow(EventListError);
    expect(() => list.apply(mangle(body(2, true, [])), contentType)).toThrow(message);
    expect(list.version).toBe(1);
    expect(list.presenceOf(uri('maria'))?.availability).toBe('available');
  });

  it('reads the CUPS guide’s event-list example (Example 3), damaged PIDF and all', () => {
    // The guide prints the NOTIFY on one line; its parts are reassembled with the guide's own
    // Content-IDs. The flattened original is refused with a specific error.
    const line = guideLines.find((l) => l.startsWith('NOTIFY sip:handset0'))!;
    const rlmi = line.slice(line.indexOf('<?xml'), line.indexOf('</list>') + '</list>'.length);
    const presences = [...line.matchAll(/<\?xml version="1.0" encoding="UTF-8"\?><presence[\s\S]*?<\/presence>/g)].map((m) => m[0]);
    expect(presences).toHaveLength(2);
    const part = (id: string, type: string, text: string) =>
      `--${B}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${id}>\r\nContent-Type: ${type}\r\n\r\n${text}\r\n`;
    const rebuilt =
      part('972014@10.89.51.203', 'application/rlmi+xml;charset="UTF-8"', rlmi) +
      part('971a00@10.89.51.203', 'application/pidf+xml', presences[0]) +
      part('971a28@10.89.51.203', 'application/pidf+xml', presences[1]) +
      `--${B}--\r\n`;
    const list = new EventListState();
    const result = list.apply(rebuilt, `multipart/related;type="application/rlmi+xml";start="<972014@10.89.51.203>";boundary="${B}"`);
    expect(result).toMatchObject({ outcome: 'applied', version: 0, fullState: true, problems: [] });
    expect(result.changes.map((c) => [c.uri, c.presence.availability])).toEqual([
      ['sip:scalar1@cisco.com', 'available'],
      ['sip:scalar2@cisco.com', 'available'],
    ]);
    const flattened = line.slice(line.indexOf('--97201414'));
    expect(() =>
      new EventListState().apply(flattened, 'multipart/related;type="application/rlmi+xml";start="<972014@10.89.51.203>";boundary="9720 1414-1dd1-11b2-b"'),
    ).toThrow(/does not contain its boundary "9720 1414-1dd1-11b2-b"/);
  });
});

describe('event-list hostile input', () => {
  it('2,000 mangled bodies: each is applied or refused with EventListError, never anything else', () => {
    // A small deterministic generator, so a failure can be reproduced.
    let seed = 4662;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const members: Member[] = Array.from({ length: 6 }, (_, i) => ({ uri: uri(`m${i}`), state: 'active' as const, pidf: pidf(`m${i}`, 'busy', `n${i}`) }));
    const good = body(1, true, members);
    const junk = ['--', `--${B}`, '\r\n', '<', '>', '"', '&', '<list', '</list>', 'version="x"', 'fullState', '\u0000', '𝄞', 'cid="c1@rls"'];
    let refused = 0;
    for (let n = 0; n < 2000; n += 1) {
      let text = good;
      for (let k = 1 + rand(4); k > 0; k -= 1) {
        const at = rand(text.length);
        const op = rand(4);
        if (op === 0) text = text.slice(0, at);
        else if (op === 1) text = text.slice(0, at) + junk[rand(junk.length)] + text.slice(at);
        else if (op === 2) text = text.slice(0, at) + text.slice(at + 1 + rand(40));
        else text = text.slice(0, at) + String.fromCharCode(rand(128)) + text.slice(at + 1);
      }
      const list = new EventListState();
      try {
        const result = list.apply(text, CT);
        expect(['applied', 'stale', 'no-base']).toContain(result.outcome);
      } catch (error) {
        expect(error).toBeInstanceOf(EventListError);
        expect(list.version).toBeUndefined();
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(100); // the mutations did break bodies
  });
});
