/**
 * The CTI gateway services on the user's line, each checked before it is sent: the gateway
 * must offer it (GetCSTAFeatures), and the calls it names must be on the line in a state
 * that fits (a deflection needs a ringing call, a transfer a held and an active one …). A
 * request that cannot work is refused here in words, before anything reaches the phone
 * system; one the gateway refuses comes back with the gateway's reason in words.
 *
 * The events that follow change the line's calls; a request's answer only says it was taken.
 */
import type { CstaService, PhoneCall, PhoneRequest, PhoneRequestResult } from '../../shared/domain';
import type { CstaMessage } from './csta-xml';
import {
  alternateCallXml,
  conferenceCallXml,
  consultationCallXml,
  deflectCallXml,
  generateDigitsXml,
  getCstaFeaturesXml,
  getDoNotDisturbXml,
  getForwardingXml,
  makeCallXml,
  readDoNotDisturb,
  readFeatures,
  readForwarding,
  readResponseCallId,
  readSystemStatus,
  reconnectCallXml,
  requestSystemStatusXml,
  setDoNotDisturbXml,
  setForwardingXml,
  singleStepTransferXml,
  transferCallXml,
} from './csta-services';

/** What each service is called in messages to the user. */
export const SERVICE_WORDS: Record<CstaService, string> = {
  makeCall: 'placing calls',
  answerCall: 'answering',
  clearConnection: 'hanging up',
  deflectCall: 'sending a ringing call elsewhere',
  holdCall: 'hold',
  retrieveCall: 'taking a call back',
  consultationCall: 'consultation calls',
  singleStepTransferCall: 'transfer',
  transferCall: 'transfer after consultation',
  conferenceCall: 'conference',
  alternateCall: 'switching between calls',
  reconnectCall: 'going back to the held call',
  generateDigits: 'sending tones (DTMF)',
  setForwarding: 'forwarding',
  setDoNotDisturb: 'do not disturb',
  getForwarding: 'reading the forwarding',
  getDoNotDisturb: 'reading do not disturb',
  requestSystemStatus: 'system status',
  getCSTAFeatures: 'listing its services',
};

/** Sends one request and resolves with the response (rejects with the gateway's refusal in words). */
export type CstaInvoke = (xml: string, what: string) => Promise<CstaMessage>;

export class PhoneServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhoneServiceError';
  }
}

