/**
 * Primary/backup presence servers on two real Kamailio instances: a dead primary at sign-in
 * puts the account on the backup; when the primary answers again the account moves back
 * (and the backup stops routing to it); a primary lost later fails over again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type IncomingMessage, type SipServer } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
const USERS = [
  { id: 'anna', password: 'a-secret' },
  { id: 'ben', password: 'b-secret' },
];
let primary: Kamailio;
let backup: Kamailio;
const accounts: SipAccount[] = [];
const server = (k: Kamailio, transport: SipServer['transport']): SipServer => ({ host: k.host, port: transport === 'udp' ? k.udpPort : k.tcpPort, transport });

function peerOn(k: Kamailio): SipAccount {
  const b = new SipAccount({ server: server(k, 'tcp'), domain: DOMAIN, user: 'ben', password: 'b-secret', requestTimeoutMs: 5000 });
  accounts.push(b);
  return b;
}

beforeAll(async () => {
  [primary, backup] = await Promise.all([startKamailio({ domain: DOMAIN, users: USERS }), startKamailio({ domain: DOMAIN, users: USERS })]);
});
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await Promise.all([primary?.stop(), backup?.stop()]);
});

describe('presence server failover', () => {
  let a: SipAccount;
  const logs: string[] = [];

  it('signs in on the backup when the primary is down', async () => {
    await primary.kill();
    a = new SipAccount({
      server: server(primary, 'udp'),
      backup: server(backup, 'tcp'),
      primaryProbeMs: 300,
      domain: DOMAIN,
      user: 'anna',
      password: 'a-secret',
      requestTimeoutMs: 5000,
      udp: { connectTimeoutMs: 2000 },
      log: (l) => logs.push(l),
    });
    accounts.push(a);
    await a.start();
    expect(a.state).toBe('registered');
    expect(a.server).toEqual(server(backup, 'tcp'));
    expect(logs.join('\n')).toContain(`now using the backup presence server TCP 127.0.0.1:${backup.tcpPort}`);
    const b = peerOn(backup);
    await b.start();
    const got = waitForEvent<IncomingMessage>(
      (cb) => a.on('message', cb),
      () => true,
      'IM via the backup',
    );
    await b.sendMessage(a.uri, 'via the backup');
    expect((await got).text).toBe('via the backup');
    await b.stop();
  });

  it('moves back to the primary when it answers, and the backup lets go of it', async () => {
    const back = waitForEvent<SipServer>(
      (cb) => a.on('server', cb),
      (s) => s.port === primary.udpPort,
      'move back to the primary',
      15_000,
    );
    await primary.restart();
    await back;
    expect(a.state).toBe('registered');
    expect(a.server.transport).toBe('udp');
    const onPrimary = peerOn(primary);
    await onPrimary.start();
    const got = waitForEvent<IncomingMessage>(
      (cb) => a.on('message', cb),
      () => true,
      'IM via the primary',
    );
    await onPrimary.sendMessage(a.uri, 'home again');
    expect((await got).text).toBe('home again');
    await onPrimary.stop();
    // The backup's binding was removed when the account left it.
    const onBackup = peerOn(backup);
    await onBackup.start();
    await expect
      .poll(
        () =>
          onBackup.sendMessage(a.uri, 'anyone?').then(
            () => 'delivered',
            (e: { status?: number }) => e.status,
          ),
        { timeout: 5000 },
      )
      .toBe(480);
    await onBackup.stop();
  }, 30_000);

  it('fails over to the backup again when the primary dies while in use', async () => {
    const states: string[] = [];
    a.on('state', (s) => states.push(s));
    const moved = waitForEvent<SipServer>(
      (cb) => a.on('server', cb),
      (s) => s.port === backup.tcpPort,
      'failover to the backup',
      20_000,
    );
    await primary.kill();
    await moved;
    expect(states).toContain('reconnecting');
    expect(a.state).toBe('registered');
  }, 30_000);
});
