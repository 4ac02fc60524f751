/**
 * Response readers: parsed SOAP trees → typed values, tolerant of missing or empty fields.
 * Attributes the server left out stay out of the result (no invented defaults); booleans are
 * XML Schema booleans (`xsBoolean`, which also reads the guide's `TRUE`/`FALSE`); groups and
 * contacts keep the server's document order (the `index` attribute is kept for whoever wants
 * to sort by it, never applied here). Whether the response is whole is checked before these
 * run (`readSoapResponse` in soap.ts).
 */
import { attr, children, find, text, xsBoolean, type XmlNode } from '../xml/safe-xml';
import type { AllConfig, CupsGroup, DialingRule, Licensing, ServerAddress, SystemConfig, UnknownXml, UserConfig } from './types';

function num(value: string | undefined, fallback = 0): number {
  const n = Number.parseFloat(value ?? '');
  return Number.isFinite(n) ? n : fallback;
}

function protocol(value: string | undefined): ServerAddress['protocol'] {
  const v = (value ?? '').trim().toLowerCase();
  return v === 'udp' || v === 'tcp' || v === 'tls' ? v : undefined;
}

function address(props: Record<string, string>, prefix: string): ServerAddress | undefined {
  const host = (props[`${prefix}.Address`] ?? '').trim();
  if (!host) return undefined;
  const port = Number.parseInt(props[`${prefix}.Port`] ?? '', 10);
  return {
    host,
    ...(Number.isFinite(port) && port > 0 ? { port } : {}),
    ...(protocol(props[`${prefix}.Protocol`]) ? { protocol: protocol(props[`${prefix}.Protocol`]) } : {}),
  };
}

function addresses(props: Record<string, string>, service: string): ServerAddress[] {
  return [`${service}.Primary`, `${service}.Backup1`, `${service}.Backup2`, `${service}.Backup`]
    .map((p) => address(props, p))
    .filter((a): a is ServerAddress => !!a);
}

export function readSystemConfig(resp: XmlNode | undefined): SystemConfig {
  const properties: Record<string, string> = {};
  for (const p of children(resp, 'property')) {
    const name = attr(p, 'name');
    if (name) properties[name] = text(p);
  }
  return systemConfigOf(properties);
}

/** The system configuration named by its properties (as read, or as changed since by UCCN). */
export function systemConfigOf(properties: Record<string, string>): SystemConfig {
  const directoryMap: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) if (k.startsWith('Directory.Map.')) directoryMap[k.slice(14)] = v;
  return {
    properties,
    presence: {
      primary: address(properties, 'Presence.Primary'),
      backup: address(properties, 'Presence.Backup') ?? address(properties, 'Presence.Backup1'),
      domain: (properties['Presence.Domain'] ?? '').trim(),
    },
    callControl: addresses(properties, 'CallControl'),
    voiceMail: addresses(properties, 'VoiceMail'),
    meetingPlace: addresses(properties, 'MeetingPlace'),
    directory: addresses(properties, 'Directory'),
    tftp: ['TFTP.Primary', 'TFTP.Backup1', 'TFTP.Backup2'].map((k) => (properties[k] ?? '').trim()).filter(Boolean),
    directoryMap,
  };
}

export function readUserConfig(resp: XmlNode | undefined): UserConfig {
  const properties: UserConfig['properties'] = {};
  for (const p of children(resp, 'property')) {
    const name = attr(p, 'name');
    const isPublic = xsBoolean(attr(p, 'is-public'));
    if (name) properties[name] = { value: text(p), ...(isPublic === undefined ? {} : { isPublic }) };
  }
  return { properties };
}

export function readLicensing(resp: XmlNode | undefined): Licensing {
  // A feature the server does not mention is not licensed.
  const flag = (n: string) => xsBoolean(text(find(resp, n))) ?? false;
  return { base: flag('base'), im: flag('im'), audio: flag('audio'), video: flag('video') };
}

