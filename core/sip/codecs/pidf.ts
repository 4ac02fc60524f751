/**
 * PIDF (RFC 3863) with RPID activities (RFC 4480) and the Cisco extensions CUPS uses
 * (`ce:available`, `ce:dnd`, `so:source`, `sc:servcaps`, `ce:model`).
 *
 * Parsing reads elements by local name, so any prefix (or the CUPS guide's damaged namespace
 * declarations) works; elements we do not interpret are kept in the parsed model
 * (`extensions`) rather than dropped; a document with no tuples means the contact is offline
 * (that is what a presence server sends for someone never signed in).
 */
import type { Availability, DevicePresence, OwnAvailability, Presence } from '../../../shared/domain';
import { attr, children, escapeXml, find, parseXml, text, type XmlNode } from '../../xml/safe-xml';

export const PIDF_MAX_BYTES = 256 * 1024;

/**
 * What we can publish: the states a user picks, plus "on the phone" (set while a call is up)
 * and "offline" (the same closed tuple as Invisible, published when signing out).
 */
export type PublishedAvailability = OwnAvailability | 'on-the-phone' | 'offline';

/** RPID activity per state; Cisco's own `ce:available` and `ce:dnd` where CUPS uses them. */
const ACTIVITY_FOR: Record<PublishedAvailability, string> = {
  available: '<ce:available/>',
  away: '<r:away/>',
  busy: '<r:busy/>',
  dnd: '<ce:dnd/>',
  'on-the-phone': '<r:on-the-phone/>',
  invisible: '',
  offline: '',
};

export interface BuildPidfOptions {
  /** Device model (`ce:model`), e.g. the application name and version. */
  model?: string;
  /** Service capabilities advertised (`sc:servcaps`): IM only by default. */
  servcaps?: { audio: boolean; video: boolean; text: boolean };
}

/**
 * Builds the PIDF we PUBLISH for our own status: one tuple (basic open/closed, Cisco source,
 * service capabilities, model, RPID user-input) and a person with the RPID activity and note.
 * Invisible and Offline publish a closed tuple with no note and no activity.
 */
export function buildPidf(
  entity: string,
  status: { availability: PublishedAvailability; note: string },
  tupleId: string,
  source = 'Presence Desk',
  options: BuildPidfOptions = {},
): string {
  const open = status.availability !== 'invisible' && status.availability !== 'offline';
  const note = open && status.note ? `<note>${escapeXml(status.note)}</note>` : '';
  const activity = ACTIVITY_FOR[status.availability];
  const caps = options.servcaps ?? { audio: false, video: false, text: true };
  const model = options.model ? `<ce:model>${escapeXml(options.model)}</ce:model>` : '';
  const userInput = open ? `<r:user-input>${status.availability === 'away' ? 'idle' : 'active'}</r:user-input>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" ` +
    `xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:ce="urn:cisco:params:xml:ns:pidf:rpid" ` +
    `xmlns:sc="urn:ietf:params:xml:ns:pidf:servcaps" xmlns:so="urn:cisco:params:xml:ns:pidf:source" entity="${escapeXml(entity)}">` +
    `<tuple id="${escapeXml(tupleId)}"><status><basic>${open ? 'open' : 'closed'}</basic></status>` +
    `<so:source>${escapeXml(source)}</so:source>` +
    `<sc:servcaps><sc:audio>${caps.audio}</sc:audio><sc:video>${caps.video}</sc:video><sc:text>${caps.text}</sc:text></sc:servcaps>` +
    `${model}${userInput}<contact priority="1">${escapeXml(entity)}</contact>${note}</tuple>` +
    (open && activity ? `<dm:person id="p-${escapeXml(tupleId)}"><r:activities>${activity}</r:activities>${note ? `<dm:note>${escapeXml(status.note)}</dm:note>` : ''}</dm:person>` : '') +
    `</presence>`
  );
}

/** Activity element local names → what we show. Ordered by how much they say. */
const ACTIVITIES: Array<[string, Availability]> = [
  ['on-the-phone', 'on-the-phone'],
  ['dnd', 'dnd'],
  ['busy', 'busy'],
  ['meeting', 'busy'],
  ['performance', 'busy'],
  ['presentation', 'busy'],
  ['away', 'away'],
  ['appointment', 'away'],
  ['breakfast', 'away'],
  ['lunch', 'away'],
  ['dinner', 'away'],
  ['meal', 'away'],
  ['vacation', 'away'],
  ['holiday', 'away'],
  ['travel', 'away'],
  ['sleeping', 'away'],
  ['steering', 'away'],
  ['available', 'available'],
];

