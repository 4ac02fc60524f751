/**
 * PIDF (RFC 3863) with RPID activities (RFC 4480) and the Cisco extensions CUPS uses
 * (`ce:available`, `ce:dnd`, `so:source`, `sc:servcaps`, `ce:model`).
 *
 * Parsing reads elements by namespace and local name, so any prefix works, and the CUPS guide's
 * damaged namespace declarations are repaired or tolerated (see `parsePidf` for the rules);
 * elements we do not interpret are kept in the parsed model (`extensions`) rather than
 * dropped; a document with no tuples means the contact is offline (that is what a presence
 * server sends for someone never signed in). An empty body is refused, not read as offline.
 */
import type { Availability, DevicePresence, OwnAvailability, Presence } from '../../../shared/domain';
import { pidfExtras } from './pidf-extras';
import { attr, child, children, decodeXmlBytes, escapeXml, nsOf, parseXml, repairXml, text, XmlError, xsBoolean, type XmlNode } from '../../xml/safe-xml';

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
    (open && activity
      ? `<dm:person id="p-${escapeXml(tupleId)}"><r:activities>${activity}</r:activities>${note ? `<dm:note>${escapeXml(status.note)}</dm:note>` : ''}</dm:person>`
      : '') +
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

/** The namespaces a presence document is read by. */
export const PIDF_NS = 'urn:ietf:params:xml:ns:pidf';
export const DATA_MODEL_NS = 'urn:ietf:params:xml:ns:pidf:data-model';
/** RFC 4480, plus the CUPS guide's printed `urn:ietf:params:xml:pidf:rpid` (CUPS itself sends that). */
const RPID_NS = new Set(['urn:ietf:params:xml:ns:pidf:rpid', 'urn:ietf:params:xml:pidf:rpid']);
/** Cisco's RPID extensions, with the guide's printed variant. */
const CISCO_NS = new Set(['urn:cisco:params:xml:ns:pidf:rpid', 'urn:cisco:params:xml:pidf:rpid']);
/** Cisco's own activity values (`ce:available`, `ce:dnd`); its other elements are not activities. */
const CISCO_ACTIVITIES = new Set(['available', 'dnd']);
const CPIM_PIDF_NS = 'urn:ietf:params:xml:ns:cpim-pidf';

/** The typed refusal of a presence document: the contact's previous state stays. */
export class PidfError extends XmlError {
  constructor(message: string) {
    super(message);
    this.name = 'PidfError';
  }
}

const elementKeys = (node: XmlNode) => Object.keys(node).filter((k) => k[0] !== '@' && k[0] !== '#');

/**
 * The activities of a tuple or person: the children of its own `rpid:activities` elements that
 * are RPID activities (or Cisco's activity values). A `note` inside `activities` describes the
 * activity, not the person; an element named like an activity in some other namespace is not one.
 * An element whose prefix was never declared ('' namespace, print damage) takes the namespace
 * of the `activities` element around it.
 */
function activityNames(node: XmlNode): string[] {
  const names: string[] = [];
  for (const activities of children(node, 'activities')) {
    const outer = nsOf(activities);
    if (!RPID_NS.has(outer) && outer !== '') continue;
    for (const name of elementKeys(activities)) {
      if (name === 'note') continue;
      for (const element of children(activities, name)) {
        const ns = nsOf(element) || outer;
        if ((RPID_NS.has(ns) || (CISCO_NS.has(ns) && CISCO_ACTIVITIES.has(name))) && !names.includes(name)) names.push(name);
      }
    }
  }
  return names;
}

function availabilityOf(names: string[]): Availability | undefined {
  for (const [name, availability] of ACTIVITIES) if (names.includes(name)) return availability;
  return undefined;
}

/** An element we do not interpret, kept as parsed (local names, `#ns` namespaces) so nothing is lost. */
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
  /** Service capabilities (`sc:servcaps`), each read as an XML Schema boolean. */
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
  /** The document-level `<note>` (a direct child of `<presence>`), '' when none. */
  note: string;
  /** Top-level elements that are neither tuple nor person nor note (e.g. `dm:device`). */
  extensions: PidfExtension[];
  /** True when the document was read only after repairing known damage. */
  repaired: boolean;
  /** The newest PIDF/data-model `timestamp` of the document (epoch ms), when it has one. */
  timestamp?: number;
  /** The person's CIPID `icon` URI (http or https only). */
  icon?: string;
}

