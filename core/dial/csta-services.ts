/**
 * The ECMA-323 requests for the CTI gateway services the CUPS guide lists beyond monitoring
 * (make call, deflect, consultation, transfer, single-step transfer, conference, alternate,
 * reconnect, generate digits, set/get forwarding, set/get do not disturb, system status, CSTA
 * features), the readers of their responses, and the guide's error conditions in words.
 *
 * Call services name a connection (`<callID>` + `<deviceID>`), device services a `<device>`.
 */
import { CSTA_SERVICES, type CstaService } from '../../shared/domain';
import { child, escapeXml as e, find, text, xsBoolean, type XmlNode } from '../xml/safe-xml';
import { CSTA_NS } from './csta-xml';

const request = (name: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="${CSTA_NS}">${inner}</${name}>`;
const conn = (tag: string, callId: string, device: string) => `<${tag}><callID>${e(callId)}</callID><deviceID>${e(device)}</deviceID></${tag}>`;
const el = (tag: string, value: string) => `<${tag}>${e(value)}</${tag}>`;

export const makeCallXml = (device: string, number: string) => request('MakeCall', el('callingDevice', device) + el('calledDirectoryNumber', number));
export const deflectCallXml = (callId: string, device: string, to: string) =>
  request('DeflectCall', conn('callToBeDiverted', callId, device) + el('newDestination', to));
export const consultationCallXml = (callId: string, device: string, to: string) =>
  request('ConsultationCall', conn('existingCall', callId, device) + el('consultedDevice', to));
export const singleStepTransferXml = (callId: string, device: string, to: string) =>
  request('SingleStepTransferCall', conn('activeCall', callId, device) + el('transferredTo', to));
export const transferCallXml = (held: string, active: string, device: string) =>
  request('TransferCall', conn('heldCall', held, device) + conn('activeCall', active, device));
export const conferenceCallXml = (held: string, active: string, device: string) =>
  request('ConferenceCall', conn('heldCall', held, device) + conn('activeCall', active, device));
export const alternateCallXml = (active: string, other: string, device: string) =>
  request('AlternateCall', conn('activeCall', active, device) + conn('otherCall', other, device));
export const reconnectCallXml = (active: string, held: string, device: string) =>
  request('ReconnectCall', conn('activeCall', active, device) + conn('heldCall', held, device));
export const generateDigitsXml = (callId: string, device: string, digits: string) =>
  request('GenerateDigits', conn('connectionToSendDigits', callId, device) + el('charactersToSend', digits));
export const setForwardingXml = (device: string, to: string | undefined) =>
  request(
    'SetForwarding',
    el('device', device) + el('forwardingType', 'forwardImmediate') + (to ? el('forwardDN', to) : '') + el('activateForward', to ? 'true' : 'false'),
  );
export const getForwardingXml = (device: string) => request('GetForwarding', el('device', device));
export const setDoNotDisturbXml = (device: string, on: boolean) => request('SetDoNotDisturb', el('device', device) + el('doNotDisturbOn', String(on)));
export const getDoNotDisturbXml = (device: string) => request('GetDoNotDisturb', el('device', device));
export const requestSystemStatusXml = () => request('RequestSystemStatus', '');
export const getCstaFeaturesXml = () => request('GetCSTAFeatures', '');

/** The call a response names (`<callingDevice>`, `<initiatedCall>`, `<transferredCall>`, `<conferenceCall>`). */
export function readResponseCallId(body: XmlNode, tag: string): string | undefined {
  return text(find(child(body, tag), 'callID')).trim() || undefined;
}

/** Where the phone forwards all calls (`forwardImmediate` on), from GetForwardingResponse. */
export function readForwarding(body: XmlNode): string | undefined {
  const list = find(body, 'forwardingList') ?? body;
  for (const [key, value] of Object.entries(list)) {
    if (key !== 'forwardListItem') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'object' || Array.isArray(item)) continue;
      const type = text(child(item, 'forwardingType')).trim();
      const on = xsBoolean(text(child(item, 'forwardStatus')));
      const to = text(child(item, 'forwardDN')).trim();
      if ((type === 'forwardImmediate' || !type) && on && to) return to;
    }
  }
  return undefined;
}

export const readDoNotDisturb = (body: XmlNode): boolean => xsBoolean(text(find(body, 'doNotDisturbOn'))) ?? false;
export const readSystemStatus = (body: XmlNode): string => text(find(body, 'systemStatus')).trim() || 'normal';

/**
 * The services a GetCSTAFeaturesResponse lists: any element under `supportedServices` named
 * like a service and not `false` (gateways write `<holdCall/>` or `<holdCall>true</holdCall>`).
 */
export function readFeatures(body: XmlNode): CstaService[] {
  const known = new Map(CSTA_SERVICES.map((s) => [s.toLowerCase(), s]));
  const found = new Set<CstaService>();
  const walk = (node: XmlNode) => {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('@') || key === '#text') continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        const service = known.get(key.toLowerCase());
        if (service && (typeof item !== 'object' || Array.isArray(item) ? String(item) : text(item)).trim().toLowerCase() !== 'false') found.add(service);
        if (item && typeof item === 'object' && !Array.isArray(item)) walk(item);
      }
    }
  };
  walk(find(body, 'supportedServices') ?? body);
  return CSTA_SERVICES.filter((s) => found.has(s));
}

/** The CUPS guide's error conditions (and ECMA-269's usual spellings), in words. */
const ERROR_WORDS: Record<string, string> = {
  serviceNotSupported: 'the phone system does not offer this service',
  invalidMonitorObject: 'the phone system does not know this line',
  invalidMonitorObjectType: 'this line cannot be watched',
  invalidCrossReferenceIdentifier: 'the phone system no longer knows this monitor',
  invalidCallingDeviceIdentifier: 'your line cannot place calls from here',
  invalidCalledDeviceIdentifier: 'the number called is not valid',
  noCallToAnswer: 'there is no call ringing to answer',
  invalidConnectionIdentifier: 'that call has already ended',
  invalidConnectionID: 'that call has already ended',
  invalidConnectionState: 'the call is not in a state that allows it',
  noConnectionToClear: 'there is no call to hang up',
  invalidDestination: 'the destination is not a valid number',
  invalidDestinationDeviceObject: 'the destination is not a valid number',
  invalidDivertingDeviceIdentifier: 'this line cannot send the call on',
  invalidHeldDeviceIdentifier: 'the held call is not on this line',
  invalidHeldDeviceState: 'the other call is not on hold',
  NoHeldCall: 'there is no call on hold',
  invalidParameterValue: 'the phone system did not accept a value',
  invalidForwardingDestination: 'calls cannot be forwarded to that number',
  invalidDeviceID: 'the phone system does not know this line',
};

/** `stateIncompatibility: invalidConnectionState` → "the call is not in a state that allows it (invalidConnectionState)". */
export function cstaErrorWords(categoryAndValue: string): string {
  const value = categoryAndValue.split(':').pop()!.trim();
  const words = ERROR_WORDS[value];
  return words ? `${words} (${categoryAndValue})` : categoryAndValue;
}
