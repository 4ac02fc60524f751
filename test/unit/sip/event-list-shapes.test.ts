/**
 * Event-list bodies shaped as RFC 4662 shows them: a bare RLMI document (§5, no state parts)
 * and a list nested in a list (a multipart/related part inside the outer multipart/related).
 */
import { describe, expect, it } from 'vitest';
import { EventListState, isEventListBody } from '../../../core/sip/usages/event-list';
import { pidf } from '../../support/event-list-bodies';

const PIDF = (entity: string, basic: 'open' | 'closed', note = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}"><tuple id="x"><status><basic>${basic}</basic></status>${note ? `<note>${note}</note>` : ''}</tuple></presence>`;

describe('a bare application/rlmi+xml body', () => {
  // Modelled on RFC 4662 §5's first example: the list as the server first knows it, no state yet.
  const bare = (version: number) =>
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@pres.example.com" version="${version}" fullState="true">` +
    `<name xml:lang="en">Buddy List at COM</name><name xml:lang="de">Liste der Freunde an COM</name>` +
    `<resource uri="sip:bob@example.com"><name>Bob Smith</name><instance id="juwigmtboe" state="pending"/></resource>` +
    `<resource uri="sip:dave@example.com"><name>Dave Jones</name><instance id="hqzsuxtfyq" state="terminated" reason="rejected"/></resource>` +
    `<resource uri="sip:ed@example.net"><name>Ed at NET</name></resource></list>`;

  it('is an event-list body and is applied: every member known, none guessed offline', () => {
    expect(isEventListBody('application/rlmi+xml')).toBe(true);
    const list = new EventListState();
    const result = list.apply(bare(1), 'application/rlmi+xml;charset="UTF-8"');
    expect(result).toMatchObject({ outcome: 'applied', version: 1, fullState: true, problems: [] });
    expect(result.changes.map((c) => [c.uri, c.presence.availability, c.instance, c.reason])).toEqual([
      ['sip:bob@example.com', 'unknown', 'pending', undefined],
      ['sip:dave@example.com', 'unknown', 'terminated', 'rejected'],
      ['sip:ed@example.net', 'unknown', undefined, undefined],
    ]);
  });

  it('orders versions with multipart bodies of the same subscription', () => {
    const list = new EventListState();
    list.apply(bare(3), 'application/rlmi+xml');
    expect(list.apply(bare(2), 'application/rlmi+xml').outcome).toBe('stale');
  });
});

describe('a list nested in a list', () => {
  // Modelled on RFC 4662's nested example: the outer list names bob, dave and a second list,
  // whose instance is a multipart/related of its own (RLMI root + one PIDF per member).
  const inner =
    `--50UBfW7LSCVLtggUPe5z\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <2UWQFN309shb3@example.com>\r\nContent-Type: application/rlmi+xml;charset="UTF-8"\r\n\r\n` +
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@example.com" version="1" fullState="false">` +
    `<resource uri="sip:cathy@example.com"><instance id="sslieg3" state="active" cid="AAgJbkPY7h@example.com"/></resource>` +
    `<resource uri="sip:ed@example.com"><instance id="cheesgux" state="active" cid="Jvd7ghSlKd@example.com"/></resource></list>\r\n` +
    `--50UBfW7LSCVLtggUPe5z\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <AAgJbkPY7h@example.com>\r\nContent-Type: application/pidf+xml;charset="UTF-8"\r\n\r\n${PIDF('pres:cathy@example.com', 'open', 'Lunch')}\r\n` +
    `--50UBfW7LSCVLtggUPe5z\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <Jvd7ghSlKd@example.com>\r\nContent-Type: application/pidf+xml;charset="UTF-8"\r\n\r\n${PIDF('pres:ed@example.com', 'closed')}\r\n` +
    `--50UBfW7LSCVLtggUPe5z--\r\n`;
  const outer =
    `--TfZxoxgAvLqgj4wRWPDL\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <nXYxAE@pres.example.com>\r\nContent-Type: application/rlmi+xml;charset="UTF-8"\r\n\r\n` +
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-buddies@pres.example.com" version="7" fullState="true">` +
    `<resource uri="sip:bob@example.com"><instance id="juwigmtboe" state="active" cid="bUZBsM@pres.example.com"/></resource>` +
    `<resource uri="sip:dave@example.com"><instance id="hqzsuxtfyq" state="pending"/></resource>` +
    `<resource uri="sip:adam-friends@example.com"><instance id="cmpxlvnqui" state="active" cid="ZvSvkz@pres.example.com"/></resource></list>\r\n` +
    `--TfZxoxgAvLqgj4wRWPDL\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <bUZBsM@pres.example.com>\r\nContent-Type: application/pidf+xml;charset="UTF-8"\r\n\r\n${pidf('bob', 'busy', 'in a call').replace('sip:bob@lab.test', 'sip:bob@example.com')}\r\n` +
    `--TfZxoxgAvLqgj4wRWPDL\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <ZvSvkz@pres.example.com>\r\nContent-Type: multipart/related;type="application/rlmi+xml";start="<2UWQFN309shb3@example.com>";boundary="50UBfW7LSCVLtggUPe5z"\r\n\r\n${inner}\r\n` +
    `--TfZxoxgAvLqgj4wRWPDL--\r\n`;
  const CT = 'multipart/related;type="application/rlmi+xml";start="<nXYxAE@pres.example.com>";boundary="TfZxoxgAvLqgj4wRWPDL"';

  it('reads the nested list’s members as members, with their own states', () => {
    const list = new EventListState();
    const result = list.apply(outer, CT);
    expect(result.problems).toEqual([]);
    expect(result.changes.map((c) => [c.uri, c.presence.availability, c.presence.note])).toEqual([
      ['sip:bob@example.com', 'busy', 'in a call'],
      ['sip:dave@example.com', 'unknown', ''],
      ['sip:cathy@example.com', 'available', 'Lunch'],
      ['sip:ed@example.com', 'offline', ''],
    ]);
    expect(list.presenceOf('sip:cathy@example.com')?.availability).toBe('available');
  });

  it('reports an unreadable nested list as a problem and reads the rest', () => {
    const broken = outer.replace(
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@example.com"',
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@example.com" uri="x"',
    );
    const result = new EventListState().apply(broken, CT);
    expect(result.changes.map((c) => c.uri)).toEqual(['sip:bob@example.com', 'sip:dave@example.com']);
    expect(result.problems).toEqual([expect.stringMatching(/^sip:adam-friends@example.com: nested list not readable/)]);
  });
});

describe('RLMI text', () => {
  it('decodes character references in attributes and names, and refuses a cut-off partial list', async () => {
    const { parseRlmi, RlmiError } = await import('../../../core/sip/codecs/rlmi');
    const doc = `<rl:list xmlns:rl="urn:ietf:params:xml:ns:rlmi" uri="sip:l&#x69;st@x" version="&#50;" fullState="false"><rl:resource uri="sip:&#x62;ob@x"><rl:name>Zo&#235; &amp; Bob</rl:name><rl:instance id="i&#49;" state="active" cid="c&#64;x"/></rl:resource></rl:list>`;
    expect(parseRlmi(doc)).toEqual({
      uri: 'sip:list@x',
      version: 2,
      fullState: false,
      resources: [{ uri: 'sip:bob@x', name: 'Zoë & Bob', instances: [{ id: 'i1', state: 'active', cid: 'c@x' }] }],
    });
    expect(() => parseRlmi(doc.slice(0, -20))).toThrow(RlmiError);
  });
});
