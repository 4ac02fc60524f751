/**
 * The one-pass scanner for plain documents (core/xml/plain-xml.ts) against the general reader
 * (validator, parser, namespace resolution): on generated plain documents both must build the
 * same tree, key order included; on damaged or unusual ones the scanner either steps aside or
 * still agrees, and never accepts what the general reader refuses.
 * Runs are seeded, so a failure replays with the seed fast-check prints.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPidf, parsePidf, type PublishedAvailability } from '../../core/sip/codecs/pidf';
import { scanPlainXml } from '../../core/xml/plain-xml';
import { parseXml, type XmlNode } from '../../core/xml/safe-xml';

const RUNS = { numRuns: 400, seed: 3863 };

const general = (doc: string): XmlNode => parseXml(doc, { namespaces: true, requireWellFormed: true, scanner: false });
const fast = (doc: string): XmlNode => parseXml(doc, { namespaces: true, requireWellFormed: true });
/** Key order matters to readers (extensions and activities are listed in it): compare serialised. */
const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

const PREFIXES = ['', 'p:', 'q:', 'r:'];
const LOCALS = ['presence', 'tuple', 'status', 'basic', 'note', 'person', 'activities', 'busy', 'x', 'b-c', 'u.v', '_w', 'A1'];
const ATTRIBUTES = ['id', 'entity', 'x', 'p:x', 'q:x', 'xml:lang', 'xmlns', 'xmlns:p', 'xmlns:q', 'xmlns:r'];
const URIS = ['urn:ietf:params:xml:ns:pidf', 'urn:ietf:params:xml:ns:pidf:rpid', ' urn:ietf:params:xml:ns:pidf:data-model ', 'urn:x', ''];

/** Text without markup: letters, spaces of every kind, line ends, `>`, references, non-ASCII, the odd control character. */
const plainText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ' ',
        '  ',
        '\t',
        '\n',
        '\r\n',
        '\r',
        '\u00a0',
        'é',
        '😀',
        '>',
        ']]>',
        '"',
        "'",
        '=',
        '/',
        '\u0001',
        '?',
        '&amp;',
        '&lt;',
        '&gt;',
        '&quot;',
        '&apos;',
        '&#x62;',
        '&#233;',
        '&#x20;',
        '&#x1F600;',
        '&amp;#x62;',
      ),
      fc.string({ maxLength: 5 }).map((s) => s.replace(/[<&]/g, '')),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
const space = fc.constantFrom('', ' ', '\n', '\r\n  ', '\t');
const attribute = fc.tuple(fc.constantFrom(...ATTRIBUTES), fc.oneof(fc.constantFrom(...URIS), plainText), fc.constantFrom('"', "'"));

interface Element {
  name: string;
  attributes: Array<[string, string, string]>;
  content: Element[] | string;
  selfClosing: boolean;
  closeSpace: string;
}

const element: fc.Memo<Element> = fc.memo((depth) =>
  fc.record({
    name: fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...LOCALS)).map(([p, l]) => p + l),
    attributes: fc.uniqueArray(attribute, { maxLength: 4, selector: ([name]) => name }),
    content: depth <= 1 ? plainText : fc.oneof(plainText, fc.array(element(depth - 1), { maxLength: 4 })),
    selfClosing: fc.boolean(),
    closeSpace: fc.constantFrom('', '', ' ', '\n'),
  }),
);

function write(e: Element, between: string): string {
  const attrs = e.attributes.map(([name, value, quote]) => ` ${name}=${quote}${value.replaceAll(quote, '')}${quote}`).join('');
  const content = typeof e.content === 'string' ? e.content : e.content.map((c) => between + write(c, between)).join('') + between;
  if (e.selfClosing && content === '') return `<${e.name}${attrs}/>`;
  return `<${e.name}${attrs}>${content}</${e.name}${e.closeSpace}>`;
}

const declaration = fc.constantFrom('', '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>\r\n', "<?xml version='1.0' standalone='yes' ?>\n");
const plainDocument = fc.tuple(declaration, element(4), space).map(([decl, root, between]) => decl + write(root, between));

