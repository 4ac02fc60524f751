/**
 * What the lab CTI gateway does for each CSTA request the CUPS guide's CTI section lists
 * (services and system services), on the lab switch, with the ECMA-323 request and response
 * shapes: call services name a connection as `<callID>` + `<deviceID>`, device services name
 * a `<device>`. Which services are offered is configurable (`supported`), so a client can be
 * shown a gateway that refuses some: those get `serviceNotSupported` and are left out of
 * GetCSTAFeatures.
 */
import { cstaDocument as xml, cstaErrorCode as cstaError, cstaField, lineOf } from './csta-codec';
import { element, textOf, xmlText as e, type LabXmlNode } from '../xml/lab-xml';
import { LabSwitchError, type LabCall, type LabSwitch } from './switch';

/** Every request the gateway can serve, grouped as GetCSTAFeaturesResponse lists them. */
export const LAB_CSTA_SERVICE_GROUPS: Record<string, string[]> = {
  callControlServList: [
    'AlternateCall',
    'AnswerCall',
    'ClearConnection',
    'ConferenceCall',
    'ConsultationCall',
    'DeflectCall',
    'HoldCall',
    'MakeCall',
    'ReconnectCall',
    'RetrieveCall',
    'SingleStepTransferCall',
    'TransferCall',
  ],
  callAssociatedServList: ['GenerateDigits'],
  logicalServList: ['GetDoNotDisturb', 'GetForwarding', 'SetDoNotDisturb', 'SetForwarding'],
  monitoringServList: ['MonitorStart', 'MonitorStop'],
  snapshotServList: ['SnapshotDevice'],
  systemStatServList: ['RequestSystemStatus'],
  capExchangeServList: ['GetCSTAFeatures'],
};
export const LAB_CSTA_SERVICES: string[] = Object.values(LAB_CSTA_SERVICE_GROUPS).flat();

/** ECMA-323 names a service in feature lists with a lower-case first letter. */
const featureName = (request: string) => request[0]!.toLowerCase() + request.slice(1);

export interface LabServiceContext {
  phoneSwitch: LabSwitch;
  /** Lines this client monitors: services act only on them. */
  monitored: Set<string>;
  supported: ReadonlySet<string>;
  log?: (line: string) => void;
}

const ok = (name: string, inner = '') => xml(`${name}Response`, inner);
const connectionXml = (tag: string, call: LabCall, line: string) => `<${tag}><callID>${e(call.id)}</callID><deviceID>${e(line)}</deviceID></${tag}>`;

/** A connection a request names (`<heldCall><callID>…</callID><deviceID>…</deviceID></heldCall>`). */
function connectionIn(body: LabXmlNode, tag: string, context: LabServiceContext): { callId: string; line: string } {
  const node = element(body, tag);
  const callId = cstaField(node, 'callID');
  const line = lineOf(cstaField(node, 'deviceID'));
  if (!callId || !line) throw new LabSwitchError('invalidConnectionIdentifier', `no ${tag}`);
  if (!context.monitored.has(line) || !context.phoneSwitch.connectionOf(callId, line))
    throw new LabSwitchError('invalidConnectionIdentifier', `${tag} ${callId}/${line} is unknown`);
  return { callId, line };
}

/** A device a request names, which must be a monitored lab line. */
function deviceIn(body: LabXmlNode, tag: string, context: LabServiceContext, error = 'invalidDeviceID'): string {
  const line = lineOf(textOf(element(body, tag)) || cstaField(element(body, tag), 'deviceIdentifier'));
  if (!context.monitored.has(line)) throw new LabSwitchError(error, `${tag} "${line}" is not monitored here`);
  return line;
}

