/**
 * PIDF (RFC 3863) with RPID activities (RFC 4480) and the Cisco extensions CUPS uses
 * (`ce:available`, `ce:dnd`, `so:source`, `sc:servcaps`, `ce:model`).
 *
 * Parsing reads elements by local name, so any prefix (or the CUPS guide's damaged namespace
 * declarations) works, unknown elements are ignored, and a document with no tuples means
 * the contact is offline (that is what a presence server sends for someone never signed in).
 */
import type { Availability, DevicePresence, OwnStatus, Presence } from '../../shared/domain';
import { attr, children, escapeXml, find, parseXml, text, type XmlNode } from '../xml/safe-xml';

export const PIDF_MAX_BYTES = 256 * 1024;

const ACTIVITY_FOR: Record<OwnStatus['availability'], string> = {
  available: '<ce:available/>',
  away: '<r:away/>',
  busy: '<r:busy/>',
  dnd: '<ce:dnd/>',
  invisible: '',
};

/** Builds the PIDF we PUBLISH for our own status. Invisible publishes a closed tuple. */
export function buildPidf(entity: string, status: OwnStatus, tupleId: string, source = 'Presence Desk'): string {
  const open = status.availability !== 'invisible';
  const note = open && status.note ? `<note>${escapeXml(status.note)}</note>` : '';
  const activity = ACTIVITY_FOR[status.availability];
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" ` +
    `xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:ce="urn:cisco:params:xml:ns:pidf:rpid" ` +
    `xmlns:sc="urn:ietf:params:xml:ns:pidf:servcaps" xmlns:so="urn:cisco:params:xml:ns:pidf:source" entity="${escapeXml(entity)}">` +
    `<tuple id="${escapeXml(tupleId)}"><status><basic>${open ? 'open' : 'closed'}</basic></status>` +
    `<so:source>${escapeXml(source)}</so:source>` +
    `<sc:servcaps><sc:audio>false</sc:audio><sc:video>false</sc:video><sc:text>true</sc:text></sc:servcaps>` +
    `<contact priority="1">${escapeXml(entity)}</contact>${note}</tuple>` +
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

function activityOf(node: XmlNode | undefined): Availability | undefined {
  const activities = find(node, 'activities');
  if (!activities) return undefined;
  for (const [name, availability] of ACTIVITIES) if (activities[name] !== undefined) return availability;
  return undefined;
}

export interface ParsedPidf {
  entity: string;
  devices: DevicePresence[];
}

/**
 * Drops the parts of a damaged PIDF that never affect the shown state (service capabilities,
 * device model, user-input), which is where the CUPS guide's examples are broken (an opening
 * `sercvaps` closed as `servcaps`, a namespace missing its closing quote).
 */
function salvage(body: string): string {
  return body
    .replace(/<([\w.-]+:)?(servcaps|sercvaps)\b[\s\S]*?<\/([\w.-]+:)?(servcaps|sercvaps)\s*>/g, '')
    .replace(/<([\w.-]+:)?model\b[^>]*>[^<]*<\/([\w.-]+:)?model\s*>/g, '')
    .replace(/<([\w.-]+:)?user-input\b[^>]*>[^<]*<\/([\w.-]+:)?user-input\s*>/g, '');
}

/** Parses a PIDF body (throws XmlError for what cannot be read). An empty body → no devices. */
export function parsePidf(body: string): ParsedPidf {
  if (!body.trim()) return { entity: '', devices: [] };
  let tree: XmlNode;
  try {
    tree = parseXml(body, { maxBytes: PIDF_MAX_BYTES, what: 'presence document' });
  } catch (error) {
    // Only a document that fails as sent is salvaged, and only by dropping parts we do not read.
    const salvaged = salvage(body);
    if (salvaged === body) throw error;
    tree = parseXml(salvaged, { maxBytes: PIDF_MAX_BYTES, what: 'presence document' });
  }
  const presence = find(tree, 'presence');
  if (!presence) throw new Error('The presence document has no <presence> element.');
  const persons = children(presence, 'person');
  const personActivity = persons.map(activityOf).find((a) => a !== undefined);
  const personNote = persons.map((p) => text(find(p, 'note'))).find(Boolean) ?? '';
  const devices = children(presence, 'tuple').map((tuple, i): DevicePresence => {
    const basic = text(find(find(tuple, 'status'), 'basic')).trim().toLowerCase();
    const open = basic !== 'closed';
    const own = activityOf(tuple);
    const note = text(children(tuple, 'note')[0]) || personNote;
    const source = text(find(tuple, 'source')).trim();
    return {
      id: attr(tuple, 'id') ?? `t${i}`,
      availability: open ? (own ?? personActivity ?? 'available') : 'offline',
      note: open ? note : '',
      ...(source ? { source } : {}),
    };
  });
  return { entity: attr(presence, 'entity') ?? '', devices };
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