/** A number the phone system can dial: digits, `*`, `#`, a leading `+`. */
const DIALABLE = /^\+?[0-9*#]{1,32}$/;

export class PhoneServices {
  constructor(
    private readonly invoke: CstaInvoke,
    private readonly line: string,
    private readonly calls: () => PhoneCall[],
    /** The services the gateway offers; undefined until it said. */
    private readonly offered: () => readonly CstaService[] | undefined,
  ) {}

  private require(service: CstaService): void {
    const offered = this.offered();
    if (offered && !offered.includes(service))
      throw new PhoneServiceError(`Your phone system does not offer ${SERVICE_WORDS[service]} (the CTI gateway does not list ${service}).`);
  }

  private call(callId: string, fits?: (c: PhoneCall) => boolean, need?: string): PhoneCall {
    const call = this.calls().find((c) => c.id === callId);
    if (!call) throw new PhoneServiceError('That call has already ended.');
    if (fits && !fits(call)) throw new PhoneServiceError(`That call is ${call.state}: ${need}.`);
    return call;
  }

  private number(value: string, what: string): string {
    const n = value.replace(/[\s().-]/g, '');
    if (!DIALABLE.test(n)) throw new PhoneServiceError(`"${value}" is not a number the phone can dial (${what}).`);
    return n;
  }

  /** Carries out one request (see `PhoneRequest`). */
  async perform(request: PhoneRequest): Promise<PhoneRequestResult> {
    this.require(request.service);
    const line = this.line;
    const talking = (c: PhoneCall) => c.state === 'talking' || c.state === 'dialing';
    switch (request.service) {
      case 'makeCall': {
        const r = await this.invoke(makeCallXml(line, this.number(request.number, 'make call')), 'MakeCall');
        return this.result(r, 'callingDevice');
      }
      case 'deflectCall': {
        this.call(request.callId, (c) => c.state === 'ringing', 'only a ringing call can be sent elsewhere');
        const to = request.to === 'voicemail' ? 'voicemail' : this.number(request.to, 'deflect');
        await this.invoke(deflectCallXml(request.callId, line, to), 'DeflectCall');
        return {};
      }
      case 'consultationCall': {
        this.call(request.callId, (c) => c.state !== 'ringing', 'answer it before calling someone else about it');
        const r = await this.invoke(consultationCallXml(request.callId, line, this.number(request.to, 'consultation')), 'ConsultationCall');
        return this.result(r, 'initiatedCall');
      }
      case 'singleStepTransferCall': {
        this.call(request.callId, (c) => c.state !== 'ringing', 'answer it before transferring it, or send it elsewhere');
        const r = await this.invoke(singleStepTransferXml(request.callId, line, this.number(request.to, 'transfer')), 'SingleStepTransferCall');
        return this.result(r, 'transferredCall');
      }
      case 'transferCall':
      case 'conferenceCall': {
        this.call(request.heldCallId, (c) => c.state === 'held', 'the first call must be on hold');
        this.call(request.activeCallId, talking, 'the second call must be in progress');
        const transfer = request.service === 'transferCall';
        const xml = (transfer ? transferCallXml : conferenceCallXml)(request.heldCallId, request.activeCallId, line);
        const r = await this.invoke(xml, transfer ? 'TransferCall' : 'ConferenceCall');
        return this.result(r, transfer ? 'transferredCall' : 'conferenceCall');
      }
      case 'alternateCall':
      case 'reconnectCall': {
        this.call(request.activeCallId);
        this.call(request.heldCallId, (c) => c.state === 'held', 'the call to go back to must be on hold');
        const alternate = request.service === 'alternateCall';
        const xml = (alternate ? alternateCallXml : reconnectCallXml)(request.activeCallId, request.heldCallId, line);
        await this.invoke(xml, alternate ? 'AlternateCall' : 'ReconnectCall');
        return {};
      }
      case 'generateDigits': {
        this.call(request.callId, (c) => c.state === 'talking', 'tones can be sent only in a call in progress');
        if (!/^[0-9*#A-Da-d]{1,32}$/.test(request.digits)) throw new PhoneServiceError(`"${request.digits}" are not phone keys (0–9, *, #, A–D).`);
        await this.invoke(generateDigitsXml(request.callId, line, request.digits), 'GenerateDigits');
        return {};
      }
      case 'setForwarding': {
        const to = request.to?.trim() ? this.number(request.to, 'forwarding') : undefined;
        await this.invoke(setForwardingXml(line, to), 'SetForwarding');
        return {};
      }
      case 'setDoNotDisturb':
        await this.invoke(setDoNotDisturbXml(line, request.on), 'SetDoNotDisturb');
        return {};
    }
  }

  private result(message: CstaMessage, tag: string): PhoneRequestResult {
    const callId = message.type === 'response' ? readResponseCallId(message.body, tag) : undefined;
    return callId ? { callId } : {};
  }

  /** GetCSTAFeatures: the services the gateway offers. */
  async features(): Promise<CstaService[]> {
    const r = await this.invoke(getCstaFeaturesXml(), 'GetCSTAFeatures');
    return r.type === 'response' ? readFeatures(r.body) : [];
  }

  /** GetForwarding: where the line forwards all calls (undefined: it does not). */
  async forwarding(): Promise<string | undefined> {
    this.require('getForwarding');
    const r = await this.invoke(getForwardingXml(this.line), 'GetForwarding');
    return r.type === 'response' ? readForwarding(r.body) : undefined;
  }

  /** GetDoNotDisturb. */
  async doNotDisturb(): Promise<boolean> {
    this.require('getDoNotDisturb');
    const r = await this.invoke(getDoNotDisturbXml(this.line), 'GetDoNotDisturb');
    return r.type === 'response' && readDoNotDisturb(r.body);
  }

  /** RequestSystemStatus: `normal` when the phone system works. */
  async systemStatus(): Promise<string> {
    this.require('requestSystemStatus');
    const r = await this.invoke(requestSystemStatusXml(), 'RequestSystemStatus');
    return r.type === 'response' ? readSystemStatus(r.body) : 'normal';
  }
}
