/**
 * parseXml reads in one pass when no repair applies: it must read every document exactly as
 * the validate-then-parse path did (same tree, or an error of the same kind and wording), and
 * keep its refusals. The reference below is that earlier path, with today's value rules
 * (attribute values normalised, not trimmed).
 */
import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXmlText, normaliseAttribute, parseXml, repairXml, XmlError, type XmlNode } from '../../../core/xml/safe-xml';
import { IS_COMPOSING_BODIES, PIDF_BODIES, SOAP_BODIES } from '../../fixtures/fuzz/corpus';
import { mutate, seededRandom } from '../../support/mutate';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  // Text trimmed, attribute values normalised and never trimmed (XML 1.0 §3.3.3).
  tagValueProcessor: (_n: string, v: string) => decodeXmlText(v.trim()),
  attributeValueProcessor: (_n: string, v: string) => decodeXmlText(normaliseAttribute(v)),
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  textNodeName: '#text',
  isArray: () => true,
});

function reference(xml: string, what = 'XML', max = 10 * 1024 * 1024): XmlNode {
  if (Buffer.byteLength(xml, 'utf8') > max) throw new XmlError(`The ${what} is larger than ${Math.round(max / 1024 / 1024)} MB and was refused.`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlError(`The ${what} declares a DOCTYPE or entities, which are refused for safety.`);
  let text = xml.replace(/^\uFEFF/, '').trim();
  if (!text) throw new XmlError(`The ${what} is empty.`);
  if (!text.startsWith('<')) throw new XmlError(`The ${what} is not XML.`);
  if (XMLValidator.validate(text) !== true) {
    text = repairXml(text);
    const check = XMLValidator.validate(text);
    if (check !== true) {
      try {
        return parser.parse(text) as XmlNode;
      } catch {
        throw new XmlError(`The ${what} is not well-formed XML (${check.err.msg}, line ${check.err.line}).`);
      }
    }
  }
  try {
    return parser.parse(text) as XmlNode;
  } catch (error) {
    throw new XmlError(`The ${what} could not be read as XML (${(error as Error).message}).`);
  }
}

const outcome = (fn: () => unknown) => {
  try {
    return { tree: fn() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

describe('parseXml in one pass', () => {
  const seeds = [...SOAP_BODIES, ...PIDF_BODIES, ...IS_COMPOSING_BODIES];
  const random = seededRandom(4662);
  const mutated = seeds.flatMap((s) => Array.from({ length: 12 }, () => mutate(s, random)));

  it('reads the spec examples, PIDF and is-composing bodies, and 12 mutations of each, exactly as validate-then-parse', () => {
    let trees = 0;
    for (const xml of [...seeds, ...mutated]) {
      const expected = outcome(() => reference(xml));
      expect(
        outcome(() => parseXml(xml)),
        xml.slice(0, 200),
      ).toEqual(expected);
      if ('tree' in expected) trees++;
    }
    expect(trees).toBeGreaterThan(seeds.length);
  });

  it('still repairs the spec’s damaged shapes and refuses what it refused', () => {
    expect(parseXml('<a x="1"y="2"/>')).toEqual(reference('<a x="1"y="2"/>'));
    expect(parseXml('<a name=="v"/>')).toEqual(reference('<a name=="v"/>'));
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toThrow(/DOCTYPE or entities/);
    expect(() => parseXml('hello')).toThrow(/not XML/);
    expect(() => parseXml(`<a>${'x'.repeat(2048)}</a>`, { maxBytes: 1024, what: 'test body' })).toThrow(/test body is larger than/);
    expect(() => parseXml(`<a>${'é'.repeat(600)}</a>`, { maxBytes: 1024 })).toThrow(/larger than/); // 607 characters, 1,207 bytes
  });

  it('refuses a document that is not well-formed when asked to, with the caller’s wording', () => {
    expect(() => parseXml('<a><b></a>', { requireWellFormed: true, what: 'list' })).toThrow(/list is not well-formed XML/);
    expect(() => parseXml('<a><b></a>', { requireWellFormed: true, wellFormedError: (d) => new Error(`damaged: ${d}`) })).toThrow(/^damaged: /);
    expect(parseXml('<a><b/></a>', { requireWellFormed: true })).toEqual(reference('<a><b/></a>'));
  });
});
