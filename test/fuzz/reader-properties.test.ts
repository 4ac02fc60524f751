/**
 * Property-based tests (fast-check) for every reader: whatever the input, the answer is a
 * value or the reader's own typed error — never an exception of another kind — and what we
 * build (PIDF we publish, SOAP requests we send) reads back as what was put in.
 * Runs are seeded, so a failure replays with the seed fast-check prints.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAllConfig, readContactList, readLogin, readSystemConfig, readUserConfig } from '../../core/cups/parse';
import { envelope, readSoapResponse } from '../../core/cups/soap';
import { addContactBody, setUserConfigBody } from '../../core/cups/operations';
import { CupsError } from '../../core/cups/types';
import { checkSipMessage, FramingError, SipMessageError } from '../../core/sip/message/message-checks';
import { buildPidf, composePresence, parsePidf, type PublishedAvailability } from '../../core/sip/codecs/pidf';
import { parseRlmi, RlmiError } from '../../core/sip/codecs/rlmi';
import { SipStreamFramer } from '../../core/sip/transport/stream-transport';
import { EventListError, EventListState } from '../../core/sip/usages/event-list';
import { attr, child, children, decodeXmlBytes, find, parseXml, text, XmlError } from '../../core/xml/safe-xml';
import { body as eventListBody, CT, pidf } from '../support/event-list-bodies';

const RUNS = { numRuns: 300, seed: 4475 };

/** Runs `fn`; an exception must be one of `allowed`. */
function valueOrTyped(fn: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): void {
  try {
    fn();
  } catch (error) {
    if (!allowed.some((kind) => error instanceof kind)) throw new Error(`unexpected ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
    expect((error as Error).message.length).toBeGreaterThan(0);
  }
}

/** XML-ish text: fragments of real documents, markup characters and references, shuffled. */
const xmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<',
        '>',
        '/',
        '&',
        ';',
        '"',
        "'",
        '=',
        ' ',
        '\r\n',
        '<?xml version="1.0"?>',
        '<![CDATA[',
        ']]>',
        '<!--',
        '-->',
        '&#x',
        '&#',
        '&amp;',
        '&lt;',
        'xmlns:r="urn:ietf:params:xml:ns:pidf:rpid"',
      ),
      fc.constantFrom(
        'presence',
        'tuple',
        'status',
        'basic',
        'open',
        'note',
        'r:activities',
        'r:busy',
        'list',
        'resource',
        'instance',
        'Envelope',
        'Body',
        'Fault',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** A real document with a random slice cut, a random string inserted, or characters swapped. */
const mutated = (seeds: string[]) =>
  fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([s, a, b, ins]) => {
    const i = a % (s.length + 1);
    const j = Math.min(s.length, i + (b % 12));
    return s.slice(0, i) + ins + s.slice(j);
  });

const PIDF_SEEDS = [buildPidf('sip:a@x', { availability: 'busy', note: 'n & <m>' }, 't1', 'Presence Desk', { model: 'm' }), pidf('zoe', 'away', 'lunch')];
const RLMI_SEED = `<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true"><resource uri="sip:a@x"><name>A</name><instance id="i" state="active" cid="c@x"/></resource></list>`;
const SOAP_SEED = `<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><get-contact-list-resp><group name="G" index="1"><persona-id nickname="N" display-on-phone="true">p</persona-id></group></get-contact-list-resp></e:Body></e:Envelope>`;
const SIP_SEED = [
  'NOTIFY sip:a@x SIP/2.0',
  'Via: SIP/2.0/TCP h;branch=z9hG4bK1',
  'To: <sip:a@x>;tag=1',
  'From: <sip:l@x>;tag=2',
  'Call-ID: c',
  'CSeq: 2 NOTIFY',
  'Max-Forwards: 70',
  'Content-Length: 2',
  '',
  'ok',
].join('\r\n');

describe('any input → a value or the reader’s typed error', () => {
  it('parseXml: XmlError only', () => {
    fc.assert(
      fc.property(fc.oneof(xmlish, fc.string(), mutated([...PIDF_SEEDS, RLMI_SEED, SOAP_SEED])), (s) => valueOrTyped(() => parseXml(s), XmlError)),
      RUNS,
    );
    fc.assert(
      fc.property(fc.oneof(xmlish, mutated(PIDF_SEEDS)), (s) => valueOrTyped(() => parseXml(s, { namespaces: true, requireWellFormed: true }), XmlError)),
      RUNS,
    );
  });

  it('decodeXmlBytes: XmlError only, whatever the bytes and the charset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.option(fc.constantFrom('utf-8', 'iso-8859-1', 'utf-16', 'x-nope', '', '"latin1"')), (bytes, charset) =>
        valueOrTyped(() => decodeXmlBytes(bytes, charset ?? undefined), XmlError),
      ),
      RUNS,
    );
  });

  it('parsePidf: XmlError (PidfError) only; what it reads composes', () => {
    fc.assert(
      fc.property(fc.oneof(xmlish, mutated(PIDF_SEEDS)), (s) =>
        valueOrTyped(() => {
          const parsed = parsePidf(s);
          composePresence(parsed.devices);
        }, XmlError),
      ),
      RUNS,
    );
  });

  it('parseRlmi: RlmiError or XmlError only', () => {
    fc.assert(
      fc.property(fc.oneof(xmlish, mutated([RLMI_SEED])), (s) => valueOrTyped(() => parseRlmi(s), RlmiError, XmlError)),
      RUNS,
    );
  });

  it('EventListState.apply: EventListError only, and a refused body changes nothing', () => {
    const seed = eventListBody(2, true, [{ uri: 'sip:maria@lab.test', state: 'active', pidf: pidf('maria', 'busy') }]);
    fc.assert(
      fc.property(fc.oneof(mutated([seed]), xmlish), fc.constantFrom(CT, 'application/rlmi+xml', 'multipart/related;boundary=x', ''), (s, type) => {
        const list = new EventListState();
        list.apply(eventListBody(1, true, [{ uri: 'sip:maria@lab.test', state: 'active', pidf: pidf('maria', 'away') }]), CT);
        try {
          list.apply(s, type);
        } catch (error) {
          if (!(error instanceof EventListError)) throw error;
          expect(list.version).toBe(1);
          expect(list.presenceOf('sip:maria@lab.test')?.availability).toBe('away');
        }
      }),
      RUNS,
    );
  });

  it('readSoapResponse and the CUPS readers: CupsError only', () => {
    fc.assert(
      fc.property(
        fc.oneof(mutated([SOAP_SEED]), xmlish),
        fc.constantFrom(200, 500),
        fc.option(fc.constantFrom('text/xml; charset=iso-8859-1', 'application/soap+xml', 'text/html')),
        (s, status, type) =>
          valueOrTyped(() => {
            const tree = readSoapResponse({ status, body: Buffer.from(s), ...(type ? { contentType: type } : {}) }, 'get-contact-list', 'cups.test:80');
            readContactList(find(tree, 'get-contact-list-resp'));
            readAllConfig(tree);
            readLogin(tree);
          }, CupsError),
      ),
      RUNS,
    );
  });

  it('checkSipMessage: SipMessageError only; the stream framer: FramingError only', () => {
    fc.assert(
      fc.property(fc.oneof(mutated([SIP_SEED]), fc.string()), (s) => valueOrTyped(() => checkSipMessage(s, Buffer.byteLength(s)), SipMessageError)),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(mutated([SIP_SEED]), fc.constant(SIP_SEED)), { maxLength: 4 }), fc.nat(64), (messages, cut) => {
        const bytes = Buffer.from(messages.join(''));
        const framer = new SipStreamFramer();
        valueOrTyped(() => {
          framer.push(bytes.subarray(0, cut));
          framer.push(bytes.subarray(cut));
        }, FramingError);
      }),
      RUNS,
    );
  });

  it('the stream framer frames whole messages however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(200), { maxLength: 6 }), (bodies, cuts) => {
        const messages = bodies.map((b) => SIP_SEED.replace('Content-Length: 2', `Content-Length: ${Buffer.byteLength(b)}`).replace(/ok$/, b));
        const bytes = Buffer.from(messages.join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const framer = new SipStreamFramer();
        const out: string[] = [];
        let from = 0;
        for (const p of [...points, bytes.length]) {
          out.push(...framer.push(bytes.subarray(from, p)));
          from = p;
        }
        expect(out).toEqual(messages);
      }),
      RUNS,
    );
  });
});

