/**
 * The lab's phone switch: lines (directory numbers) and the calls between them or to outside
 * numbers, reported as ECMA-323 events to whoever monitors a line. WebDialer calls are placed
 * here, the CTI gateway's services act on it, and tests ring, answer, hold and clear calls
 * through it.
 *
 * A call has two or more parties, each in its own state:
 *
 * ```
 *   placeCall: caller initiated → connected, callee alerting ──answer──> connected ⇄ hold
 *   deflect:   the alerting party leaves, the new destination rings (DivertedEvent)
 *   transfer:  held call {L, A} + active call {L, B} → new call {A, B}, L gone (TransferredEvent)
 *   single-step transfer: active call {L, A} → new call {A, T ringing}, L gone
 *   conference: held call {L, A} + active call {L, B} → new call {L, A, B} (ConferencedEvent)
 *   clear:     the party leaves; fewer than two left → the call ends
 * ```
 *
 * A call to an outside number (not a lab line) is answered by the far end at once unless
 * `farEndAnswers` is false; a call to a lab line rings there until `answer()`, is diverted when
 * the line forwards all calls, and fails when the line has do not disturb on.
 */
import { cstaDocument as event } from './csta-codec';
import { xmlText as e } from '../xml/lab-xml';

export type LabPartyState = 'initiated' | 'alerting' | 'connected' | 'hold';

export interface LabCall {
  id: string;
  from: string;
  to: string;
  /** Each party's state, by line or number (the parties are its keys). */
  state: Map<string, LabPartyState>;
}

type EventSink = (line: string, xml: string) => void;

export class LabSwitchError extends Error {
  constructor(
    /** The ECMA-269 error value the gateway answers with (`invalidConnectionState` …). */
    readonly value: string,
    message: string,
  ) {
    super(message);
  }
}

const device = (tag: string, d: string) => `<${tag}><deviceIdentifier>${e(d)}</deviceIdentifier></${tag}>`;
const connection = (tag: string, callId: string, d: string) => `<${tag}><callID>${e(callId)}</callID><deviceID>${e(d)}</deviceID></${tag}>`;
const connectionList = (tag: string, call: LabCall) =>
  `<${tag}>${[...call.state.keys()].map((p) => `<connectionListItem>${connection('newConnection', call.id, p)}</connectionListItem>`).join('')}</${tag}>`;

export class LabSwitch {
  readonly calls = new Map<string, LabCall>();
  /** Outside numbers answer at once (the demo); tests set false to see ringback. */
  farEndAnswers = true;
  /** Where "send to voicemail" deflects a ringing call. */
  voicemail = '8000';
  /** What RequestSystemStatus reports (`normal`, `disabled`, `partiallyDisabled` …). */
  systemStatus = 'normal';
  /** Lines with do not disturb on. */
  readonly dnd = new Set<string>();
  /** Lines forwarding all calls, and where to. */
  readonly forwarding = new Map<string, string>();
  /** Digits sent into each call (GenerateDigits), by call id. */
  readonly digits = new Map<string, string>();
  private nextCall = 1;
  private held: Array<[string, string]> | undefined;
  private readonly sinks = new Set<EventSink>();

  constructor(readonly lines: ReadonlySet<string>) {}

