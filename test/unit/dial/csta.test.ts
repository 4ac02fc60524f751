/**
 * The CTI gateway's language: CSTA-over-TCP framing, ECMA-323 messages read and written, the
 * monitored line's calls kept from events, and which call-control server is which.
 */
import { describe, expect, it } from 'vitest';
import { CstaFrameError, CstaFrameReader, encodeCstaFrame } from '../../../core/dial/csta-frame';
import { CSTA_NS, monitorStartXml, parseCstaMessage, readSnapshot, type CstaCallEvent } from '../../../core/dial/csta-xml';
import { PhoneLine, deviceNumber, sameDevice } from '../../../core/dial/phone-line';
import { callControlServers } from '../../../core/dial/call-control';
import { XmlError } from '../../../core/xml/safe-xml';
import { isOnThePhone } from '../../../shared/domain';

const ev = (name: string, inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="${CSTA_NS}"><monitorCrossRefID>7</monitorCrossRefID>${inner}</${name}>`;
const conn = (tag: string, call: string, device: string) => `<${tag}><callID>${call}</callID><deviceID>${device}</deviceID></${tag}>`;
const dev = (tag: string, d: string) => `<${tag}><deviceIdentifier>${d}</deviceIdentifier></${tag}>`;

function callEvent(xml: string): CstaCallEvent {
  const message = parseCstaMessage(xml);
  if (message.type !== 'event' || message.event.kind !== 'call') throw new Error(`not a call event: ${xml}`);
  return message.event;
}

describe('CSTA framing', () => {
  it('round-trips messages cut at every byte boundary', () => {
    const bytes = Buffer.concat([encodeCstaFrame('0001', monitorStartXml('1000')), encodeCstaFrame('9999', ev('HeldEvent', 'é✓'))]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const reader = new CstaFrameReader();
      const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(frames.map((f) => f.invokeId)).toEqual(['0001', '9999']);
      expect(frames[1].xml).toContain('é✓');
    }
  });

  it('refuses what is not CSTA: another protocol, an impossible length, a bad invoke id', () => {
    expect(() => new CstaFrameReader().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(CstaFrameError);
    expect(() => new CstaFrameReader().push(Buffer.from([0, 0, 0, 4, 0x30, 0x30, 0x30, 0x31]))).toThrow(/impossible length/);
    expect(() => new CstaFrameReader().push(Buffer.from([0, 0, 0, 9, 0x41, 0x30, 0x30, 0x31, 0x3c]))).toThrow(/invoke id/);
    expect(() => encodeCstaFrame('1', '<x/>')).toThrow(/four digits/);
    expect(() => encodeCstaFrame('0001', 'x'.repeat(70_000))).toThrow(/64 KB/);
  });

  it('waits for the rest of a message announced longer than what arrived', () => {
    const reader = new CstaFrameReader();
    const frame = encodeCstaFrame('0002', '<MonitorStopResponse/>');
    expect(reader.push(frame.subarray(0, 10))).toEqual([]);
    expect(reader.push(frame.subarray(10))).toEqual([{ invokeId: '0002', xml: '<MonitorStopResponse/>' }]);
  });
});

describe('ECMA-323 messages', () => {
  it('reads each call event the guide lists, with the connection, parties and local state', () => {
    const delivered = callEvent(
      ev(
        'DeliveredEvent',
        conn('connection', 'C1', '1002') +
          dev('alertingDevice', 'N&lt;1002&gt;') +
          dev('callingDevice', '1000') +
          dev('calledDevice', 'tel:1002') +
          '<localConnectionInfo>connected</localConnectionInfo><cause>newCall</cause>',
      ),
    );
    expect(delivered).toMatchObject({
      name: 'DeliveredEvent',
      callId: 'C1',
      device: '1002',
      local: 'connected',
      calling: '1000',
      called: 'tel:1002',
      alerting: 'N<1002>',
      cause: 'newCall',
    });
    expect(
      callEvent(ev('HeldEvent', conn('heldConnection', 'C1', '1000') + dev('holdingDevice', '1000') + '<localConnectionInfo>hold</localConnectionInfo>')).local,
    ).toBe('held');
    for (const [name, tag] of [
      ['EstablishedEvent', 'establishedConnection'],
      ['ConnectionClearedEvent', 'droppedConnection'],
      ['RetrievedEvent', 'retrievedConnection'],
      ['DivertedEvent', 'connection'],
      ['FailedEvent', 'failedConnection'],
      ['OriginatedEvent', 'originatedConnection'],
      ['ServiceInitiatedEvent', 'initiatedConnection'],
    ]) {
      expect(callEvent(ev(name, conn(tag, 'C9', '1000'))).callId).toBe('C9');
    }
  });

  it('reads transferred and conferenced events as old calls replaced by a new one', () => {
    const transferred = callEvent(
      ev(
        'TransferredEvent',
        conn('primaryOldCall', 'A', '1000') +
          conn('secondaryOldCall', 'B', '1000') +
          dev('transferringDevice', '1003') +
          '<transferredConnections><connectionListItem><newConnection><callID>N</callID><deviceID>1000</deviceID></newConnection></connectionListItem></transferredConnections>',
      ),
    );
    expect(transferred).toMatchObject({ oldCallIds: ['A', 'B'], newCallId: 'N', subject: '1003' });
  });

  it('reads device events (do not disturb, forwarding), responses, errors and gateway requests', () => {
    expect(parseCstaMessage(ev('DoNotDisturbEvent', '<doNotDisturbOn>true</doNotDisturbOn>'))).toMatchObject({
      type: 'event',
      event: { kind: 'dnd', on: true },
    });
    expect(
      parseCstaMessage(
        ev('ForwardingEvent', '<forwardingType>forwardImmediate</forwardingType><forwardStatus>true</forwardStatus><forwardTo>2000</forwardTo>'),
      ),
    ).toMatchObject({ event: { kind: 'forwarding', on: true, to: '2000' } });
    expect(parseCstaMessage(`<CSTAErrorCode xmlns="${CSTA_NS}"><operation>invalidMonitorObject</operation></CSTAErrorCode>`)).toEqual({
      type: 'error',
      name: 'CSTAErrorCode',
      message: 'operation: invalidMonitorObject',
    });
    expect(parseCstaMessage(`<csta:SystemStatus xmlns:csta="${CSTA_NS}"><systemStatus>normal</systemStatus></csta:SystemStatus>`)).toMatchObject({
      type: 'request',
      name: 'SystemStatus',
    });
    expect(parseCstaMessage(ev('CallInformationEvent', '<x/>'))).toMatchObject({ type: 'event', event: { kind: 'other', name: 'CallInformationEvent' } });
  });

  it('reads a SnapshotDeviceResponse as the calls and this device state in each', () => {
    const message = parseCstaMessage(
      `<SnapshotDeviceResponse xmlns="${CSTA_NS}"><crossRefIDorSnapshotData><snapshotData>` +
        ['connected', 'hold', 'bogus']
          .map(
            (s, i) =>
              `<snapshotDeviceResponseInfo><connectionIdentifier><callID>K${i}</callID><deviceID>1000</deviceID></connectionIdentifier><localCallState><compoundCallState><localConnectionState>${s}</localConnectionState></compoundCallState></localCallState></snapshotDeviceResponseInfo>`,
          )
          .join('') +
        `</snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>`,
    );
    if (message.type !== 'response') throw new Error('expected a response');
    expect(readSnapshot(message.body)).toEqual([
      { callId: 'K0', local: 'connected' },
      { callId: 'K1', local: 'held' },
    ]);
  });

  it('refuses entity declarations and unreadable XML with a reason', () => {
    expect(() => parseCstaMessage('<!DOCTYPE x [<!ENTITY a "aaaa">]><HeldEvent>&a;</HeldEvent>')).toThrow(XmlError);
    expect(() => parseCstaMessage('not xml at all')).toThrow(/not XML/);
  });
});

describe('the monitored line', () => {
  const at = { t: 1000 };
  const line = () => new PhoneLine('1000', () => at.t);

  it('compares device ids in their usual forms', () => {
    expect(deviceNumber('N<1000>')).toBe('1000');
    expect(sameDevice('sip:1000@cucm.example.com;user=phone', '1000')).toBe(true);
    expect(sameDevice('tel:1000', '1001')).toBe(false);
  });

  it('follows an outgoing call: dialing while it rings at the far end, talking once answered, gone when cleared', () => {
    const l = line();
    l.apply(callEvent(ev('ServiceInitiatedEvent', conn('initiatedConnection', 'C1', '1000'))));
    expect(l.list()).toMatchObject([{ id: 'C1', state: 'dialing', direction: 'out' }]);
    l.apply(
      callEvent(
        ev(
          'DeliveredEvent',
          conn('connection', 'C1', '5550101') + dev('alertingDevice', '5550101') + dev('callingDevice', '1000') + dev('calledDevice', '5550101'),
        ),
      ),
    );
    expect(l.list()).toMatchObject([{ state: 'dialing', peer: '5550101' }]);
    at.t = 2000;
    l.apply(
      callEvent(
        ev(
          'EstablishedEvent',
          conn('establishedConnection', 'C1', '5550101') + dev('answeringDevice', '5550101') + dev('callingDevice', '1000') + dev('calledDevice', '5550101'),
        ),
      ),
    );
    expect(l.list()).toEqual([{ id: 'C1', state: 'talking', peer: '5550101', direction: 'out', since: 2000 }]);
    l.apply(callEvent(ev('ConnectionClearedEvent', conn('droppedConnection', 'C1', '5550101') + dev('releasingDevice', '5550101'))));
    expect(l.list()).toEqual([]);
  });

  it('follows an incoming call: ringing, then talking; held by us is held, held by them is still talking', () => {
    const l = line();
    l.apply(
      callEvent(
        ev(
          'DeliveredEvent',
          conn('connection', 'C2', '1000') + dev('alertingDevice', '1000') + dev('callingDevice', 'sip:maria@lab.test') + dev('calledDevice', '1000'),
        ),
      ),
    );
    expect(l.list()).toMatchObject([{ state: 'ringing', direction: 'in', peer: 'maria@lab.test' }]);
    expect(isOnThePhone({ link: 'monitoring', calls: l.list() })).toBe(false);
    l.apply(callEvent(ev('EstablishedEvent', conn('establishedConnection', 'C2', '1000') + dev('answeringDevice', '1000'))));
    expect(l.list()).toMatchObject([{ state: 'talking', direction: 'in', peer: 'maria@lab.test' }]);
    expect(isOnThePhone({ link: 'monitoring', calls: l.list() })).toBe(true);
    l.apply(callEvent(ev('HeldEvent', conn('heldConnection', 'C2', 'sip:maria@lab.test') + dev('holdingDevice', 'sip:maria@lab.test'))));
    expect(l.list()[0].state).toBe('talking');
    l.apply(callEvent(ev('HeldEvent', conn('heldConnection', 'C2', '1000') + dev('holdingDevice', '1000'))));
    expect(l.list()[0].state).toBe('held');
    l.apply(callEvent(ev('RetrievedEvent', conn('retrievedConnection', 'C2', '1000') + dev('retrievingDevice', '1000'))));
    expect(l.list()[0].state).toBe('talking');
  });

  it('trusts localConnectionInfo over its own inference, and a diverted or failed call leaves the line', () => {
    const l = line();
    l.apply(callEvent(ev('DeliveredEvent', conn('connection', 'C3', '1000') + dev('alertingDevice', '1000'))));
    l.apply(callEvent(ev('DivertedEvent', conn('connection', 'C3', '1000') + dev('divertingDevice', '1000'))));
    expect(l.list()).toEqual([]);
    l.apply(callEvent(ev('EstablishedEvent', conn('establishedConnection', 'C4', '1000') + '<localConnectionInfo>hold</localConnectionInfo>')));
    expect(l.list()[0].state).toBe('held');
    l.apply(callEvent(ev('FailedEvent', conn('failedConnection', 'C4', '1000'))));
    expect(l.list()).toEqual([]);
  });

  it('a transfer by us ends both calls; a conference keeps one call under its new id', () => {
    const l = line();
    l.apply(callEvent(ev('EstablishedEvent', conn('establishedConnection', 'A', '1000') + dev('callingDevice', '1002') + dev('calledDevice', '1000'))));
    l.apply(callEvent(ev('EstablishedEvent', conn('establishedConnection', 'B', '1003') + dev('callingDevice', '1000') + dev('calledDevice', '1003'))));
    expect(l.list()).toHaveLength(2);
    l.apply(
      callEvent(
        ev(
          'ConferencedEvent',
          conn('primaryOldCall', 'A', '1000') +
            conn('secondaryOldCall', 'B', '1000') +
            '<conferenceConnections><connectionListItem><newConnection><callID>M</callID><deviceID>1000</deviceID></newConnection></connectionListItem></conferenceConnections>',
        ),
      ),
    );
    expect(l.list()).toMatchObject([{ id: 'M', state: 'talking', peer: '1002' }]);
    l.apply(callEvent(ev('TransferredEvent', conn('primaryOldCall', 'M', '1000') + dev('transferringDevice', '1000'))));
    expect(l.list()).toEqual([]);
  });

  it('a snapshot replaces the calls but keeps what events said of the calls still there', () => {
    const l = line();
    l.apply(callEvent(ev('EstablishedEvent', conn('establishedConnection', 'X', '1000') + dev('callingDevice', '1000') + dev('calledDevice', '1005'))));
    l.apply(callEvent(ev('EstablishedEvent', conn('establishedConnection', 'Y', '1000') + dev('callingDevice', '1000') + dev('calledDevice', '1006'))));
    l.applySnapshot([
      { callId: 'X', local: 'connected' },
      { callId: 'Z', local: 'alerting' },
    ]);
    expect(l.list()).toMatchObject([
      { id: 'X', state: 'talking', peer: '1005' },
      { id: 'Z', state: 'ringing', direction: 'in', peer: '' },
    ]);
  });
});

describe('call-control servers', () => {
  const props = (entries: Record<string, string>) => ({ properties: entries });

  it('tells WebDialer (HTTP/HTTPS) from the CTI gateway (TCP/TLS) by protocol', () => {
    expect(
      callControlServers(
        props({
          'CallControl.Primary.Address': 'cucm',
          'CallControl.Primary.Port': '8443',
          'CallControl.Primary.Protocol': 'HTTPS',
          'CallControl.Backup1.Address': 'ctigw',
          'CallControl.Backup1.Port': '2748',
          'CallControl.Backup1.Protocol': 'TCP',
          'CallControl.Backup2.Address': 'ctigw2',
          'CallControl.Backup2.Protocol': 'TLS',
        }),
      ),
    ).toEqual({
      webDialer: 'https://cucm:8443',
      cti: [
        { host: 'ctigw', port: 2748 },
        { host: 'ctigw2', port: 2748, tls: true },
      ],
    });
  });

  it("reads the guide's example (CUCM on 2748/TCP) as a CTI gateway with WebDialer on CUCM's HTTPS port", () => {
    expect(
      callControlServers(props({ 'CallControl.Primary.Address': 'rtp-epasccm2', 'CallControl.Primary.Port': '2748', 'CallControl.Primary.Protocol': 'TCP' })),
    ).toEqual({
      webDialer: 'https://rtp-epasccm2:8443',
      cti: [{ host: 'rtp-epasccm2', port: 2748 }],
    });
  });

  it('keeps a server with no protocol as WebDialer over HTTPS, and names nothing when there is none', () => {
    expect(callControlServers(props({ 'CallControl.Primary.Address': 'cucm' }))).toEqual({ webDialer: 'https://cucm', cti: [] });
    expect(callControlServers(props({ 'CallControl.Primary.Address': '' }))).toEqual({ cti: [] });
  });
});