/** What `node` carries beyond the attributes and elements named: undefined when nothing. */
export function unknownOf(node: XmlNode | undefined, knownAttributes: string[], knownElements: string[]): UnknownXml | undefined {
  if (!node) return undefined;
  const attributes: Record<string, string> = {};
  const elements: XmlNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text') continue;
    if (key.startsWith('@')) {
      if (!knownAttributes.includes(key.slice(1))) attributes[key.slice(1)] = attr(node, key.slice(1)) ?? '';
    } else if (!knownElements.includes(key)) elements[key] = value;
  }
  return Object.keys(attributes).length || Object.keys(elements).length ? { attributes, elements } : undefined;
}

/** Elements of a contact list other than its groups (kept, though the client does not use them). */
export function readContactListUnknown(resp: XmlNode | undefined): UnknownXml | undefined {
  return unknownOf(resp, [], ['group']);
}

/** Number from an attribute, or undefined when absent or not a number. */
function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Groups and contacts in the server's document order; absent attributes stay absent. */
export function readContactList(resp: XmlNode | undefined): CupsGroup[] {
  return children(resp, 'group').map((g) => {
    const index = optionalNumber(attr(g, 'index'));
    return {
      name: attr(g, 'name') ?? '',
      ...(index === undefined ? {} : { index }),
      ...keep(unknownOf(g, ['name', 'index'], ['persona-id'])),
      contacts: children(g, 'persona-id')
        .map((p) => {
          const contactIndex = optionalNumber(attr(p, 'index'));
          const nickname = attr(p, 'nickname');
          const displayOnPhone = xsBoolean(attr(p, 'display-on-phone'));
          return {
            personaId: text(p).trim(),
            ...(contactIndex === undefined ? {} : { index: contactIndex }),
            ...(nickname === undefined ? {} : { nickname }),
            ...(displayOnPhone === undefined ? {} : { displayOnPhone }),
            ...keep(unknownOf(p, ['index', 'nickname', 'display-on-phone'], [])),
          };
        })
        .filter((c) => c.personaId),
    };
  });
}

const keep = (unknown: UnknownXml | undefined) => (unknown ? { unknown } : {});

export function readDialingRules(resp: XmlNode | undefined): DialingRule[] {
  return children(resp, 'rule').flatMap((r): DialingRule[] => {
    const type = Number.parseInt(text(find(r, 'type')), 10);
    if (type !== 1 && type !== 2) return [];
    const digits = text(find(r, 'number-of-digits')).trim();
    return [
      {
        type,
        name: text(find(r, 'name')),
        description: text(find(r, 'description')),
        // Garbage stays visible as NaN so the dialing-rules engine can report and skip the rule.
        priority: num(text(find(r, 'priority')), Number.NaN),
        numberBeginsWith: text(find(r, 'number-begins-with')).trim(),
        numberOfDigits: digits === '' ? null : num(digits, Number.NaN),
        digitsToBeRemoved: text(find(r, 'digits-to-be-removed')).trim() === '' ? 0 : num(text(find(r, 'digits-to-be-removed')), Number.NaN),
        prefix: text(find(r, 'prefix')).trim(),
      },
    ];
  });
}

export function readAllConfig(resp: XmlNode | undefined): AllConfig {
  return {
    system: readSystemConfig(find(resp, 'get-system-config-resp')),
    user: readUserConfig(find(resp, 'get-user-config-resp')),
    licensing: readLicensing(find(resp, 'get-licensing-features-resp')),
    contacts: readContactList(find(resp, 'get-contact-list-resp')),
    dialingRules: readDialingRules(find(resp, 'get-dialing-rules-resp')),
    ...(() => {
      const unknown = readContactListUnknown(find(resp, 'get-contact-list-resp'));
      return unknown ? { contactListUnknown: unknown } : {};
    })(),
  };
}

/** Login response: the session key, or the failure reason. */
export function readLogin(resp: XmlNode | undefined): { key: string } | { reason: string } {
  const success = find(resp, 'success');
  const key = text(find(success, 'session-key')).trim();
  if (success && key) return { key };
  return { reason: text(find(find(resp, 'failure'), 'reason')).trim() || 'The server refused the sign-in.' };
}
