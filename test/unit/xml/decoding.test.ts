/**
 * What every reader gets from `safe-xml`: references decoded in text and attributes, declared
 * encodings honoured, namespaces resolved on request, and a cut-off document told from a whole one.
 */
import { describe, expect, it } from 'vitest';
import { attr, child, decodeXmlBytes, endsWell, find, nsOf, parseXml, rootName, text, XmlError } from '../../../core/xml/safe-xml';

describe('references', () => {
  it('decodes decimal and hexadecimal character references and the five entities in text and attributes', () => {
    const tree = parseXml('<a n="&#x62;&#98;&lt;&amp;&quot;&apos;&gt;">caf&#233; &#x1F600; &amp;lt; &#X41;</a>');
    const a = find(tree, 'a');
    expect(attr(a, 'n')).toBe(`bb<&"'>`);
    expect(text(a)).toBe('café 😀 &lt; A');
  });

  it('decodes in one pass: an escaped reference stays a reference', () => {
    expect(text(find(parseXml('<a>&amp;#x62;</a>'), 'a'))).toBe('&#x62;');
  });

  it('leaves unknown entity names as written and refuses a reference to a forbidden character', () => {
    expect(text(find(parseXml('<a>&nbsp;x</a>'), 'a'))).toBe('&nbsp;x');
    expect(() => parseXml('<a>&#0;</a>')).toThrow(XmlError);
    expect(() => parseXml('<a>&#xD800;</a>')).toThrow(/character XML does not allow/);
  });

  it('still refuses DOCTYPE and entity declarations', () => {
    expect(() => parseXml('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "&#x26;#x26;">]><a>&e;</a>')).toThrow(/DOCTYPE or entities/);
  });

  it('reads CDATA as written', () => {
    expect(text(find(parseXml('<a><![CDATA[<b>x</b>]]></a>'), 'a'))).toBe('<b>x</b>');
  });

  it('keeps reference-like text in CDATA literal, with and without namespaces, and merges it with the text around it', () => {
    for (const namespaces of [false, true]) {
      expect(text(find(parseXml('<a><![CDATA[Tom &amp; Jerry &#x62; &lt;]]></a>', { namespaces }), 'a'))).toBe('Tom &amp; Jerry &#x62; &lt;');
      expect(text(find(parseXml('<a>x &amp; <![CDATA[&amp; "q" a=b]]> y</a>', { namespaces }), 'a'))).toBe('x & &amp; "q" a=b y');
      expect(text(find(parseXml('<r xmlns="urn:x"><note><![CDATA[<i>&nbsp;</i>]]></note></r>', { namespaces }), 'note'))).toBe('<i>&nbsp;</i>');
    }
    expect(() => parseXml('<a><![CDATA[x</a>', { requireWellFormed: true })).toThrow(XmlError);
  });
});

describe('attribute values (XML 1.0 §3.3.3)', () => {
  it('keeps leading and trailing spaces, with and without references, by both readers', () => {
    for (const namespaces of [false, true]) {
      const a = find(parseXml('<a n="  two spaces " m=" x&amp;y " e=""/>', { namespaces }), 'a');
      expect(attr(a, 'n')).toBe('  two spaces ');
      expect(attr(a, 'm')).toBe(' x&y ');
      expect(attr(a, 'e')).toBe('');
    }
  });

  it('reads each tab, line feed or CRLF written in a value as one space, but a referenced tab or line feed as itself', () => {
    for (const namespaces of [false, true]) {
      const a = find(parseXml('<a n="a\tb\nc\r\nd\re" r="&#x9;x&#xA;" />', { namespaces }), 'a');
      expect(attr(a, 'n')).toBe('a b c d e');
      expect(attr(a, 'r')).toBe('\tx\n');
    }
  });

  it('still trims element text and namespace URIs', () => {
    const tree = parseXml('<p:a xmlns:p=" urn:x " k=" v "> text </p:a>', { namespaces: true });
    expect(nsOf(find(tree, 'a'))).toBe('urn:x');
    expect(text(find(tree, 'a'))).toBe('text');
    expect(attr(find(tree, 'a'), 'k')).toBe(' v ');
  });

  it('refuses an empty document in words', () => {
    expect(() => parseXml('  \r\n', { what: 'presence document' })).toThrow('The presence document is empty.');
  });
});