/** A destination: a number, `N<number>` or a SIP/tel URI; voicemail when asked for by name. */
function destination(body: LabXmlNode, tag: string, context: LabServiceContext, error: string): string {
  const raw = textOf(element(body, tag)) || cstaField(element(body, tag), 'deviceIdentifier');
  const to = lineOf(raw);
  if (to === 'voicemail') return context.phoneSwitch.voicemail;
  if (!/^\+?[0-9*#]{2,32}$/.test(to)) throw new LabSwitchError(error, `"${raw}" is not a number`);
  return to;
}

const bool = (value: string) => /^(true|1)$/i.test(value.trim());

/** The categories ECMA-269 puts each error value in. */
const STATE_ERRORS = new Set(['invalidConnectionState', 'invalidHeldDeviceState', 'NoHeldCall', 'noCallToAnswer', 'noConnectionToClear']);

/** Runs one request on the switch; returns the response or CSTAErrorCode to send back. */
export function serveCstaRequest(name: string, body: LabXmlNode, context: LabServiceContext): { reply: string; after?: () => void } {
  if (!LAB_CSTA_SERVICES.includes(name) || !context.supported.has(name)) return { reply: cstaError('operation', 'serviceNotSupported') };
  const sw = context.phoneSwitch;
  try {
    switch (name) {
      case 'MakeCall': {
        const from = deviceIn(body, 'callingDevice', context, 'invalidCallingDeviceIdentifier');
        const to = destination(body, 'calledDirectoryNumber', context, 'invalidCalledDeviceIdentifier');
        return placed(name, 'callingDevice', from, () => sw.placeCall(from, to), context);
      }
      case 'AnswerCall':
      case 'HoldCall':
      case 'RetrieveCall':
      case 'ClearConnection': {
        const tag = { AnswerCall: 'callToBeAnswered', HoldCall: 'callToBeHeld', RetrieveCall: 'callToBeRetrieved', ClearConnection: 'connectionToBeCleared' }[
          name
        ];
        const c = connectionIn(body, tag, context);
        const state = sw.connectionOf(c.callId, c.line);
        const fits = { AnswerCall: state === 'alerting', HoldCall: state === 'connected', RetrieveCall: state === 'hold', ClearConnection: true }[name];
        if (!fits) throw new LabSwitchError('invalidConnectionState', `call ${c.callId} is ${state} at ${c.line}`);
        const act = {
          AnswerCall: () => sw.answer(c.callId, c.line),
          HoldCall: () => sw.hold(c.callId, c.line),
          RetrieveCall: () => sw.retrieve(c.callId, c.line),
          ClearConnection: () => sw.clear(c.callId, c.line),
        }[name];
        return { reply: ok(name), after: act };
      }
      case 'DeflectCall': {
        const c = connectionIn(body, 'callToBeDiverted', context);
        const to = destination(body, 'newDestination', context, 'invalidDestination');
        return { reply: ok(name), after: () => sw.deflect(c.callId, c.line, to) };
      }
      case 'ConsultationCall': {
        const c = connectionIn(body, 'existingCall', context);
        const to = destination(body, 'consultedDevice', context, 'invalidCalledDeviceIdentifier');
        return placed(name, 'initiatedCall', c.line, () => sw.consult(c.callId, c.line, to), context);
      }
      case 'TransferCall':
      case 'ConferenceCall': {
        const held = connectionIn(body, 'heldCall', context);
        const active = connectionIn(body, 'activeCall', context);
        if (held.line !== active.line) throw new LabSwitchError('invalidHeldDeviceIdentifier', 'held and active calls are on different lines');
        return name === 'TransferCall'
          ? placed(name, 'transferredCall', held.line, () => sw.transfer(held.callId, active.callId, held.line), context)
          : placed(name, 'conferenceCall', held.line, () => sw.conference(held.callId, active.callId, held.line), context);
      }
      case 'SingleStepTransferCall': {
        const c = connectionIn(body, 'activeCall', context);
        const to = destination(body, 'transferredTo', context, 'invalidDestination');
        return placed(name, 'transferredCall', c.line, () => sw.singleStepTransfer(c.callId, c.line, to), context);
      }
      case 'AlternateCall':
      case 'ReconnectCall': {
        const active = connectionIn(body, 'activeCall', context);
        const other = connectionIn(body, name === 'AlternateCall' ? 'otherCall' : 'heldCall', context);
        if (sw.connectionOf(other.callId, other.line) !== 'hold')
          throw new LabSwitchError(name === 'AlternateCall' ? 'invalidHeldDeviceState' : 'NoHeldCall', 'no held call');
        return {
          reply: ok(name),
          after: () =>
            name === 'AlternateCall' ? sw.alternate(active.callId, other.callId, active.line) : sw.reconnect(active.callId, other.callId, active.line),
        };
      }
      case 'GenerateDigits': {
        const c = connectionIn(body, 'connectionToSendDigits', context);
        sw.generateDigits(c.callId, c.line, cstaField(body, 'charactersToSend'));
        return { reply: ok(name) };
      }
      case 'SetForwarding': {
        const line = deviceIn(body, 'device', context);
        const on = bool(cstaField(body, 'activateForward'));
        const to = on ? destination(body, 'forwardDN', context, 'invalidForwardingDestination') : undefined;
        if (on && to === line) throw new LabSwitchError('invalidForwardingDestination', 'a line cannot forward to itself');
        return { reply: ok(name), after: () => sw.setForwarding(line, to) };
      }
      case 'GetForwarding': {
        const line = deviceIn(body, 'device', context);
        const to = sw.forwarding.get(line);
        const item = `<forwardListItem><forwardingType>forwardImmediate</forwardingType><forwardStatus>${Boolean(to)}</forwardStatus>${to ? `<forwardDN>${e(to)}</forwardDN>` : ''}</forwardListItem>`;
        return { reply: ok(name, `<forwardingList>${item}</forwardingList>`) };
      }
      case 'SetDoNotDisturb': {
        const line = deviceIn(body, 'device', context);
        const on = bool(cstaField(body, 'doNotDisturbOn'));
        return { reply: ok(name), after: () => sw.setDoNotDisturb(line, on) };
      }
      case 'GetDoNotDisturb': {
        const line = deviceIn(body, 'device', context);
        return { reply: ok(name, `<doNotDisturbOn>${sw.dnd.has(line)}</doNotDisturbOn>`) };
      }
      case 'RequestSystemStatus':
        return { reply: ok(name, `<systemStatus>${e(sw.systemStatus)}</systemStatus>`) };
      case 'GetCSTAFeatures': {
        const lists = Object.entries(LAB_CSTA_SERVICE_GROUPS)
          .map(([group, services]) => {
            const offered = services.filter((s) => context.supported.has(s));
            return offered.length ? `<${group}>${offered.map((s) => `<${featureName(s)}>true</${featureName(s)}>`).join('')}</${group}>` : '';
          })
          .join('');
        return { reply: ok(name, `<supportedServices>${lists}</supportedServices>`) };
      }
      default:
        return { reply: cstaError('operation', 'serviceNotSupported') };
    }
  } catch (error) {
    if (!(error instanceof LabSwitchError)) throw error;
    context.log?.(`lab cti: ${name} refused: ${error.message}`);
    return { reply: cstaError(STATE_ERRORS.has(error.value) ? 'stateIncompatibility' : 'operation', error.value) };
  }
}

/** A service whose response names the call it made: the switch acts now, its events follow the response. */
function placed(name: string, tag: string, line: string, act: () => LabCall, context: LabServiceContext): { reply: string; after: () => void } {
  const { result: call, release } = context.phoneSwitch.withHeldEvents(act);
  return { reply: ok(name, connectionXml(tag, call, line)), after: release };
}
