/**
 * The user's own phone through the CTI gateway: the CSTA link against the lab gateway (monitor,
 * calls, snapshot after a lost connection, refusals, a peer that is not CSTA), and the whole
 * session on the demo lab: a call placed through WebDialer makes the user "On the phone" for
 * their colleagues (real Kamailio), and hanging up ends it.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { PhoneState } from '../../shared/domain';
import { CtiLink } from '../../core/dial/cti-link';
import { DeskSession } from '../../core/desk-session';
import { TraceRecorder } from '../../core/diagnostics';
import { MemorySettingsStore } from '../../core/store/settings';
import { LabSwitch } from '../../lab/cti/switch';
import { startLabCtiGateway, type LabCtiGateway } from '../../lab/cti/gateway';
import { startLab, type Lab } from '../../lab';
import { closedPort, waitForEvent } from '../support/wait';
import { FAST_CTI, phoneState, startCtiLink } from '../support/cti-link';

describe('CTI link to the lab gateway', () => {
  let phoneSwitch: LabSwitch;
  let gateway: LabCtiGateway;
  const links: CtiLink[] = [];
  const open = (line: string, extra: Partial<ConstructorParameters<typeof CtiLink>[0]> = {}) => startCtiLink(gateway, links, line, extra);

  beforeAll(async () => {
    phoneSwitch = new LabSwitch(new Set(['1000', '1001', '1002']));
    gateway = await startLabCtiGateway(phoneSwitch);
  });
  afterAll(async () => {
    await Promise.all(links.map((l) => l.stop()));
    await gateway.close();
  });

  it('monitors the line and follows an outgoing call to an outside number, then an incoming one', async () => {
    const trace = new TraceRecorder();
    const link = open('1000', { trace });
    await phoneState(link, (s) => s.link === 'monitoring', 'monitoring');
    expect(gateway.monitoredLines()).toContain('1000');

    phoneSwitch.farEndAnswers = false;
    onTestFinished(() => {
      phoneSwitch.farEndAnswers = true;
    });
    const out = phoneSwitch.placeCall('1000', '914085550101');
    expect((await phoneState(link, (s) => s.calls[0]?.state === 'dialing' && s.calls[0].peer !== '', 'ringback')).calls[0]).toMatchObject({
      id: out.id,
      peer: '914085550101',
      direction: 'out',
    });
    phoneSwitch.answer(out.id);
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');
    phoneSwitch.hold(out.id, '1000');
    await phoneState(link, (s) => s.calls[0]?.state === 'held', 'held');
    phoneSwitch.retrieve(out.id, '1000');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking again');
    phoneSwitch.clear(out.id, '914085550101');
    await phoneState(link, (s) => s.calls.length === 0, 'idle');

    const incoming = phoneSwitch.ring('1000', '+14085550104');
    expect((await phoneState(link, (s) => s.calls[0]?.state === 'ringing', 'ringing')).calls[0]).toMatchObject({ direction: 'in', peer: '+14085550104' });
    phoneSwitch.answer(incoming.id);
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'answered');
    await link.clearCall();
    await phoneState(link, (s) => s.calls.length === 0, 'hung up through CTI');

    const summaries = trace.list({}).map((e) => `${e.direction} ${e.summary}`);
    expect(summaries).toEqual(
      expect.arrayContaining(['out MonitorStart', 'in MonitorStartResponse', 'out SnapshotDevice', 'in EstablishedEvent', 'out ClearConnection']),
    );
  });

  it('answers, holds, takes back and clears calls through the gateway; a second answered call holds the first', async () => {
    const link = open('1002');
    await phoneState(link, (s) => s.link === 'monitoring', 'monitoring');
    const first = phoneSwitch.ring('1002', '+14085550104');
    await phoneState(link, (s) => s.calls[0]?.state === 'ringing', 'ringing');
    await expect(link.control('hold', first.id)).rejects.toThrow(
      /refused HoldCall for line 1002: the call is not in a state that allows it \(stateIncompatibility: invalidConnectionState\)/,
    );
    await link.control('answer');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'answered through CTI');
    await link.control('hold', first.id);
    await phoneState(link, (s) => s.calls[0]?.state === 'held', 'held through CTI');
    await link.control('retrieve');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'taken back through CTI');

    const second = phoneSwitch.ring('1002', '+14085550106');
    await phoneState(link, (s) => s.calls.some((c) => c.id === second.id && c.state === 'ringing'), 'second call ringing');
    await link.control('answer', second.id);
    const both = await phoneState(link, (s) => s.calls.find((c) => c.id === second.id)?.state === 'talking', 'second call answered');
    expect(both.calls.find((c) => c.id === first.id)?.state).toBe('held');
    await link.control('clear', second.id);
    await link.control('clear', first.id);
    await phoneState(link, (s) => s.calls.length === 0, 'both cleared');
    await expect(link.control('retrieve')).rejects.toThrow('There is no call on your phone to take back.');
  });

  it('after the gateway drops the connection it says so, reconnects, and takes the call in progress from a snapshot', async () => {
    const link = open('1001');
    await phoneState(link, (s) => s.link === 'monitoring', 'monitoring');
    const call = phoneSwitch.placeCall('1001', '5550000');
    await phoneState(link, (s) => s.calls[0]?.state === 'talking', 'talking');

    const lost = phoneState(link, (s) => s.link === 'reconnecting', 'reconnecting');
    gateway.dropConnections();
    const down = await lost;
    expect(down.calls).toEqual([]); // not known while down: never claimed
    expect(down.error).toMatch(/Phone state unknown: The CTI gateway 127\.0\.0\.1:\d+ (closed|reset) the connection/);

    const back = await phoneState(link, (s) => s.link === 'monitoring', 'monitoring again');
    expect(back.calls).toMatchObject([{ id: call.id, state: 'talking' }]);
    expect(back.error).toBeUndefined();
    phoneSwitch.clear(call.id, '1001');
    await phoneState(link, (s) => s.calls.length === 0, 'idle');
  });

  it("reports the gateway's refusal of a line it does not know, and a busy gateway's, with the CSTA reason", async () => {
    const unknown = open('4242');
    expect((await phoneState(unknown, (s) => !!s.error, 'refusal')).error).toMatch(
      /refused MonitorStart for line 4242: the phone system does not know this line \(operation: invalidMonitorObject\)/,
    );
    await unknown.stop();

    gateway.refuseMonitor('systemResourceAvailability', 'resourceBusy', 1);
    const busy = open('1002');
    expect((await phoneState(busy, (s) => !!s.error, 'busy refusal')).error).toMatch(/systemResourceAvailability: resourceBusy/);
    // The next attempt is accepted: the link recovers by itself.
    await phoneState(busy, (s) => s.link === 'monitoring', 'monitoring after a refusal');
  });

  it('moves to the next gateway when the first cannot be reached', async () => {
    const link = open('1002', {
      gateways: [
        { host: '127.0.0.1', port: await closedPort() },
        { host: gateway.host, port: gateway.port },
      ],
    });
    const monitoring = await phoneState(link, (s) => s.link === 'monitoring', 'monitoring on the second gateway');
    expect(monitoring.gateway).toBe(`${gateway.host}:${gateway.port}`);
  });

  it('drops a peer that does not speak CSTA, naming it', async () => {
    const server = net.createServer((socket) => socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const link = open('1000', { gateways: [{ host: '127.0.0.1', port }] });
      expect((await phoneState(link, (s) => /not CSTA/.test(s.error ?? ''), 'not CSTA')).error).toContain(`Is 127.0.0.1:${port} a CTI gateway?`);
      await link.stop();
    } finally {
      server.close();
    }
  });
});

describe('own phone on the demo lab', () => {
  let lab: Lab;
  let dir: string;
  const log: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pd-desk-phone-'));
    lab = await startLab({ log: (l) => log.push(l) });
  });
  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a call from the app makes the user "On the phone" for colleagues, with the note kept; hanging up restores the status', async () => {
    const session = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings: new MemorySettingsStore(),
      historyDir: dir,
      log: (l) => log.push(l),
      ctiLink: FAST_CTI,
    });
    const phone = (predicate: (s: PhoneState) => boolean, what: string) =>
      predicate(session.snapshot().phone)
        ? Promise.resolve(session.snapshot().phone)
        : waitForEvent<PhoneState>((cb) => session.on('phone:state', cb), predicate, what);
    try {
      const monitoring = phone((s) => s.link === 'monitoring', 'monitoring');
      await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
      expect(await monitoring).toMatchObject({ line: '1000', calls: [] });
      await session.setOwnStatus({ availability: 'available', note: 'Reviewing specs' });
      const maria = lab.bots.get('maria')!;
      const alex = `sip:alex@${lab.domain}`;
      await maria.waitForPresence(alex, (p) => p.availability === 'available', 3000);

      const talking = phone((s) => s.calls[0]?.state === 'talking', 'talking');
      await session.handlers['dial:call']('+1 408 555 0101');
      expect((await talking).calls[0]).toMatchObject({ direction: 'out' });
      const onThePhone = await maria.waitForPresence(alex, (p) => p.availability === 'on-the-phone', 3000);
      expect(onThePhone.note).toBe('Reviewing specs');
      // The user's own choice is unchanged: only what watchers see follows the phone.
      expect(session.snapshot().own).toEqual({ availability: 'available', note: 'Reviewing specs' });

      const idle = phone((s) => s.calls.length === 0, 'idle');
      await session.handlers['dial:hang-up']();
      await idle;
      await maria.waitForPresence(alex, (p) => p.availability === 'available', 3000);

      // Do not disturb stays Do not disturb during a call.
      await session.setOwnStatus({ availability: 'dnd', note: '' });
      const ringing = phone((s) => s.calls[0]?.state === 'ringing', 'ringing');
      const call = lab.phoneSwitch.ring('1000', '+14085550104');
      await ringing;
      lab.phoneSwitch.answer(call.id);
      await phone((s) => s.calls[0]?.state === 'talking', 'answered');
      expect((await maria.waitForPresence(alex, (p) => p.availability === 'dnd', 3000)).availability).toBe('dnd');
      lab.phoneSwitch.clear(call.id, '1000');
      await phone((s) => s.calls.length === 0, 'idle again');
    } finally {
      await session.close();
    }
  });
});
