/**
 * PIDF as other servers and clients write it: read by namespace (RFC 3863, 4479, 4480, Cisco),
 * notes by the written precedence, and broken documents refused with a specific error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composePresence, parsePidf, PidfError } from '../../../core/sip/codecs/pidf';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/pidf', name), 'utf8');
const PIDF = 'xmlns="urn:ietf:params:xml:ns:pidf"';
const DM = 'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"';
const RPID = 'xmlns:rp="urn:ietf:params:xml:ns:pidf:rpid"';
const open = '<tuple id="t"><status><basic>open</basic></status></tuple>';

describe('notes by precedence', () => {
  it('reads the document-level note when neither tuple nor person has one', () => {
    const parsed = parsePidf(`<presence ${PIDF} entity="sip:a@x">${open}<note>In Tokyo next week</note></presence>`);
    expect(parsed.note).toBe('In Tokyo next week');
    expect(composePresence(parsed.devices).note).toBe('In Tokyo next week');
  });

  it('prefers the tuple note, then the person note, then the document note', () => {
    const person = `<dm:person id="p"><dm:note>person</dm:note></dm:person>`;
    const withTupleNote = `<tuple id="t"><status><basic>open</basic></status><note>tuple</note></tuple>`;
    expect(composePresence(parsePidf(`<presence ${PIDF} ${DM}>${withTupleNote}${person}<note>doc</note></presence>`).devices).note).toBe('tuple');
    expect(composePresence(parsePidf(`<presence ${PIDF} ${DM}>${open}${person}<note>doc</note></presence>`).devices).note).toBe('person');
  });

  it('never takes a note inside rpid:activities or rpid:mood as the person’s note', () => {
    const body = `<presence ${PIDF} ${DM} ${RPID}>${open}<dm:person id="p"><rp:activities><rp:note>Far away</rp:note><rp:away/></rp:activities><rp:mood><rp:note>grumpy</rp:note><rp:angry/></rp:mood></dm:person></presence>`;
    const parsed = parsePidf(body);
    expect(parsed.persons[0]).toMatchObject({ note: '', activities: ['away'] });
    expect(composePresence(parsed.devices)).toMatchObject({ availability: 'away', note: '' });
  });

  it('reads RFC 4480’s example: away from the person, its note, and nothing from mood or activities notes', () => {
    const parsed = parsePidf(fixture('rfc4480-example.xml'));
    expect(parsed.note).toBe("I'll be in Tokyo next week");
    expect(parsed.persons[0]).toMatchObject({ id: 'p1', note: 'Scoring 120', activities: ['away'] });
    expect(parsed.devices.map((d) => [d.id, d.availability, d.note])).toEqual([
      ['bs35r9', 'away', 'Scoring 120'],
      ['ty4658', 'away', 'Scoring 120'],
      ['eg92n8', 'away', 'Scoring 120'],
    ]);
    expect(parsed.extensions.map((e) => e.name)).toEqual(['device']);
  });

  it('reads RFC 3863’s example under another prefix: open and closed tuples, document note', () => {
    const parsed = parsePidf(fixture('rfc3863-example.xml'));
    expect(parsed.entity).toBe('pres:someone@example.com');
    expect(parsed.devices.map((d) => [d.id, d.availability])).toEqual([
      ['ck38g9', 'available'],
      ['md6tz5', 'offline'],
    ]);
    expect(parsed.note).toBe("Don't Disturb Please!");
    expect(composePresence(parsed.devices).note).toBe("Don't Disturb Please!");
  });
});

describe('activities by namespace', () => {
  it('does not count an element named busy in another namespace', () => {
    const body = `<presence ${PIDF} ${DM} ${RPID} xmlns:x="urn:example:calendar"><tuple id="t"><status><basic>open</basic></status><rp:activities><x:busy/></rp:activities></tuple></presence>`;
    const parsed = parsePidf(body);
    expect(parsed.tuples[0].activities).toEqual([]);
    expect(composePresence(parsed.devices).availability).toBe('available');
  });

  it('does not count an activities element of another namespace', () => {
    const body = `<presence ${PIDF} xmlns:x="urn:example"><tuple id="t"><status><basic>open</basic></status><x:activities><x:busy/></x:activities></tuple></presence>`;
    expect(composePresence(parsePidf(body).devices).availability).toBe('available');
  });

  it('counts Cisco’s activity values but not its other elements', () => {
    const body = `<presence ${PIDF} ${DM} ${RPID} xmlns:ce="urn:cisco:params:xml:ns:pidf:rpid"><tuple id="t"><status><basic>open</basic></status></tuple><dm:person id="p"><rp:activities><ce:dnd/><ce:alt-text>Focus time</ce:alt-text></rp:activities></dm:person></presence>`;
    const parsed = parsePidf(body);
    expect(parsed.persons[0].activities).toEqual(['dnd']);
    expect(composePresence(parsed.devices).availability).toBe('dnd');
  });

  it('reads RPID under a default namespace declared on activities', () => {
    const body = `<presence ${PIDF}><tuple id="t"><status><basic>open</basic></status><activities xmlns="urn:ietf:params:xml:ns:pidf:rpid"><busy/></activities></tuple></presence>`;
    expect(composePresence(parsePidf(body).devices).availability).toBe('busy');
  });
});

describe('text decoded, encodings honoured', () => {
  it('decodes character references in notes, ids and contacts', () => {
    const body = `<presence ${PIDF} entity="sip:z&#x6F;e@x"><tuple id="t&#49;"><status><basic>open</basic></status><note>caf&#233; &amp; more</note></tuple></presence>`;
    const parsed = parsePidf(body);
    expect(parsed.entity).toBe('sip:zoe@x');
    expect(parsed.devices[0]).toMatchObject({ id: 't1', note: 'café & more' });
  });

  it('reads a UTF-16 document with a byte order mark, and ISO-8859-1 named by the charset', () => {
    const doc = `<?xml version="1.0" encoding="UTF-16"?><presence ${PIDF}><tuple id="t"><status><basic>open</basic></status><note>Zoë ✓</note></tuple></presence>`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    expect(parsePidf(utf16).devices[0].note).toBe('Zoë ✓');
    const latin1 = Buffer.from(doc.replace('UTF-16', 'ISO-8859-1').replace(' ✓', ''), 'latin1');
    expect(parsePidf(latin1, 'ISO-8859-1').devices[0].note).toBe('Zoë');
  });

  it('reads servcaps as XML Schema booleans (1/0, surrounding spaces, the guide’s TRUE), garbage left out', () => {
    const body = `<presence ${PIDF} xmlns:sc="urn:ietf:params:xml:ns:pidf:servcaps"><tuple id="t"><status><basic>open</basic></status><sc:servcaps><sc:audio> 1 </sc:audio><sc:video>0</sc:video><sc:text>TRUE</sc:text><sc:message>yes</sc:message></sc:servcaps></tuple></presence>`;
    expect(parsePidf(body).tuples[0].servcaps).toEqual({ audio: true, video: false, text: true });
  });
});

describe('refusals keep the previous state (a typed error, nothing read)', () => {
  it.each([
    ['empty', '', /empty/],
    ['cut off', `<presence ${PIDF}><tuple id="t"><status><basic>open</basic></status></tuple>`, /not well-formed/],
    ['wrongly nested', `<presence ${PIDF}><tuple id="t"><status><basic>open</status></basic></tuple></presence>`, /not well-formed/],
    ['duplicate attribute', `<presence ${PIDF} entity="sip:a@x" entity="sip:b@x">${open}</presence>`, /repeated/],
    ['not a presence document', `<html><body>502</body></html>`, /not a presence document/],
    ['foreign root namespace', `<presence xmlns="urn:example">${open}</presence>`, /not a presence document/],
  ])('%s → PidfError', (_what, body, message) => {
    expect(() => parsePidf(body)).toThrow(PidfError);
    expect(() => parsePidf(body)).toThrow(message);
  });
});
