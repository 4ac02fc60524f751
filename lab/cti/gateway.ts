/**
 * The lab CTI gateway: ECMA-323 over TCP in front of the lab switch. It answers MonitorStart,
 * MonitorStop and SnapshotDevice here, every service of the CUPS guide through `services.ts`
 * (those not `supported` get `CSTAErrorCode` serviceNotSupported), and reads the client's
 * SystemStatusResponse; an unknown line gets `invalidMonitorObject`. Monitored lines get their
 * events with invoke id 9999.
 */
import net from 'node:net';
import { EVENT_INVOKE_ID, LabCstaDeframer, cstaDocument as xml, cstaErrorCode as cstaError, cstaField, frameCsta, lineOf, readCsta } from './csta-codec';
import { element, textOf, xmlText as e, type LabXmlNode } from '../xml/lab-xml';
import type { LabSwitch } from './switch';
import { LAB_CSTA_SERVICES, serveCstaRequest } from './services';

export interface LabCtiGateway {
  host: string;
  port: number;
  /** Lines monitored now, by connection. */
  monitoredLines(): string[];
  /** Closes every client connection (the gateway keeps listening): clients must reconnect. */
  dropConnections(): void;
  /** Serve only these requests from now on (GetCSTAFeatures lists them); all when undefined. */
  setSupported(services: string[] | undefined): void;
  /** Refuse the next MonitorStart requests with this CSTA error (e.g. `systemResourceAvailability`). */
  refuseMonitor(category: string, value: string, times?: number): void;
  close(): Promise<void>;
}

export interface LabCtiGatewayOptions {
  log?: (line: string) => void;
  /** The requests served (every one of `LAB_CSTA_SERVICES` by default); others are refused. */
  supported?: string[];
}

export async function startLabCtiGateway(phoneSwitch: LabSwitch, options: LabCtiGatewayOptions = {}): Promise<LabCtiGateway> {
  const clients = new Map<net.Socket, Set<string>>();
  let refusal: { category: string; value: string; times: number } | undefined;

  let supported = new Set(options.supported ?? LAB_CSTA_SERVICES);
  const answer = (name: string, body: LabXmlNode, monitored: Set<string>): string => {
    if (!supported.has(name) && LAB_CSTA_SERVICES.includes(name)) return cstaError('operation', 'serviceNotSupported');
    switch (name) {
      case 'MonitorStart': {
        if (refusal && refusal.times-- > 0) return cstaError(refusal.category, refusal.value);
        const line = lineOf(cstaField(body, 'deviceObject'));
        if (!phoneSwitch.lines.has(line)) return cstaError('operation', 'invalidMonitorObject');
        monitored.add(line);
        options.log?.(`lab cti: monitoring ${line}`);
        return xml(
          'MonitorStartResponse',
          `<monitorCrossRefID>${e(line)}</monitorCrossRefID><actualMonitorMediaClass><voice>true</voice></actualMonitorMediaClass>`,
        );
      }
      case 'MonitorStop': {
        monitored.delete(textOf(element(body, 'monitorCrossRefID')).trim());
        return xml('MonitorStopResponse', '');
      }
      case 'SnapshotDevice': {
        const line = lineOf(cstaField(body, 'snapshotObject'));
        if (!phoneSwitch.lines.has(line)) return cstaError('operation', 'invalidDeviceID');
        const items = phoneSwitch
          .snapshot(line)
          .map(
            (c) =>
              `<snapshotDeviceResponseInfo><connectionIdentifier><callID>${e(c.callId)}</callID><deviceID>${e(line)}</deviceID></connectionIdentifier>` +
              `<localCallState><compoundCallState><localConnectionState>${c.state}</localConnectionState></compoundCallState></localCallState></snapshotDeviceResponseInfo>`,
          )
          .join('');
        return xml('SnapshotDeviceResponse', `<crossRefIDorSnapshotData><snapshotData>${items}</snapshotData></crossRefIDorSnapshotData>`);
      }
      default: {
        const { reply, after } = serveCstaRequest(name, body, { phoneSwitch, monitored, supported, ...(options.log ? { log: options.log } : {}) });
        if (after) queueMicrotask(after); // respond first, then the events: the order a switch uses
        return reply;
      }
    }
  };

  const server = net.createServer((socket) => {
    const monitored = new Set<string>();
    clients.set(socket, monitored);
    const reader = new LabCstaDeframer();
    const unsubscribe = phoneSwitch.onEvent((line, eventXml) => {
      if (monitored.has(line) && !socket.destroyed) socket.write(frameCsta(EVENT_INVOKE_ID, eventXml));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) {
          let reply: string;
          try {
            const message = readCsta(frame.xml);
            if (message.kind === 'response') continue; // SystemStatusResponse and the like
            reply = message.kind === 'request' ? answer(message.name, message.body, monitored) : cstaError('operation', 'serviceNotSupported');
          } catch {
            reply = cstaError('operation', 'invalidParameterValue');
          }
          socket.write(frameCsta(frame.invokeId, reply));
        }
      } catch {
        socket.destroy(); // not CSTA framing: nothing sensible can follow
      }
    });
    const forget = () => {
      unsubscribe();
      clients.delete(socket);
    };
    socket.on('close', forget);
    socket.on('error', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    monitoredLines: () => [...clients.values()].flatMap((s) => [...s]),
    dropConnections: () => {
      for (const socket of clients.keys()) socket.destroy();
    },
    setSupported: (services) => (supported = new Set(services ?? LAB_CSTA_SERVICES)),
    refuseMonitor: (category, value, times = 1) => (refusal = { category, value, times }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of clients.keys()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