  /** Receives every event with the line it concerns; returns the unsubscribe function. */
  onEvent(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Sends an event to each lab line among `to` (the call's parties when not given). */
  private tell(call: LabCall, name: string, inner: (line: string) => string, to: Iterable<string> = call.state.keys()): void {
    for (const end of new Set(to)) {
      if (!this.lines.has(end)) continue;
      const xml = event(
        name,
        `<monitorCrossRefID>${e(end)}</monitorCrossRefID>${inner(end)}<localConnectionInfo>${call.state.get(end) ?? 'null'}</localConnectionInfo>`,
      );
      this.emit(end, xml);
    }
  }

  private emit(line: string, xml: string): void {
    if (this.held) this.held.push([line, xml]);
    else for (const sink of this.sinks) sink(line, xml);
  }

  /**
   * Runs `act` with the events it raises held back until `release()`: the gateway answers a
   * request first and sends the events after, the order a real switch uses, even when the
   * answer must name the call the request made.
   */
  withHeldEvents<T>(act: () => T): { result: T; release: () => void } {
    const held: Array<[string, string]> = [];
    const outer = this.held;
    this.held = held;
    const release = () => held.splice(0).forEach(([line, xml]) => this.emit(line, xml));
    let done = false;
    try {
      const result = act();
      done = true;
      return { result, release };
    } finally {
      this.held = outer;
      if (!done) release(); // what happened before a refusal is still told
    }
  }

  private parties(call: LabCall): string {
    return device('callingDevice', call.from) + device('calledDevice', call.to) + device('lastRedirectionDevice', '');
  }

  private newCall(from: string, to: string, state: Array<[string, LabPartyState]>): LabCall {
    const call: LabCall = { id: String(this.nextCall++), from, to, state: new Map(state) };
    this.calls.set(call.id, call);
    return call;
  }

  /** The line's calls and its state in each, for SnapshotDevice. */
  snapshot(line: string): Array<{ callId: string; state: string }> {
    return [...this.calls.values()].filter((c) => c.state.has(line)).map((c) => ({ callId: c.id, state: c.state.get(line)! }));
  }

  /** The call `line` is in with state `state` (a connection the gateway's services name). */
  connectionOf(callId: string, line: string): LabPartyState | undefined {
    return this.calls.get(callId)?.state.get(line);
  }

  /** Like a desk phone: a new or answered call puts the line's call in progress on hold. */
  private holdOthers(line: string, except?: LabCall): void {
    for (const other of this.calls.values()) if (other !== except && other.state.get(line) === 'connected') this.hold(other.id, line);
  }

  /** `to` starts ringing in `call` (forwarding and DND of a lab line applied first). */
  private deliver(call: LabCall, to: string): void {
    const forward = this.forwarding.get(to);
    if (forward && forward !== to) {
      this.tell(
        call,
        'DivertedEvent',
        () => connection('connection', call.id, to) + device('divertingDevice', to) + device('newDestination', forward) + '<cause>callForwardImmediate</cause>',
        [...call.state.keys(), to],
      );
      to = forward;
      call.to = forward;
    }
    if (this.dnd.has(to)) {
      this.tell(
        call,
        'FailedEvent',
        () => connection('failedConnection', call.id, to) + device('failingDevice', to) + device('calledDevice', to) + '<cause>doNotDisturb</cause>',
      );
      this.end(call, to);
      return;
    }
    call.state.set(to, 'alerting');
    this.tell(
      call,
      'DeliveredEvent',
      () => connection('connection', call.id, to) + device('alertingDevice', to) + this.parties(call) + '<cause>newCall</cause>',
    );
    if (!this.lines.has(to) && this.farEndAnswers) this.answer(call.id, to);
  }

  /** A call from `from` (a lab line) to `to` (a lab line or an outside number). */
  placeCall(from: string, to: string): LabCall {
    this.holdOthers(from);
    const call = this.newCall(from, to, [[from, 'initiated']]);
    this.tell(
      call,
      'ServiceInitiatedEvent',
      (l) => connection('initiatedConnection', call.id, l) + device('initiatingDevice', from) + '<cause>newCall</cause>',
    );
    call.state.set(from, 'connected');
    this.tell(call, 'OriginatedEvent', () => connection('originatedConnection', call.id, from) + this.parties(call) + '<cause>newCall</cause>');
    this.deliver(call, to);
    return call;
  }

  /** An outside number (or a lab line) calls a lab line: it rings there. */
  ring(to: string, from: string): LabCall {
    if (this.lines.has(from)) return this.placeCall(from, to);
    const call = this.newCall(from, to, [[from, 'connected']]);
    this.deliver(call, to);
    return call;
  }

  /** The ringing party (`party`, else the call's callee) answers. */
  answer(callId: string, party?: string): void {
    const call = this.require(callId);
    const who = party ?? [...call.state].find(([, s]) => s === 'alerting')?.[0] ?? call.to;
    if (this.lines.has(who)) this.holdOthers(who, call);
    call.state.set(who, 'connected');
    this.tell(
      call,
      'EstablishedEvent',
      () => connection('establishedConnection', call.id, who) + device('answeringDevice', who) + this.parties(call) + '<cause>normal</cause>',
    );
  }

  hold(callId: string, line: string): void {
    const call = this.require(callId);
    call.state.set(line, 'hold');
    this.tell(call, 'HeldEvent', () => connection('heldConnection', call.id, line) + device('holdingDevice', line) + '<cause>normal</cause>');
  }

  retrieve(callId: string, line: string): void {
    const call = this.require(callId);
    this.holdOthers(line, call);
    call.state.set(line, 'connected');
    this.tell(call, 'RetrievedEvent', () => connection('retrievedConnection', call.id, line) + device('retrievingDevice', line) + '<cause>normal</cause>');
  }

  /** `line` hangs up: the others stay while at least two remain (a conference), else the call ends. */
  clear(callId: string, line: string): void {
    const call = this.require(callId);
    const told = [...call.state.keys()];
    call.state.delete(line);
    if (call.state.size < 2) call.state.clear(); // localConnectionInfo null at every end
    this.tell(
      call,
      'ConnectionClearedEvent',
      () => connection('droppedConnection', call.id, line) + device('releasingDevice', line) + '<cause>normalClearing</cause>',
      told,
    );
    if (!call.state.size) {
      this.calls.delete(call.id);
      this.digits.delete(call.id);
    }
  }

  /** Ends a whole call (the far end gone, or a failed delivery). */
  private end(call: LabCall, releasing: string): void {
    const told = [...call.state.keys()];
    call.state.clear();
    this.tell(
      call,
      'ConnectionClearedEvent',
      () => connection('droppedConnection', call.id, releasing) + device('releasingDevice', releasing) + '<cause>normalClearing</cause>',
      told,
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

  /** A call ringing at `line` goes to `to` instead (voicemail or a number). */
  deflect(callId: string, line: string, to: string): void {
    const call = this.require(callId);
    if (call.state.get(line) !== 'alerting') throw new LabSwitchError('invalidConnectionState', `call ${callId} is not ringing at ${line}`);
    if (!to.trim()) throw new LabSwitchError('invalidDestination', 'no destination');
    const told = [...call.state.keys()];
    call.state.delete(line);
    this.tell(
      call,
      'DivertedEvent',
      () => connection('connection', call.id, line) + device('divertingDevice', line) + device('newDestination', to) + '<cause>redirected</cause>',
      told,
    );
    call.to = to;
    this.deliver(call, to);
  }

  /** Consultation: the call in progress goes on hold and `line` calls `to`. */
  consult(callId: string, line: string, to: string): LabCall {
    const held = this.require(callId);
    if (held.state.get(line) === 'connected') this.hold(held.id, line);
    return this.placeCall(line, to);
  }

  private other(call: LabCall, line: string): string {
    const other = [...call.state.keys()].find((p) => p !== line);
    if (!other) throw new LabSwitchError('invalidConnectionIdentifier', `call ${call.id} has no other party`);
    return other;
  }

  /** Transfer: the held call's party and the active call's party talk to each other; `line` leaves both. */
  transfer(heldId: string, activeId: string, line: string): LabCall {
    const held = this.require(heldId);
    const active = this.require(activeId);
    if (held.state.get(line) !== 'hold') throw new LabSwitchError('invalidHeldDeviceState', `call ${heldId} is not held at ${line}`);
    const a = this.other(held, line);
    const b = this.other(active, line);
    const merged = this.newCall(a, b, [
      [a, 'connected'],
      [b, active.state.get(b) === 'alerting' ? 'alerting' : 'connected'],
    ]);
    this.calls.delete(held.id);
    this.calls.delete(active.id);
    this.tell(
      merged,
      'TransferredEvent',
      () =>
        connection('primaryOldCall', held.id, line) +
        connection('secondaryOldCall', active.id, line) +
        device('transferringDevice', line) +
        device('transferredToDevice', b) +
        connectionList('transferredConnections', merged) +
        '<cause>transfer</cause>',
      [line, a, b],
    );
    return merged;
  }

  /** Single-step transfer: the other party of `line`'s call is sent to `to`, which rings. */
  singleStepTransfer(callId: string, line: string, to: string): LabCall {
    const call = this.require(callId);
    if (!call.state.has(line) || call.state.get(line) === 'alerting')
      throw new LabSwitchError('invalidConnectionState', `call ${callId} is not in progress at ${line}`);
    if (!to.trim()) throw new LabSwitchError('invalidDestination', 'no destination');
    const a = this.other(call, line);
    const moved = this.newCall(a, to, [[a, 'connected']]);
    this.calls.delete(call.id);
    this.tell(
      moved,
      'TransferredEvent',
      () =>
        connection('primaryOldCall', call.id, line) +
        device('transferringDevice', line) +
        device('transferredToDevice', to) +
        connectionList('transferredConnections', moved) +
        '<cause>singleStepTransfer</cause>',
      [line, a],
    );
    this.deliver(moved, to);
    return moved;
  }

  /** Conference: the held and the active call of `line` become one call of three. */
  conference(heldId: string, activeId: string, line: string): LabCall {
    const held = this.require(heldId);
    const active = this.require(activeId);
    if (held.state.get(line) !== 'hold') throw new LabSwitchError('invalidHeldDeviceState', `call ${heldId} is not held at ${line}`);
    if (active.state.get(line) !== 'connected') throw new LabSwitchError('invalidConnectionState', `call ${activeId} is not active at ${line}`);
    const parties = new Set([line, ...held.state.keys(), ...active.state.keys()]);
    const joined = this.newCall(
      line,
      held.to === line ? held.from : held.to,
      [...parties].map((p) => [p, 'connected'] as [string, LabPartyState]),
    );
    this.calls.delete(held.id);
    this.calls.delete(active.id);
    this.tell(
      joined,
      'ConferencedEvent',
      () =>
        connection('primaryOldCall', held.id, line) +
        connection('secondaryOldCall', active.id, line) +
        device('conferencingDevice', line) +
        device('addedParty', this.other(active, line)) +
        connectionList('conferenceConnections', joined) +
        '<cause>conference</cause>',
    );
    return joined;
  }

  /** Alternate: the active call goes on hold and the held one comes back. */
  alternate(activeId: string, heldId: string, line: string): void {
    if (this.connectionOf(heldId, line) !== 'hold') throw new LabSwitchError('invalidHeldDeviceState', `call ${heldId} is not held at ${line}`);
    this.hold(activeId, line);
    this.retrieve(heldId, line);
  }

  /** Reconnect: the active call ends and the held one comes back. */
  reconnect(activeId: string, heldId: string, line: string): void {
    if (this.connectionOf(heldId, line) !== 'hold') throw new LabSwitchError('NoHeldCall', `call ${heldId} is not held at ${line}`);
    this.clear(activeId, line);
    this.retrieve(heldId, line);
  }

  /** DTMF into a connected call. */
  generateDigits(callId: string, line: string, characters: string): void {
    if (this.connectionOf(callId, line) !== 'connected') throw new LabSwitchError('invalidConnectionState', `call ${callId} is not connected at ${line}`);
    if (!/^[0-9*#A-D]+$/i.test(characters)) throw new LabSwitchError('invalidParameterValue', `"${characters}" are not DTMF digits`);
    this.digits.set(callId, (this.digits.get(callId) ?? '') + characters);
  }

  setDoNotDisturb(line: string, on: boolean): void {
    if (on) this.dnd.add(line);
    else this.dnd.delete(line);
    const xml = event('DoNotDisturbEvent', `<monitorCrossRefID>${e(line)}</monitorCrossRefID>${device('device', line)}<doNotDisturbOn>${on}</doNotDisturbOn>`);
    this.emit(line, xml);
  }

  /** Forward all calls of `line` to `to`, or stop forwarding (undefined). */
  setForwarding(line: string, to: string | undefined): void {
    if (to !== undefined && (!/^\+?[0-9*#]+$/.test(to) || to === line))
      throw new LabSwitchError('invalidForwardingDestination', `cannot forward ${line} to "${to}"`);
    if (to) this.forwarding.set(line, to);
    else this.forwarding.delete(line);
    const xml = event(
      'ForwardingEvent',
      `<monitorCrossRefID>${e(line)}</monitorCrossRefID>${device('device', line)}<forwardingType>forwardImmediate</forwardingType>` +
        `<forwardStatus>${Boolean(to)}</forwardStatus>${to ? `<forwardTo>${e(to)}</forwardTo>` : ''}`,
    );
    this.emit(line, xml);
  }

  private require(callId: string): LabCall {
    const call = this.calls.get(callId);
    if (!call) throw new LabSwitchError('invalidConnectionIdentifier', `lab switch: no call ${callId}`);
    return call;
  }
}
