/**
 * The lab servers' own XML reader and writer helpers, written apart from the client's reader
 * (core/xml) on purpose: a simulator that decoded with the client's code would agree with every
 * client bug, and no test would see it.
 *
 * The lab reads what a client sends the way a strict server would: well-formed XML only (no
 * repair of broken documents), no DOCTYPE or entity declarations, namespace prefixes dropped so
 * elements are read by local name. The tree has the usual fast-xml-parser shape: every element
 * value is an array, attributes are `@name`, text is `#text`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type LabXmlNode = { [name: string]: LabXmlValue };
export type LabXmlValue = string | LabXmlNode | LabXmlValue[];

export class LabXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabXmlError';
  }
}

const reader = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  isArray: () => true,
});

/** Reads a well-formed document; anything else is refused with the reason. */
export function readLabXml(xml: string, what: string): LabXmlNode {
  const body = xml.replace(/^\uFEFF/, '').trim();
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new LabXmlError(`The ${what} declares a DOCTYPE or entities.`);
  if (!body.startsWith('<')) throw new LabXmlError(`The ${what} is not XML.`);
  const check = XMLValidator.validate(body);
  if (check !== true) throw new LabXmlError(`The ${what} is not well-formed XML (${check.err.msg}, line ${check.err.line}).`);
  return reader.parse(body) as LabXmlNode;
}

/** Child elements named `name` (local name), always an array. */
export function elements(node: LabXmlValue | undefined, name: string): LabXmlNode[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? { '#text': v } : (v as LabXmlNode)));
}

export const element = (node: LabXmlValue | undefined, name: string): LabXmlNode | undefined => elements(node, name)[0];

/** The first element named `name` anywhere below `node`, depth first. */
export function descendant(node: LabXmlValue | undefined, name: string): LabXmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const items = Array.isArray(node) ? node : [node];
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const direct = element(item, name);
    if (direct) return direct;
    for (const [key, value] of Object.entries(item)) {
      if (key.startsWith('@') || key === '#text') continue;
      const hit = descendant(value, name);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** An element's own text ('' when it has none). */
export function textOf(node: LabXmlNode | undefined): string {
  const t = node?.['#text'];
  if (t === undefined) return '';
  return (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : '')).join('');
}

export function attribute(node: LabXmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/** Names of the element children of `node`, in document order. */
export const elementNames = (node: LabXmlNode | undefined): string[] =>
  Object.keys(node ?? {}).filter((k) => !k.startsWith('@') && !k.startsWith('?') && k !== '#text');

/** Escapes text for element content and attribute values. */
export const xmlText = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