/** Element local names (RPID activities) inside the first `activities` under `node`. */
function activityNames(node: XmlNode | undefined): string[] {
  const activities = find(node, 'activities');
  if (!activities) return [];
  return Object.keys(activities).filter((k) => !k.startsWith('@') && k !== '#text');
}

function availabilityOf(names: string[]): Availability | undefined {
  for (const [name, availability] of ACTIVITIES) if (names.includes(name)) return availability;
  return undefined;
}

/** An element we do not interpret, kept as parsed (local names) so nothing is lost. */
export interface PidfExtension {
  name: string;
  value: XmlNode;
}

/** One PIDF tuple (a device or service), everything it said. */
export interface PidfTuple {
  id: string;
  basic: 'open' | 'closed' | '';
  contact?: string;
  priority?: number;
  note: string;
  /** Cisco `so:source` (who set the state, e.g. "Manually set by persona"). */
  source?: string;
  /** Cisco `ce:model` (device model). */
  model?: string;
  /** Service capabilities (`sc:servcaps`), each `true`/`false`. */
  servcaps?: Record<string, boolean>;
  /** RPID activities on the tuple itself (local names). */
  activities: string[];
  /** RPID `user-input` (active / idle). */
  userInput?: string;
  extensions: PidfExtension[];
}

/** A data-model `person` element. */
export interface PidfPerson {
  id: string;
  activities: string[];
  note: string;
  extensions: PidfExtension[];
}

export interface ParsedPidf {
  entity: string;
  devices: DevicePresence[];
  tuples: PidfTuple[];
  persons: PidfPerson[];
  /** Top-level elements that are neither tuple nor person nor note (e.g. `dm:device`). */
  extensions: PidfExtension[];
  /** True when the document was read only after repairing known damage. */
  repaired: boolean;
}

/**
 * Repairs the damage seen in the CUPS guide's PIDF examples without dropping content:
 * an opening `sercvaps` closed as `servcaps`, and an attribute value missing its closing quote
 * (`xmlns:sc="urn:…:servcaps >`).
 */
function repairPidf(body: string): string {
  return body
    .replace(/<([\w.-]+:)?sercvaps\b/g, '<$1servcaps')
    .replace(/<\/([\w.-]+:)?sercvaps\s*>/g, '</$1servcaps>')
    .replace(/(\s[\w.:-]+=")([^"<>]*?)\s*>/g, '$1$2">');
}

/**
 * Last resort for a damaged PIDF: drops the parts that never affect the shown state (service
 * capabilities, device model, user-input).
 */
function salvage(body: string): string {
  return body
    .replace(/<([\w.-]+:)?(servcaps|sercvaps)\b[\s\S]*?<\/([\w.-]+:)?(servcaps|sercvaps)\s*>/g, '')
    .replace(/<([\w.-]+:)?model\b[^>]*>[^<]*<\/([\w.-]+:)?model\s*>/g, '')
    .replace(/<([\w.-]+:)?user-input\b[^>]*>[^<]*<\/([\w.-]+:)?user-input\s*>/g, '');
}

const TUPLE_KNOWN = new Set(['status', 'contact', 'note', 'timestamp', 'source', 'model', 'servcaps', 'sercvaps', 'user-input', 'activities']);
const PERSON_KNOWN = new Set(['activities', 'note', 'timestamp']);
const PRESENCE_KNOWN = new Set(['tuple', 'person', 'note']);

function extensionsOf(node: XmlNode, known: Set<string>): PidfExtension[] {
  const out: PidfExtension[] = [];
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('@') || name === '#text' || known.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: typeof v === 'string' ? { '#text': v } : (v as XmlNode) });
  }
  return out;
}