describe('declared encodings', () => {
  const latin1 = (s: string) => Buffer.from(s, 'latin1');
  it('reads ISO-8859-1 declared in the XML declaration', () => {
    const bytes = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><a>Zoë Müller</a>');
    expect(text(find(parseXml(decodeXmlBytes(bytes)), 'a'))).toBe('Zoë Müller');
  });

  it('reads ISO-8859-1 named by the transport charset, which wins over the declaration', () => {
    const bytes = latin1('<?xml version="1.0" encoding="UTF-8"?><a>Zoë</a>');
    expect(text(find(parseXml(decodeXmlBytes(bytes, 'iso-8859-1')), 'a'))).toBe('Zoë');
    expect(text(find(parseXml(decodeXmlBytes(bytes, '"ISO-8859-1"')), 'a'))).toBe('Zoë');
  });

  it('reads UTF-16 with a byte order mark, little- and big-endian, whatever the charset says', () => {
    const doc = '<?xml version="1.0" encoding="UTF-16"?><a>Zoë ✓</a>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect(text(find(parseXml(decodeXmlBytes(le)), 'a'))).toBe('Zoë ✓');
    expect(text(find(parseXml(decodeXmlBytes(be, 'utf-8')), 'a'))).toBe('Zoë ✓');
  });

  it('reads UTF-8 by default and skips its byte order mark', () => {
    expect(decodeXmlBytes(Buffer.from('\uFEFF<a>é</a>', 'utf8'))).toBe('<a>é</a>');
    expect(decodeXmlBytes(Buffer.from('<a>é</a>', 'utf8'))).toBe('<a>é</a>');
  });

  it('refuses an encoding it cannot read, naming it', () => {
    expect(() => decodeXmlBytes(latin1('<?xml version="1.0" encoding="X-KLINGON"?><a/>'), undefined, 'login response')).toThrow(
      'The login response is in the encoding "x-klingon", which Presence Desk cannot read.',
    );
    expect(() => decodeXmlBytes(latin1('<a/>'), 'ebcdic-xyz')).toThrow(XmlError);
  });
});

describe('namespaces', () => {
  it('tags each element with its namespace URI, whatever the prefix, trimming printed spaces', () => {
    const tree = parseXml(
      '<p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" xmlns:r=" urn:ietf:params:xml:ns:pidf:rpid"><r:busy/><x:busy xmlns:x="urn:x"/><note>n</note></p:presence>',
      { namespaces: true },
    );
    const presence = child(tree, 'presence');
    expect(nsOf(presence)).toBe('urn:ietf:params:xml:ns:pidf');
    expect((presence?.busy as never[]).map((b) => nsOf(b))).toEqual(['urn:ietf:params:xml:ns:pidf:rpid', 'urn:x']);
    expect(nsOf(child(presence, 'note'))).toBe('');
  });

  it('gives the default namespace to unprefixed elements and reads prefixed attributes by local name', () => {
    const tree = parseXml(
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:xml="http://www.w3.org/XML/1998/namespace"><note xml:lang="fr">bonjour</note></presence>',
      { namespaces: true },
    );
    const note = child(child(tree, 'presence'), 'note');
    expect(nsOf(note)).toBe('urn:ietf:params:xml:ns:pidf');
    expect(attr(note, 'lang')).toBe('fr');
    expect(text(note)).toBe('bonjour');
  });
});

describe('whole documents', () => {
  it('names the root and tells a document that ends with it from one cut off', () => {
    const whole = '<?xml version="1.0"?><!-- c --><env:Envelope xmlns:env="urn:x"><env:Body><a/></env:Body></env:Envelope>\r\n';
    expect(rootName(whole)).toBe('env:Envelope');
    expect(endsWell(whole)).toBe(true);
    expect(endsWell(whole.slice(0, -30))).toBe(false);
    expect(endsWell('<env:Envelope xmlns:env="urn:x"/>')).toBe(true);
    expect(endsWell('<html><body>error</body></html>')).toBe(true);
    expect(endsWell('no xml')).toBe(false);
  });
});