/**
 * Repairs the damage seen in the CUPS guide's PIDF examples without dropping content:
 * an opening `sercvaps` closed as `servcaps`, and an attribute value missing its closing quote
 * (`xmlns:sc="urn:…:servcaps >`).
 */
function repairPidf(body: string): string {
  return repairXml(
    body
      .replace(/<([\w.-]+:)?sercvaps\b/g, '<$1servcaps')
      .replace(/<\/([\w.-]+:)?sercvaps\s*>/g, '</$1servcaps>')
      .replace(/(\s[\w.:-]+=")([^"<>]*?)\s*>/g, '$1$2">'),
  );
}

/**
 * Last resort for a damaged PIDF: drops the parts that never affect the shown state (service
 * capabilities, device model, user-input, including the guide's user-input printed without its
 * start tag: `</ce:model>>active</r:user-input>`).
 */
function salvage(body: string): string {
  return body
    .replace(/(<\/[\w.:-]+\s*>)>[^<]*<\/([\w.-]+:)?user-input\s*>/g, '$1')
    .replace(/<([\w.-]+:)?(servcaps|sercvaps)\b[\s\S]*?<\/([\w.-]+:)?(servcaps|sercvaps)\s*>/g, '')
    .replace(/<([\w.-]+:)?model\b[^>]*>[^<]*<\/([\w.-]+:)?model\s*>/g, '')
    .replace(/<([\w.-]+:)?user-input\b[^>]*>[^<]*<\/([\w.-]+:)?user-input\s*>/g, '');
}

const TUPLE_KNOWN = new Set(['status', 'contact', 'note', 'timestamp', 'source', 'model', 'servcaps', 'sercvaps', 'user-input', 'activities']);
const PERSON_KNOWN = new Set(['activities', 'note', 'timestamp']);
const PRESENCE_KNOWN = new Set(['tuple', 'person', 'note']);

function extensionsOf(node: XmlNode, known: Set<string>): PidfExtension[] {
  const out: PidfExtension[] = [];
  for (const name of elementKeys(node)) {
    if (known.has(name)) continue;
    const value = node[name];
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: typeof v === 'string' ? { '#text': v } : (v as XmlNode) });
  }
  return out;
}

/** The first non-empty `note` child of `node` in one of `namespaces` ('' = no namespace known). */
function noteOf(node: XmlNode, namespaces: string[]): string {
  for (const note of children(node, 'note')) if (namespaces.includes(nsOf(note)) && text(note)) return text(note);
  return '';
}

function readTuple(tuple: XmlNode, i: number): PidfTuple {
  const basic = text(child(child(tuple, 'status'), 'basic'))
    .trim()
    .toLowerCase();
  const contactNode = children(tuple, 'contact')[0];
  const priority = Number(attr(contactNode, 'priority'));
  const caps = children(tuple, 'servcaps')[0] ?? children(tuple, 'sercvaps')[0];
  let servcaps: Record<string, boolean> | undefined;
  if (caps) {
    servcaps = {};
    for (const k of elementKeys(caps)) {
      const flag = xsBoolean(text(children(caps, k)[0]));
      if (flag !== undefined) servcaps[k] = flag;
    }
  }
  const source = text(children(tuple, 'source')[0]).trim();
  const model = text(children(tuple, 'model')[0]).trim();
  const userInput = text(children(tuple, 'user-input')[0]).trim();
  const contact = text(contactNode).trim();
  return {
    id: attr(tuple, 'id') ?? `t${i}`,
    basic: basic === 'open' || basic === 'closed' ? basic : '',
    ...(contact ? { contact } : {}),
    ...(contactNode && attr(contactNode, 'priority') !== undefined && Number.isFinite(priority) ? { priority } : {}),
    note: noteOf(tuple, [PIDF_NS, '']),
    ...(source ? { source } : {}),
    ...(model ? { model } : {}),
    ...(servcaps ? { servcaps } : {}),
    activities: activityNames(tuple),
    ...(userInput ? { userInput } : {}),
    extensions: extensionsOf(tuple, TUPLE_KNOWN),
  };
}