describe('the one-pass scanner reads plain documents exactly as the general reader', () => {
  it('builds the same tree, key order and namespaces included, for generated plain documents', () => {
    fc.assert(
      fc.property(plainDocument, (doc) => {
        expect(scanPlainXml(doc.trim())).toBeDefined();
        same(fast(doc), general(doc));
      }),
      RUNS,
    );
  });

  it('steps aside or agrees on damaged documents, and never accepts one the general reader refuses', () => {
    const damage = fc.constantFrom(
      '<',
      '>',
      '/',
      '&',
      '&amp;',
      '&#x62;',
      '"',
      "'",
      '=',
      ' ',
      ':',
      '<!-- c -->',
      '<![CDATA[x]]>',
      '<?pi?>',
      '</x>',
      '<x>',
      'xmlns="u" ',
      'a="1" ',
      'é',
      '\u0000',
    );
    const damaged = fc.tuple(plainDocument, fc.nat(), fc.nat({ max: 6 }), damage).map(([doc, at, cut, insert]) => {
      const i = at % (doc.length + 1);
      return doc.slice(0, i) + insert + doc.slice(i + cut);
    });
    fc.assert(
      fc.property(damaged, (doc) => {
        const scanned = doc.trim().startsWith('<') ? scanPlainXml(doc.replace(/^\uFEFF/, '').trim()) : undefined;
        let expected: XmlNode | Error;
        try {
          expected = general(doc);
        } catch (error) {
          expected = error as Error;
        }
        if (scanned !== undefined) {
          expect(expected).not.toBeInstanceOf(Error);
          same(scanned, expected);
        }
        // Whichever reads it, parseXml answers as the general reader does.
        let actual: XmlNode | Error;
        try {
          actual = fast(doc);
        } catch (error) {
          actual = error as Error;
        }
        if (expected instanceof Error) expect((actual as Error).message).toBe(expected.message);
        else same(actual, expected);
      }),
      RUNS,
    );
  });

  it('decodes references after trimming text and normalising attributes, as the general reader does', () => {
    for (const doc of [
      '<a> &amp; </a>',
      '<a>&#x20;b&#x20;</a>',
      '<a x=" &#x20;b "/>',
      '<a y="1">&#x20;</a>',
      '<a>&amp;#x62;</a>',
      '<a>\r\n&apos;\r</a>',
      '<a x="\t b \r\n" y="  "/>',
      '<a x=" &#x9; "/>',
    ]) {
      expect(scanPlainXml(doc), doc).toBeDefined();
      same(fast(doc), general(doc));
    }
    expect(JSON.stringify(scanPlainXml('<a>&#x20;b&#x20;</a>'))).toBe('{"a":[{"#text":" b ","#ns":""}]}');
    // Attribute values keep their spaces: whitespace written in them reads as spaces, a referenced tab stays a tab.
    expect(JSON.stringify(scanPlainXml('<a x="\t b \r\n" y=" &#x9; "/>'))).toBe('{"a":[{"@x":["  b  "],"@y":[" \\t "],"#ns":""}]}');
  });

  it('leaves other ampersands, forbidden references, comments, CDATA, processing instructions and mixed content to the general reader', () => {
    for (const doc of [
      '<a>&#X62;</a>',
      '<a>a &foo; b</a>',
      '<a>a & b</a>',
      '<a x="a & b"/>',
      '<a>&#0;</a>',
      '<a x="&#xD800;"/>',
      '<a><b/>&#x20;</a>',
      '<a><!-- c --></a>',
      '<a><![CDATA[x]]></a>',
      '<?xml version="1.0"?><?pi x?><a/>',
      '<a>x<b/></a>',
      '<a><b/>y</a>',
      '<a x = "1"/>',
      '<a:b:c/>',
      '<a/><b/>',
      '<constructor/>',
    ]) {
      expect(scanPlainXml(doc), doc).toBeUndefined();
    }
  });

  it('reads the PIDF we publish, in every state, by the scanner, as the general reader reads it', () => {
    const availability = fc.constantFrom<PublishedAvailability>('available', 'away', 'busy', 'dnd', 'on-the-phone', 'invisible', 'offline');
    const words = fc.string({ maxLength: 20 }).map((s) => s.replace(/[<&>"']/g, ''));
    fc.assert(
      fc.property(availability, words, words, fc.option(words), (state, note, id, model) => {
        const doc = buildPidf(
          'sip:a@example.com',
          { availability: state, note },
          `t${id.replace(/\s/g, '')}`,
          'Presence Desk',
          model === null ? {} : { model },
        );
        expect(scanPlainXml(doc)).toBeDefined();
        same(fast(doc), general(doc));
        const parsed = parsePidf(doc);
        expect(parsed.devices[0].availability).toBe(state === 'invisible' || state === 'offline' ? 'offline' : state === 'dnd' ? 'dnd' : state);
      }),
      RUNS,
    );
  });
});
