/**
 * The ECMA-323 (third edition) messages a desk client needs from a CTI gateway, written and
 * read: start/stop monitoring the user's line, a snapshot of its calls, clearing a call, and
 * the call and device events the CUPS guide lists (delivered, established, connection
 * cleared, held, retrieved, diverted, failed, transferred, originated, conferenced, do not
 * disturb, forwarding).
 *
 * Reading is lenient (any prefix, missing optional fields, unknown elements ignored) and safe
 * (the shared XML reader refuses DOCTYPEs and oversize documents).
 */
import { child, children, escapeXml as e, find, parseXml, text, type XmlNode, type XmlValue } from '../xml/safe-xml';

export const CSTA_NS = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3';

const request = (name: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="${CSTA_NS}">${inner}</${name}>`;

export const monitorStartXml = (device: string) => request('MonitorStart', `<monitorObject><deviceObject>${e(device)}</deviceObject></monitorObject>`);
export const monitorStopXml = (crossRefId: string) => request('MonitorStop', `<monitorCrossRefID>${e(crossRefId)}</monitorCrossRefID>`);
export const snapshotDeviceXml = (device: string) => request('SnapshotDevice', `<snapshotObject>${e(device)}</snapshotObject>`);
export const systemStatusResponseXml = () => request('SystemStatusResponse', '');

/** The call services a desk client uses, each naming the user's connection in one call. */
const connectionService = (name: string, element: string) => (callId: string, device: string) =>
  request(name, `<${element}><callID>${e(callId)}</callID><deviceID>${e(device)}</deviceID></${element}>`);
export const answerCallXml = connectionService('AnswerCall', 'callToBeAnswered');
export const holdCallXml = connectionService('HoldCall', 'callToBeHeld');
export const retrieveCallXml = connectionService('RetrieveCall', 'callToBeRetrieved');
export const clearConnectionXml = connectionService('ClearConnection', 'connectionToBeCleared');

/** ECMA-269 local connection states, with `hold` read as held. */
export type LocalConnectionState = 'null' | 'initiated' | 'alerting' | 'connected' | 'held' | 'queued' | 'fail';

const LOCAL_STATES: Record<string, LocalConnectionState> = {
  null: 'null',
  initiated: 'initiated',
  alerting: 'alerting',
  connected: 'connected',
  hold: 'held',
  held: 'held',
  queued: 'queued',
  fail: 'fail',
};

export const readLocalState = (value: string): LocalConnectionState | undefined => LOCAL_STATES[value.trim().toLowerCase()];

/** A call event, reduced to what decides the monitored line's state. */
export interface CstaCallEvent {
  kind: 'call';
  name: string;
  callId: string;
  /** The device of the event's connection. */
  device: string;
  /** `localConnectionInfo`: the monitored device's state in this call, when the gateway says. */
  local?: LocalConnectionState;
  calling?: string;
  called?: string;
  alerting?: string;
  /** The device that holds, releases, answers … (what the event is about, when named). */
  subject?: string;
  cause?: string;
  /** Transferred/conferenced: the calls that ended and the call that replaced them. */
  oldCallIds?: string[];
  newCallId?: string;
}

export type CstaEvent =
  CstaCallEvent | { kind: 'dnd'; name: string; on: boolean } | { kind: 'forwarding'; name: string; on: boolean; to?: string } | { kind: 'other'; name: string };

export type CstaMessage =
  | { type: 'event'; name: string; event: CstaEvent }
  | { type: 'response'; name: string; body: XmlNode }
  | { type: 'error'; name: 'CSTAErrorCode'; message: string }
  | { type: 'request'; name: string; body: XmlNode };

/** What each call event's connection element is called, and what it means when no `localConnectionInfo` is sent. */
const CALL_EVENTS: Record<string, { connection: string; subject?: string }> = {
  ServiceInitiatedEvent: { connection: 'initiatedConnection', subject: 'initiatingDevice' },
  OriginatedEvent: { connection: 'originatedConnection', subject: 'callingDevice' },
  DeliveredEvent: { connection: 'connection', subject: 'alertingDevice' },
  EstablishedEvent: { connection: 'establishedConnection', subject: 'answeringDevice' },
  ConnectionClearedEvent: { connection: 'droppedConnection', subject: 'releasingDevice' },
  CallClearedEvent: { connection: 'clearedCall' },
  HeldEvent: { connection: 'heldConnection', subject: 'holdingDevice' },
  RetrievedEvent: { connection: 'retrievedConnection', subject: 'retrievingDevice' },
  DivertedEvent: { connection: 'connection', subject: 'divertingDevice' },
  FailedEvent: { connection: 'failedConnection', subject: 'failingDevice' },
  TransferredEvent: { connection: 'primaryOldCall', subject: 'transferringDevice' },
  ConferencedEvent: { connection: 'primaryOldCall', subject: 'conferencingDevice' },
};

/** A device identifier as text: `<deviceIdentifier>`, `<deviceID>` or the element's own text. */
function deviceText(node: XmlNode | undefined): string {
  if (!node) return '';
  const inner = find(node, 'deviceIdentifier') ?? find(node, 'deviceID');
  return text(inner ?? node).trim();
}

/** The first `callID` in a connection list (`connectionListItem`/`newConnection`), for the call that replaces others. */
function firstCallId(node: XmlValue | undefined): string | undefined {
  const id = text(find(node, 'callID')).trim();
  return id || undefined;
}

function readCallEvent(name: string, body: XmlNode): CstaCallEvent | undefined {
  const shape = CALL_EVENTS[name];
  const connection = shape ? child(body, shape.connection) : undefined;
  const callId = text(child(connection, 'callID') ?? find(body, 'callID')).trim();
  if (!callId) return undefined;
  const local = readLocalState(text(child(body, 'localConnectionInfo')));
  const optional = (value: string) => value || undefined;
  const event: CstaCallEvent = {
    kind: 'call',
    name,
    callId,
    device: text(child(connection, 'deviceID')).trim(),
    ...(local ? { local } : {}),
  };
  const calling = optional(deviceText(child(body, 'callingDevice')));
  const called = optional(deviceText(child(body, 'calledDevice')));
  const alerting = optional(deviceText(child(body, 'alertingDevice')));
  const subject = shape?.subject ? optional(deviceText(child(body, shape.subject))) : undefined;
  const cause = optional(text(child(body, 'cause')).trim());
  if (calling) event.calling = calling;
  if (called) event.called = called;
  if (alerting) event.alerting = alerting;
  if (subject) event.subject = subject;
  if (cause) event.cause = cause;
  if (name === 'TransferredEvent' || name === 'ConferencedEvent') {
    event.oldCallIds = [child(body, 'primaryOldCall'), child(body, 'secondaryOldCall')].map((c) => text(child(c, 'callID')).trim()).filter(Boolean);
    const replacement = firstCallId(child(body, name === 'TransferredEvent' ? 'transferredConnections' : 'conferenceConnections'));
    if (replacement) event.newCallId = replacement;
  }
  return event;
}

const isTrue = (value: string) => /^(true|1|on)$/i.test(value.trim());

function readEvent(name: string, body: XmlNode): CstaEvent {
  if (name === 'DoNotDisturbEvent') return { kind: 'dnd', name, on: isTrue(text(child(body, 'doNotDisturbOn'))) };
  if (name === 'ForwardingEvent') {
    const on = isTrue(text(child(body, 'forwardStatus')));
    const to = text(child(body, 'forwardTo')).trim();
    return { kind: 'forwarding', name, on, ...(on && to ? { to } : {}) };
  }
  return readCallEvent(name, body) ?? { kind: 'other', name };
}

/** Why a CSTA request was refused, in words, from `<CSTAErrorCode><category>value</category>`. */
function errorMessage(body: XmlNode): string {
  for (const category of Object.keys(body)) {
    if (category.startsWith('@') || category === '#text') continue;
    const detail = text(child(body, category)).trim();
    return `${category}${detail ? `: ${detail}` : ''}`;
  }
  return text(body).trim() || 'unspecified';
}

/** Reads one CSTA message (throws `XmlError` for XML that is unreadable or refused). */
export function parseCstaMessage(xml: string): CstaMessage {
  const tree = parseXml(xml, { what: 'CSTA message', maxBytes: 0xffff });
  const name = Object.keys(tree).find((k) => !k.startsWith('?') && !k.startsWith('@') && k !== '#text');
  if (!name) return { type: 'event', name: '(empty)', event: { kind: 'other', name: '(empty)' } };
  const body = child(tree, name) ?? {};
  if (name === 'CSTAErrorCode') return { type: 'error', name, message: errorMessage(body) };
  if (name.endsWith('Event')) return { type: 'event', name, event: readEvent(name, body) };
  if (name.endsWith('Response')) return { type: 'response', name, body };
  return { type: 'request', name, body };
}

/** The calls a SnapshotDeviceResponse lists: call id and the device's state in each. */
export function readSnapshot(body: XmlNode): Array<{ callId: string; local: LocalConnectionState }> {
  return children(find(body, 'snapshotData'), 'snapshotDeviceResponseInfo').flatMap((item) => {
    const callId = text(find(item, 'callID')).trim();
    const local = readLocalState(text(find(item, 'localConnectionState')));
    return callId && local ? [{ callId, local }] : [];
  });
}

/** `monitorCrossRefID` of a MonitorStartResponse. */
export const readCrossRefId = (body: XmlNode) => text(find(body, 'monitorCrossRefID')).trim();