const read = (body: string) =>
  parseXml(body, {
    maxBytes: PIDF_MAX_BYTES,
    what: 'presence document',
    requireWellFormed: true,
    namespaces: true,
    wellFormedError: (d) => new PidfError(`The presence document is not well-formed XML (${d}).`),
  });

/**
 * Parses a PIDF body. Throws `PidfError` (an `XmlError`) for a document that is empty, not
 * well-formed (after the known print damage is repaired), or not a presence document, so the
 * caller keeps the contact's previous state. Bytes are decoded as they declare (`charset`
 * from the Content-Type, a BOM, or the XML declaration).
 *
 * Read by namespace: PIDF (RFC 3863) `presence`/`tuple`/`status`/`note`, data model (RFC 4479)
 * `person`, RPID (RFC 4480) `activities`, and the Cisco extensions. A device's note is, in this
 * order of precedence: the tuple's own `<note>`; else the person's `<dm:note>` (direct child);
 * else the document-level `<note>` (direct child of `<presence>`). A note inside `rpid:mood`,
 * `rpid:activities` or any other element describes that element and is never the person's note.
 */
export function parsePidf(input: string | Uint8Array, charset?: string): ParsedPidf {
  const body = typeof input === 'string' ? input : decodeXmlBytes(input, charset, 'presence document');
  if (!body.trim()) throw new PidfError('The presence document is empty.');
  let tree: XmlNode;
  let repaired = false;
  try {
    tree = read(body);
  } catch (error) {
    if (!(error instanceof PidfError)) throw error;
    // Only a document that fails as sent is repaired: first without losing anything, then,
    // failing that, by dropping the parts that never change the shown state.
    const fixed = repairPidf(body);
    repaired = true;
    try {
      if (fixed === body) throw error;
      tree = read(fixed);
    } catch {
      const salvaged = salvage(fixed);
      if (salvaged === fixed) throw error;
      try {
        tree = read(salvaged);
      } catch {
        throw error;
      }
    }
  }
  const presence = child(tree, 'presence');
  const rootNs = nsOf(presence);
  if (!presence || (rootNs !== PIDF_NS && rootNs !== CPIM_PIDF_NS && rootNs !== '')) {
    const root = elementKeys(tree).find((k) => k !== '?xml');
    throw new PidfError(`The document is not a presence document (its root is <${root ?? '?'}>${rootNs ? ` in ${rootNs}` : ''}).`);
  }
  const persons: PidfPerson[] = children(presence, 'person')
    .filter((p) => [DATA_MODEL_NS, PIDF_NS, ''].includes(nsOf(p)))
    .map((p, i) => ({
      id: attr(p, 'id') ?? `p${i}`,
      activities: activityNames(p),
      note: noteOf(p, [DATA_MODEL_NS, PIDF_NS, '']),
      extensions: extensionsOf(p, PERSON_KNOWN),
    }));
  const documentNote = noteOf(presence, [PIDF_NS, CPIM_PIDF_NS, '']);
  const personActivity = persons.map((p) => availabilityOf(p.activities)).find((a) => a !== undefined);
  const personNote = persons.map((p) => p.note).find(Boolean) ?? documentNote;
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
  const { timestamp, icon } = pidfExtras(presence);
  // anyURI: XML Schema collapses its whitespace.
  return {
    entity: (attr(presence, 'entity') ?? '').trim(),
    devices,
    tuples,
    persons,
    note: documentNote,
    extensions: extensionsOf(presence, PRESENCE_KNOWN),
    repaired,
    ...(timestamp !== undefined ? { timestamp } : {}),
    ...(icon ? { icon } : {}),
  };
}

/** The shown state of a parsed document: `composePresence`, with its last-seen time (when offline) and icon. */
export function presenceOf(parsed: ParsedPidf, at = Date.now()): Presence {
  const presence = composePresence(parsed.devices, at);
  return {
    ...presence,
    ...(presence.availability === 'offline' && parsed.timestamp !== undefined ? { lastSeen: parsed.timestamp } : {}),
    ...(parsed.icon ? { icon: parsed.icon } : {}),
  };
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
