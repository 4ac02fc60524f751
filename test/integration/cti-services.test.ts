/**
 * Every CTI gateway service of the CUPS guide, from the client's CtiLink to the lab gateway and
 * its switch (each with its own codec): make call, deflect, consultation + transfer, single-step
 * transfer, conference, alternate, reconnect, generate digits, set/get forwarding, set/get do
 * not disturb, system status, and GetCSTAFeatures deciding what is offered (a gateway that does
 * not list a service: the request is refused in words before anything is sent).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CtiLink } from '../../core/dial/cti-link';
import { TraceRecorder } from '../../core/diagnostics';
import { LabSwitch } from '../../lab/cti/switch';
import { startLabCtiGateway, type LabCtiGateway } from '../../lab/cti/gateway';
import { phoneState, startCtiLink } from '../support/cti-link';

describe('CTI services against the lab gateway', () => {
  let phoneSwitch: LabSwitch;
  let gateway: LabCtiGateway;
  const links: CtiLink[] = [];
  const open = async (line: string, trace?: TraceRecorder) => {
    const link = startCtiLink(gateway, links, line, trace ? { trace } : {});
    await phoneState(link, (s) => s.link === 'monitoring', `monitoring ${line}`);
    return link;
  };

  beforeAll(async () => {
    phoneSwitch = new LabSwitch(new Set(['1000', '1001', '1002', '1003', '8000']));
    gateway = await startLabCtiGateway(phoneSwitch);
  });
  afterEach(async () => {
    await Promise.all(links.splice(0).map((l) => l.stop()));
    for (const call of [...phoneSwitch.calls.values()])
      for (const party of [...call.state.keys()]) if (phoneSwitch.calls.has(call.id)) phoneSwitch.clear(call.id, party);
    gateway.setSupported(undefined);
  });
  afterAll(() => gateway.close());

  it('reads the services, forwarding, do not disturb and system status when the monitor starts', async () => {
    phoneSwitch.setForwarding('1003', '5551234');
    phoneSwitch.setDoNotDisturb('1003', true);
    const link = await open('1003');
    expect(link.state).toMatchObject({ forwardTo: '5551234', phoneDnd: true, systemStatus: 'normal' });
    expect(link.state.services).toEqual(expect.arrayContaining(['makeCall', 'conferenceCall', 'generateDigits', 'setForwarding', 'getCSTAFeatures']));
    phoneSwitch.setForwarding('1003', undefined);
    phoneSwitch.setDoNotDisturb('1003', false);
  });

  it('places a call (MakeCall) and names it; the far end rings and answers', async () => {
    const trace = new TraceRecorder();
    const link = await open('1000', trace);
    const b = await open('1001');
    const { callId } = await link.request({ service: 'makeCall', number: '1001' });
    expect(callId).toBeTruthy();
    await phoneState(b, (s) => s.calls[0]?.state === 'ringing' && s.calls[0].peer === '1000', '1001 ringing');
    expect((await phoneState(link, (s) => s.calls.some((c) => c.id === callId && c.peer === '1001'), 'the call on 1000')).calls[0]).toMatchObject({
      id: callId,
      direction: 'out',
      peer: '1001',
    });
    await b.control('answer');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');
    expect(trace.list({}).map((e) => `${e.direction} ${e.summary}`)).toEqual(expect.arrayContaining(['out MakeCall', 'in MakeCallResponse']));
    await expect(link.request({ service: 'makeCall', number: 'call mom' })).rejects.toThrow('"call mom" is not a number the phone can dial');
  });

  it('deflects a ringing call to another number, and to voicemail', async () => {
    const link = await open('1000');
    const other = await open('1002');
    const call = phoneSwitch.ring('1000', '+14085550104');
    await phoneState(link, (s) => s.calls[0]?.state === 'ringing', 'ringing');
    await link.request({ service: 'deflectCall', callId: call.id, to: '1002' });
    await phoneState(link, (s) => s.calls.length === 0, 'gone from 1000');
    await phoneState(other, (s) => s.calls[0]?.state === 'ringing' && s.calls[0].peer === '+14085550104', 'ringing at 1002');
    expect(phoneSwitch.calls.get(call.id)?.state.get('1002')).toBe('alerting');

    await other.request({ service: 'deflectCall', callId: call.id, to: 'voicemail' });
    await phoneState(other, (s) => s.calls.length === 0, 'gone from 1002');
    expect(phoneSwitch.calls.get(call.id)?.state.get('8000')).toBe('alerting');
  });

  it('refuses to deflect a call in progress, in words, without asking the gateway', async () => {
    const link = await open('1000');
    const call = phoneSwitch.placeCall('1000', '5550000');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');
    await expect(link.request({ service: 'deflectCall', callId: call.id, to: '1002' })).rejects.toThrow(
      'That call is talking: only a ringing call can be sent elsewhere.',
    );
  });

  it('consults a colleague and transfers the caller to them: the call moves, the line is free', async () => {
    const link = await open('1000');
    const colleague = await open('1001');
    const caller = phoneSwitch.ring('1000', '+14085550104');
    phoneSwitch.answer(caller.id);
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking to the caller');
    const { callId: consult } = await link.request({ service: 'consultationCall', callId: caller.id, to: '1001' });
    expect(consult).toBeTruthy();
    await phoneState(
      link,
      (s) => s.calls.find((c) => c.id === caller.id)?.state === 'held' && s.calls.some((c) => c.id === consult),
      'caller held, colleague called',
    );
    await colleague.control('answer');
    await phoneState(link, (s) => s.calls.find((c) => c.id === consult)?.state === 'talking', 'consulting');
    const { callId: moved } = await link.request({ service: 'transferCall', heldCallId: caller.id, activeCallId: consult! });
    await phoneState(link, (s) => s.calls.length === 0, 'line free after the transfer');
    const after = await phoneState(colleague, (s) => s.calls.length === 1 && s.calls[0].id === moved, 'colleague has the caller');
    expect(after.calls[0].state).toBe('talking');
    expect([...phoneSwitch.calls.get(moved!)!.state.keys()].sort()).toEqual(['+14085550104', '1001']);
  });

  it('transfers a call in one step (single-step transfer): the target rings with the caller', async () => {
    const link = await open('1000');
    const target = await open('1002');
    const caller = phoneSwitch.ring('1000', '+14085550199');
    phoneSwitch.answer(caller.id);
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');
    const { callId } = await link.request({ service: 'singleStepTransferCall', callId: caller.id, to: '1002' });
    await phoneState(link, (s) => s.calls.length === 0, 'line free');
    await phoneState(target, (s) => s.calls[0]?.state === 'ringing' && s.calls[0].id === callId, 'target ringing');
    expect(phoneSwitch.calls.get(callId!)?.state.get('+14085550199')).toBe('connected');
  });

  it('conferences a held call and the active one: three parties in one call', async () => {
    const link = await open('1000');
    const first = phoneSwitch.placeCall('1000', '5550001');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'first call');
    await link.control('hold', first.id);
    const second = phoneSwitch.placeCall('1000', '5550002');
    await phoneState(link, (s) => s.calls.find((c) => c.id === second.id)?.state === 'talking', 'second call');
    const { callId } = await link.request({ service: 'conferenceCall', heldCallId: first.id, activeCallId: second.id });
    const joined = await phoneState(link, (s) => s.calls.length === 1 && s.calls[0].id === callId, 'one conference call');
    expect(joined.calls[0].state).toBe('talking');
    expect([...phoneSwitch.calls.get(callId!)!.state.keys()].sort()).toEqual(['1000', '5550001', '5550002']);
    // One party leaving keeps the other two together.
    phoneSwitch.clear(callId!, '5550001');
    await new Promise((resolve) => setImmediate(resolve));
    expect(phoneSwitch.calls.get(callId!)?.state.size).toBe(2);
  });

  it('alternates between a held and an active call, then reconnects to the held one', async () => {
    const link = await open('1000');
    const a = phoneSwitch.placeCall('1000', '5550011');
    const b = phoneSwitch.placeCall('1000', '5550012'); // holds a
    await phoneState(
      link,
      (s) => s.calls.find((c) => c.id === a.id)?.state === 'held' && s.calls.find((c) => c.id === b.id)?.state === 'talking',
      'a held, b talking',
    );
    await link.request({ service: 'alternateCall', activeCallId: b.id, heldCallId: a.id });
    await phoneState(link, (s) => s.calls.find((c) => c.id === a.id)?.state === 'talking' && s.calls.find((c) => c.id === b.id)?.state === 'held', 'swapped');
    await link.request({ service: 'reconnectCall', activeCallId: a.id, heldCallId: b.id });
    const back = await phoneState(link, (s) => s.calls.length === 1 && s.calls[0].id === b.id && s.calls[0].state === 'talking', 'a ended, b back');
    expect(back.calls).toHaveLength(1);
    await expect(link.request({ service: 'reconnectCall', activeCallId: b.id, heldCallId: a.id })).rejects.toThrow('That call has already ended.');
  });

  it('sends DTMF into a call in progress; refuses keys a phone does not have', async () => {
    const link = await open('1000');
    const call = phoneSwitch.placeCall('1000', '5550020');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');
    await link.request({ service: 'generateDigits', callId: call.id, digits: '12#' });
    await link.request({ service: 'generateDigits', callId: call.id, digits: '*9' });
    expect(phoneSwitch.digits.get(call.id)).toBe('12#*9');
    await expect(link.request({ service: 'generateDigits', callId: call.id, digits: '1x' })).rejects.toThrow('"1x" are not phone keys');
  });

  it('sets forwarding and do not disturb: the events show them, and the switch acts on them', async () => {
    const link = await open('1001');
    await link.request({ service: 'setForwarding', to: '+1 408 555 0101' });
    await phoneState(link, (s) => s.forwardTo === '+14085550101', 'forwarding shown');
    const forwarded = phoneSwitch.ring('1001', '5550030');
    expect(forwarded.to).toBe('+14085550101');
    await link.request({ service: 'setForwarding' });
    await phoneState(link, (s) => s.forwardTo === undefined, 'forwarding off');
    await expect(link.request({ service: 'setForwarding', to: '1001' })).rejects.toThrow(
      'calls cannot be forwarded to that number (operation: invalidForwardingDestination)',
    );

    await link.request({ service: 'setDoNotDisturb', on: true });
    await phoneState(link, (s) => s.phoneDnd === true, 'DND on');
    const refused = phoneSwitch.ring('1001', '5550031');
    expect(phoneSwitch.calls.has(refused.id)).toBe(false); // do not disturb: it never rang
    await link.request({ service: 'setDoNotDisturb', on: false });
    await phoneState(link, (s) => s.phoneDnd === false, 'DND off');
  });

  it('reads the system status again after a change (RequestSystemStatus)', async () => {
    phoneSwitch.systemStatus = 'partiallyDisabled';
    const link = await open('1002');
    expect(link.state.systemStatus).toBe('partiallyDisabled');
    phoneSwitch.systemStatus = 'normal';
  });

  it('offers only what GetCSTAFeatures lists: other services are refused in words before anything is sent', async () => {
    gateway.setSupported(['MonitorStart', 'MonitorStop', 'SnapshotDevice', 'GetCSTAFeatures', 'AnswerCall', 'ClearConnection', 'MakeCall']);
    const trace = new TraceRecorder();
    const link = await open('1000', trace);
    expect(link.state.services).toEqual(['makeCall', 'answerCall', 'clearConnection', 'getCSTAFeatures']);
    expect(link.state.forwardTo).toBeUndefined();
    const call = phoneSwitch.placeCall('1000', '5550040');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');
    await expect(link.request({ service: 'conferenceCall', heldCallId: call.id, activeCallId: call.id })).rejects.toThrow(
      'Your phone system does not offer conference (the CTI gateway does not list conferenceCall).',
    );
    await expect(link.control('hold', call.id)).rejects.toThrow('Your phone system does not offer hold (the CTI gateway does not list holdCall).');
    await expect(link.request({ service: 'setDoNotDisturb', on: true })).rejects.toThrow('does not offer do not disturb');
    const sent = trace
      .list({})
      .filter((e) => e.direction === 'out')
      .map((e) => e.summary);
    expect(sent).not.toContain('ConferenceCall');
    expect(sent).not.toContain('HoldCall');
    expect(sent).not.toContain('SetDoNotDisturb');
  });

  it("a gateway that refuses a service it listed is reported with the gateway's reason in words", async () => {
    const link = await open('1000');
    gateway.setSupported(['MonitorStart', 'MonitorStop', 'SnapshotDevice', 'GetCSTAFeatures']);
    await expect(link.request({ service: 'setDoNotDisturb', on: true })).rejects.toThrow(
      'The CTI gateway refused SetDoNotDisturb for line 1000: the phone system does not offer this service (operation: serviceNotSupported).',
    );
  });
});