function readTuple(tuple: XmlNode, i: number): PidfTuple {
  const basic = text(find(find(tuple, 'status'), 'basic')).trim().toLowerCase();
  const contactNode = children(tuple, 'contact')[0];
  const priority = Number(attr(contactNode, 'priority'));
  const caps = children(tuple, 'servcaps')[0] ?? children(tuple, 'sercvaps')[0];
  const servcaps = caps
    ? Object.fromEntries(
        Object.keys(caps)
          .filter((k) => !k.startsWith('@') && k !== '#text')
          .map((k) => [k, text(children(caps, k)[0]).trim().toLowerCase() === 'true']),
      )
    : undefined;
  const source = text(find(tuple, 'source')).trim();
  const model = text(children(tuple, 'model')[0]).trim();
  const userInput = text(children(tuple, 'user-input')[0]).trim();
  const contact = text(contactNode).trim();
  return {
    id: attr(tuple, 'id') ?? `t${i}`,
    basic: basic === 'open' || basic === 'closed' ? basic : '',
    ...(contact ? { contact } : {}),
    ...(contactNode && Number.isFinite(priority) ? { priority } : {}),
    note: text(children(tuple, 'note')[0]),
    ...(source ? { source } : {}),
    ...(model ? { model } : {}),
    ...(servcaps ? { servcaps } : {}),
    activities: activityNames(tuple),
    ...(userInput ? { userInput } : {}),
    extensions: extensionsOf(tuple, TUPLE_KNOWN),
  };
}

/** Parses a PIDF body (throws XmlError for what cannot be read). An empty body → no devices. */
export function parsePidf(body: string): ParsedPidf {
  if (!body.trim()) return { entity: '', devices: [], tuples: [], persons: [], extensions: [], repaired: false };
  let tree: XmlNode;
  let repaired = false;
  try {
    tree = parseXml(body, { maxBytes: PIDF_MAX_BYTES, what: 'presence document' });
  } catch (error) {
    // Only a document that fails as sent is repaired: first without losing anything, then,
    // failing that, by dropping the parts that never change the shown state.
    const fixed = repairPidf(body);
    repaired = true;
    try {
      if (fixed === body) throw error;
      tree = parseXml(fixed, { maxBytes: PIDF_MAX_BYTES, what: 'presence document' });
    } catch {
      const salvaged = salvage(fixed);
      if (salvaged === fixed) throw error;
      tree = parseXml(salvaged, { maxBytes: PIDF_MAX_BYTES, what: 'presence document' });
    }
  }
  const presence = find(tree, 'presence');
  if (!presence) throw new Error('The presence document has no <presence> element.');
  const persons: PidfPerson[] = children(presence, 'person').map((p, i) => ({
    id: attr(p, 'id') ?? `p${i}`,
    activities: activityNames(p),
    note: text(find(p, 'note')),
    extensions: extensionsOf(p, PERSON_KNOWN),
  }));
  const personActivity = persons.map((p) => availabilityOf(p.activities)).find((a) => a !== undefined);
  const personNote = persons.map((p) => p.note).find(Boolean) ?? '';
  const tuples = children(presence, 'tuple').map(readTuple);
  const devices = tuples.map((tuple): DevicePresence => {
    const open = tuple.basic !== 'closed';
    const note = tuple.note || personNote;
    return {
      id: tuple.id,
      availability: open ? (availabilityOf(tuple.activities) ?? personActivity ?? 'available') : 'offline',
      note: open ? note : '',
      ...(tuple.source ? { source: tuple.source } : {}),
    };
  });
  return { entity: attr(presence, 'entity') ?? '', devices, tuples, persons, extensions: extensionsOf(presence, PRESENCE_KNOWN), repaired };
}

/**
 * One shown state from all of a contact's devices. The rule:
 * 1. No device, or every device closed → offline (note from none).
 * 2. Otherwise the open device that says the most wins, in this order:
 *    on-the-phone > dnd > busy > away > available (a phone in a call beats a desktop that is
 *    available; an idle desktop does not hide a busy one).
 * 3. The note is the winning device's, else the first non-empty note of an open device.
 */
export function composePresence(devices: DevicePresence[], at = Date.now()): Presence {
  const rank: Record<Availability, number> = { 'on-the-phone': 5, dnd: 4, busy: 3, away: 2, available: 1, offline: 0, unknown: -1 };
  const open = devices.filter((d) => d.availability !== 'offline' && d.availability !== 'unknown');
  if (open.length === 0) return { availability: 'offline', note: '', updatedAt: at, devices };
  const best = open.reduce((a, b) => (rank[b.availability] > rank[a.availability] ? b : a));
  return { availability: best.availability, note: best.note || open.find((d) => d.note)?.note || '', updatedAt: at, devices };
}