describe('round trips of what we build', () => {
  const textArb = fc.string({ maxLength: 40 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/.test(s));
  // The reader trims attribute values and text (leniency for servers that pad them), so
  // values that travel in attributes are drawn without surrounding whitespace.
  const attrArb = textArb.map((s) => s.trim());
  it('buildPidf → parsePidf gives back state, note, entity and tuple id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PublishedAvailability>('available', 'away', 'busy', 'dnd', 'on-the-phone'),
        textArb,
        attrArb,
        attrArb,
        (availability, note, user, id) => {
          const entity = `sip:${user}@x`;
          const parsed = parsePidf(buildPidf(entity, { availability, note }, `t${id}`));
          expect(parsed.entity).toBe(entity);
          expect(parsed.devices).toHaveLength(1);
          expect(parsed.devices[0]).toMatchObject({ id: `t${id}`, availability, note: note.trim() === '' ? note.trim() : expect.any(String) });
          expect(composePresence(parsed.devices).note.trim()).toBe(note.trim());
        },
      ),
      RUNS,
    );
  });

  it('SOAP requests: the session key and every name and value read back from the envelope', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.record({ name: attrArb, value: textArb, isPublic: fc.boolean() }), { maxLength: 4 }), (key, props) => {
        const tree = parseXml(envelope(setUserConfigBody(props), key));
        expect(text(find(tree, 'session-key'))).toBe(key.trim());
        const read = children(find(tree, 'set-user-config'), 'property').map((p) => ({
          name: attr(p, 'name'),
          value: text(p),
          isPublic: attr(p, 'is-public'),
        }));
        expect(read).toEqual(props.map((p) => ({ name: p.name, value: p.value.trim(), isPublic: String(p.isPublic) })));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(
        attrArb,
        textArb.filter((s) => s.trim() !== ''),
        attrArb,
        (group, personaId, nickname) => {
          const tree = parseXml(envelope(addContactBody([{ group, personaId, nickname, index: 1, displayOnPhone: true }])));
          const g = child(find(tree, 'add-contact'), 'group');
          expect(attr(g, 'name')).toBe(group);
          const p = child(g, 'persona-id');
          expect([text(p), attr(p, 'nickname'), attr(p, 'display-on-phone')]).toEqual([personaId.trim(), nickname, 'true']);
        },
      ),
      RUNS,
    );
  });

  it('the CUPS readers read what a server would write for those values', () => {
    fc.assert(
      fc.property(attrArb, textArb, (name, value) => {
        const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
        const tree = parseXml(`<r><property name="${esc(name)}" is-public="1">${esc(value)}</property></r>`);
        const props = readUserConfig(child(tree, 'r')).properties;
        if (name) expect(props[name]).toEqual({ value: value.trim(), isPublic: true });
        expect(readSystemConfig(child(tree, 'r')).properties[name] ?? '').toBe(name ? value.trim() : '');
      }),
      RUNS,
    );
  });
});
