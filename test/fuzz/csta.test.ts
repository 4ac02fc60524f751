/**
 * Fuzz: what a CTI gateway sends. Mutated ECMA-323 messages are read or refused with an
 * XmlError, and applying what is read never breaks the line's calls. A hostile gateway that
 * answers MonitorStart and then sends thousands of mutated events, then broken framing, costs
 * the link only those messages and one reconnection.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { PhoneState } from '../../shared/domain';
import { CSTA_EVENT_INVOKE_ID, CstaFrameReader, encodeCstaFrame } from '../../core/dial/csta-frame';
import { CSTA_NS, parseCstaMessage } from '../../core/dial/csta-xml';
import { CtiLink } from '../../core/dial/cti-link';
import { PhoneLine } from '../../core/dial/phone-line';
import { XmlError } from '../../core/xml/safe-xml';
import { LabSwitch } from '../../lab/cti/switch';
import { mutate, seededRandom } from '../support/mutate';
import { waitForEvent } from '../support/wait';

const STATES = new Set(['dialing', 'ringing', 'talking', 'held']);

/** Every event the lab switch sends for a day's worth of calls on line 1000. */
function corpus(): string[] {
  const phoneSwitch = new LabSwitch(new Set(['1000', '1001']));
  const events: string[] = [];
  phoneSwitch.onEvent((line, xml) => line === '1000' && events.push(xml));
  phoneSwitch.farEndAnswers = false;
  const out = phoneSwitch.placeCall('1000', '914085550101');
  phoneSwitch.answer(out.id);
  phoneSwitch.hold(out.id, '1000');
  phoneSwitch.retrieve(out.id, '1000');
  phoneSwitch.clear(out.id, '1000');
  const internal = phoneSwitch.placeCall('1001', '1000');
  phoneSwitch.answer(internal.id);
  phoneSwitch.clear(internal.id, '1001');
  phoneSwitch.setDoNotDisturb('1000', true);
  events.push(
    `<SnapshotDeviceResponse xmlns="${CSTA_NS}"><crossRefIDorSnapshotData><snapshotData><snapshotDeviceResponseInfo><connectionIdentifier><callID>4</callID><deviceID>1000</deviceID></connectionIdentifier><localCallState><compoundCallState><localConnectionState>connected</localConnectionState></compoundCallState></localCallState></snapshotDeviceResponseInfo></snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>`,
    `<CSTAErrorCode xmlns="${CSTA_NS}"><operation>invalidConnectionID</operation></CSTAErrorCode>`,
  );
  return events;
}

describe('fuzz: CTI gateway messages', () => {
  it('10,000 mutated CSTA messages: read or refused with an XmlError; the line stays consistent', () => {
    const events = corpus();
    const random = seededRandom(0xc57a);
    const line = new PhoneLine('1000');
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      const input = mutate(events[i % events.length], random);
      let message;
      try {
        message = parseCstaMessage(input);
        read += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(XmlError);
        expect((error as Error).message).toMatch(/CSTA message/);
        refused += 1;
        continue;
      }
      if (message.type === 'event' && message.event.kind === 'call') line.apply(message.event);
      for (const call of line.list()) {
        expect(STATES.has(call.state)).toBe(true);
        expect(typeof call.peer).toBe('string');
      }
      if (line.list().length > 50) line.clear(); // mutated call ids pile up; keep the check cheap
    }
    expect(read).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(100);
  });

  it('a hostile gateway: 2,000 mutated events then broken framing cost one reconnection, and the link works after', async () => {
    const events = corpus();
    const random = seededRandom(0xfeed);
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      const first = connections === 1;
      const reader = new CstaFrameReader();
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        for (const frame of reader.push(chunk)) {
          const name = /<(\w+)[\s>]/.exec(frame.xml.replace(/<\?[^>]*\?>/, ''))?.[1];
          const reply =
            name === 'MonitorStart'
              ? `<MonitorStartResponse xmlns="${CSTA_NS}"><monitorCrossRefID>1</monitorCrossRefID></MonitorStartResponse>`
              : `<SnapshotDeviceResponse xmlns="${CSTA_NS}"><crossRefIDorSnapshotData><snapshotData/></crossRefIDorSnapshotData></SnapshotDeviceResponse>`;
          socket.write(encodeCstaFrame(frame.invokeId, reply));
          if (name !== 'SnapshotDevice' || !first) continue;
          // Monitoring: now the flood, then a header that is not CSTA.
          const flood: Buffer[] = [];
          for (let i = 0; i < 2000; i++) {
            const xml = mutate(events[i % events.length], random);
            if (Buffer.byteLength(xml) < 60_000) flood.push(encodeCstaFrame(CSTA_EVENT_INVOKE_ID, xml));
          }
          flood.push(Buffer.from('\u0001\u0002garbage that is not a CSTA header'));
          socket.write(Buffer.concat(flood));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const log: string[] = [];
    const link = new CtiLink({ gateways: [{ host: '127.0.0.1', port }], line: '1000', retryFirstMs: 20, retryMaxMs: 50, log: (l) => log.push(l) });
    const seen: PhoneState[] = [];
    link.on('state', (s) => seen.push(s));
    try {
      const lost = waitForEvent<PhoneState>(
        (cb) => link.on('state', cb),
        (s) => /not CSTA/.test(s.error ?? ''),
        'the broken framing',
        15_000,
      );
      link.start();
      await lost;
      await waitForEvent<PhoneState>(
        (cb) => link.on('state', cb),
        (s) => s.link === 'monitoring',
        'monitoring again',
        15_000,
      );
      expect(connections).toBe(2);
      for (const state of seen) for (const call of state.calls) expect(STATES.has(call.state)).toBe(true);
      expect(log.some((l) => /cti: message 9999 refused: The CSTA message/.test(l))).toBe(true);
    } finally {
      await link.stop();
      server.close();
    }
  });
});
