/**
 * The lab's phone switch: lines (directory numbers) and the calls between them or to outside
 * numbers, reported as ECMA-323 events to whoever monitors a line. WebDialer calls are placed
 * here, and tests ring, answer, hold and clear calls through it.
 *
 * A call to an outside number (not a lab line) is answered by the far end at once unless
 * `farEndAnswers` is false; a call to a lab line rings there until `answer()`.
 */
import { cstaDocument as event } from './csta-codec';
import { xmlText as e } from '../xml/lab-xml';

export interface LabCall {
  id: string;
  from: string;
  to: string;
  /** Each end's state, by line or number. */
  state: Map<string, 'initiated' | 'alerting' | 'connected' | 'hold'>;
}

type EventSink = (line: string, xml: string) => void;

const device = (tag: string, d: string) => `<${tag}><deviceIdentifier>${e(d)}</deviceIdentifier></${tag}>`;
const connection = (tag: string, callId: string, d: string) => `<${tag}><callID>${e(callId)}</callID><deviceID>${e(d)}</deviceID></${tag}>`;

export class LabSwitch {
  readonly calls = new Map<string, LabCall>();
  /** Outside numbers answer at once (the demo); tests set false to see ringback. */
  farEndAnswers = true;
  private nextCall = 1;
  private readonly sinks = new Set<EventSink>();

  constructor(readonly lines: ReadonlySet<string>) {}

  /** Receives every event with the line it concerns; returns the unsubscribe function. */
  onEvent(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  private tell(call: LabCall, name: string, inner: (line: string) => string): void {
    for (const end of [call.from, call.to]) {
      if (!this.lines.has(end)) continue;
      const xml = event(
        name,
        `<monitorCrossRefID>${e(end)}</monitorCrossRefID>${inner(end)}<localConnectionInfo>${call.state.get(end) ?? 'null'}</localConnectionInfo>`,
      );
      for (const sink of this.sinks) sink(end, xml);
    }
  }

  private parties(call: LabCall): string {
    return device('callingDevice', call.from) + device('calledDevice', call.to) + device('lastRedirectionDevice', '');
  }

  /** The line's calls and its state in each, for SnapshotDevice. */
  snapshot(line: string): Array<{ callId: string; state: string }> {
    return [...this.calls.values()].filter((c) => c.state.has(line)).map((c) => ({ callId: c.id, state: c.state.get(line)! }));
  }

  /** A call from `from` (a lab line) to `to` (a lab line or an outside number). */
  placeCall(from: string, to: string): LabCall {
    // Like a desk phone: a new call puts the line's call in progress on hold.
    for (const other of this.calls.values()) if (other.state.get(from) === 'connected') this.hold(other.id, from);
    const call: LabCall = { id: String(this.nextCall++), from, to, state: new Map([[from, 'initiated']]) };
    this.calls.set(call.id, call);
    this.tell(
      call,
      'ServiceInitiatedEvent',
      (l) => connection('initiatedConnection', call.id, l) + device('initiatingDevice', from) + '<cause>newCall</cause>',
    );
    call.state.set(from, 'connected');
    this.tell(call, 'OriginatedEvent', () => connection('originatedConnection', call.id, from) + this.parties(call) + '<cause>newCall</cause>');
    call.state.set(to, 'alerting');
    this.tell(
      call,
      'DeliveredEvent',
      () => connection('connection', call.id, to) + device('alertingDevice', to) + this.parties(call) + '<cause>newCall</cause>',
    );
    if (!this.lines.has(to) && this.farEndAnswers) this.answer(call.id);
    return call;
  }

  /** An outside number (or a lab line) calls a lab line: it rings there. */
  ring(to: string, from: string): LabCall {
    if (this.lines.has(from)) return this.placeCall(from, to);
    const call: LabCall = {
      id: String(this.nextCall++),
      from,
      to,
      state: new Map([
        [from, 'connected'],
        [to, 'alerting'],
      ]),
    };
    this.calls.set(call.id, call);
    this.tell(
      call,
      'DeliveredEvent',
      () => connection('connection', call.id, to) + device('alertingDevice', to) + this.parties(call) + '<cause>newCall</cause>',
    );
    return call;
  }

  /** The ringing end answers. */
  answer(callId: string): void {
    const call = this.require(callId);
    // Answering puts the line's call in progress on hold, as a desk phone does.
    if (this.lines.has(call.to))
      for (const other of this.calls.values()) if (other !== call && other.state.get(call.to) === 'connected') this.hold(other.id, call.to);
    call.state.set(call.to, 'connected');
    this.tell(
      call,
      'EstablishedEvent',
      () => connection('establishedConnection', call.id, call.to) + device('answeringDevice', call.to) + this.parties(call) + '<cause>normal</cause>',
    );
  }

  hold(callId: string, line: string): void {
    const call = this.require(callId);
    call.state.set(line, 'hold');
    this.tell(call, 'HeldEvent', () => connection('heldConnection', call.id, line) + device('holdingDevice', line) + '<cause>normal</cause>');
  }

  retrieve(callId: string, line: string): void {
    const call = this.require(callId);
    call.state.set(line, 'connected');
    this.tell(call, 'RetrievedEvent', () => connection('retrievedConnection', call.id, line) + device('retrievingDevice', line) + '<cause>normal</cause>');
  }

  /** `line` hangs up: in a two-party call the whole call ends. */
  clear(callId: string, line: string): void {
    const call = this.require(callId);
    call.state.clear(); // localConnectionInfo null at both ends
    this.tell(
      call,
      'ConnectionClearedEvent',
      () => connection('droppedConnection', call.id, line) + device('releasingDevice', line) + '<cause>normalClearing</cause>',
    );
    this.calls.delete(call.id);
  }

  /** Hangs up `line`'s most recent call (WebDialer's endCallSoap); false when it has none. */
  hangUp(line: string): boolean {
    const call = [...this.calls.values()].reverse().find((c) => c.state.has(line));
    if (!call) return false;
    this.clear(call.id, line);
    return true;
  }

  setDoNotDisturb(line: string, on: boolean): void {
    const xml = event('DoNotDisturbEvent', `<monitorCrossRefID>${e(line)}</monitorCrossRefID>${device('device', line)}<doNotDisturbOn>${on}</doNotDisturbOn>`);
    for (const sink of this.sinks) sink(line, xml);
  }

  private require(callId: string): LabCall {
    const call = this.calls.get(callId);
    if (!call) throw new Error(`lab switch: no call ${callId}`);
    return call;
  }
}
