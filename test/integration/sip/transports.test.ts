/**
 * The SIP transports on a real Kamailio: TLS with the lab's per-run certificate (and the
 * clear errors when it is not trusted), UDP un-registration on sign-out, 423 Interval Too
 * Brief and the refresh before expiry, and a UDP server that dies and comes back.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type IncomingMessage, type SipAccountOptions } from '../../../core/sip';
import type { TraceRecord } from '../../../core/trace';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
const USERS = [
  { id: 'anna', password: 'a-secret' },
  { id: 'ben', password: 'b-secret' },
  { id: 'cleo', password: 'c-secret' },
];
let kamailio: Kamailio;
const started: SipAccount[] = [];

function account(user: string, server: SipAccountOptions['server'], extra: Partial<SipAccountOptions> = {}): SipAccount {
  const a = new SipAccount({ server, domain: DOMAIN, user, password: USERS.find((u) => u.id === user)!.password, requestTimeoutMs: 5000, ...extra });
  started.push(a);
  return a;
}
const udp = () => ({ host: '127.0.0.1', port: kamailio.udpPort, transport: 'udp' as const });
const tls = () => ({ host: '127.0.0.1', port: kamailio.tlsPort, transport: 'tls' as const });
const tcp = () => ({ host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' as const });
const message = (to: SipAccount, what: string, ms = 5000) =>
  waitForEvent<IncomingMessage>(
    (cb) => to.on('message', cb),
    () => true,
    what,
    ms,
  );

beforeAll(async () => {
  kamailio = await startKamailio({ domain: DOMAIN, users: USERS });
});
afterAll(async () => {
  await Promise.all(started.map((a) => a.stop()));
  await kamailio?.stop();
});

describe('SIP over TLS', () => {
  it('registers and exchanges IMs when the server certificate is trusted', async () => {
    const a = account('anna', tls(), { tls: { ca: kamailio.tlsCertificate } });
    const b = account('ben', tls(), { tls: { ca: kamailio.tlsCertificate } });
    await Promise.all([a.start(), b.start()]);
    const got = message(b, 'IM over TLS');
    await a.sendMessage(b.uri, 'sealed 🔒');
    expect((await got).text).toBe('sealed 🔒');
    const back = message(a, 'reply over TLS');
    await b.sendMessage(a.uri, 'received');
    expect((await back).from).toBe(b.uri);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('an untrusted (self-signed) certificate is a tls error naming host, port and reason', async () => {
    const a = account('anna', tls());
    const error = await a.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'tls' });
    expect((error as Error).message).toContain(`127.0.0.1:${kamailio.tlsPort}`);
    expect((error as Error).message).toMatch(/self-signed and not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(a.state).toBe('failed');
  });

  it('a pinned fingerprint must match the server certificate', async () => {
    const right = new X509Certificate(kamailio.tlsCertificate).fingerprint256;
    const pinned = account('cleo', tls(), { tls: { ca: kamailio.tlsCertificate, pinnedSha256: right } });
    await pinned.start();
    expect(pinned.state).toBe('registered');
    await pinned.stop();
    const wrong = account('cleo', tls(), { tls: { ca: kamailio.tlsCertificate, pinnedSha256: 'AB'.repeat(32) } });
    await expect(wrong.start()).rejects.toMatchObject({ code: 'tls', message: expect.stringContaining('not the pinned one') });
  });

  it('a port that never completes the TLS handshake is a timeout naming host and port, not a hang', async () => {
    // The plain TCP port takes the connection but answers no ClientHello.
    const a = account('anna', { ...tcp(), transport: 'tls' }, { tls: { ca: kamailio.tlsCertificate }, requestTimeoutMs: 1500 });
    await expect(a.start()).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining(`127.0.0.1:${kamailio.tcpPort} over TLS (no TLS handshake within 1.5 s)`),
    });
    expect(a.state).toBe('failed');
  });

  it('a trusted certificate that is not PEM is a clear configuration error', async () => {
    const a = account('anna', tls(), { tls: { ca: 'not a certificate' } });
    await expect(a.start()).rejects.toMatchObject({ code: 'tls', message: expect.stringContaining('not a readable PEM certificate') });
  });
});

describe('registration over UDP', () => {
  it('unregisters on sign-out: afterwards the server no longer routes to the user', async () => {
    const a = account('anna', udp());
    const b = account('ben', tcp());
    await Promise.all([a.start(), b.start()]);
    const got = message(a, 'IM to the UDP account');
    await b.sendMessage(a.uri, 'still there?');
    expect((await got).text).toBe('still there?');
    await a.stop();
    expect(a.state).toBe('unregistered');
    // 480 from the registrar, not a UDP timeout towards a stale binding.
    await expect(b.sendMessage(a.uri, 'gone?')).rejects.toMatchObject({ code: 'sip', status: 480 });
    await b.stop();
  });

  it('answers 423 Interval Too Brief with the Min-Expires and refreshes before expiry', async () => {
    const lines: string[] = [];
    const trace: TraceRecord[] = [];
    const traceEvents = new Set<(r: TraceRecord) => void>();
    const a = account('cleo', udp(), {
      registerExpires: 10, // the lab registrar's minimum is 30 s
      log: (l) => lines.push(l),
      trace: {
        record: (r) => {
          trace.push(r);
          for (const cb of traceEvents) cb(r);
        },
      },
    });
    await a.start();
    expect(a.state).toBe('registered');
    expect(lines.join('\n')).toContain('423, Min-Expires 30');
    const granted = trace.filter((r) => r.direction === 'in' && /^SIP\/2\.0 200/.test(r.raw) && /^CSeq: \d+ REGISTER/m.test(r.raw));
    expect(granted).toHaveLength(1);
    expect(granted[0]!.raw).toMatch(/;expires=30/);
    // The refresh comes before the 30 s binding runs out (sip.js timer at 80%).
    const refreshed = waitForEvent<TraceRecord>(
      (cb) => {
        traceEvents.add(cb);
        return () => traceEvents.delete(cb);
      },
      (r) => r.direction === 'in' && /^SIP\/2\.0 200/.test(r.raw) && /^CSeq: \d+ REGISTER/m.test(r.raw),
      'the refresh REGISTER answered',
      40_000,
    );
    await refreshed;
    expect(a.state).toBe('registered');
    const b = account('ben', tcp());
    await b.start();
    const got = message(a, 'IM after the refresh');
    await b.sendMessage(a.uri, 'after the refresh');
    expect((await got).text).toBe('after the refresh');
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  it('notices a UDP server that stops answering (no ICMP) through the keep-alive, and recovers', async () => {
    const a = account('cleo', udp());
    await a.start();
    const lost = waitForEvent<string>(
      (cb) => a.on('state', cb),
      (s) => s === 'reconnecting',
      'reconnecting within 5 s of the server hanging',
      5000,
    );
    const back = waitForEvent<string>(
      (cb) => a.on('state', cb),
      (s) => s === 'registered',
      're-registration after the server resumed',
      20_000,
    );
    kamailio.pause();
    try {
      await lost;
    } finally {
      kamailio.resume();
    }
    await back;
    expect(a.state).toBe('registered');
    await a.stop();
  }, 30_000);

  const streams: [string, () => SipAccountOptions['server'], () => Partial<SipAccountOptions>][] = [
    ['TCP', tcp, () => ({})],
    ['TLS', tls, () => ({ tls: { ca: kamailio.tlsCertificate } })],
  ];
  for (const [name, server, extra] of streams) {
    it(`notices a ${name} server that hangs (SIGSTOP: connection open, silent) through the keep-alive, and recovers`, async () => {
      const a = account('cleo', server(), extra());
      await a.start();
      const lost = waitForEvent<string>(
        (cb) => a.on('state', cb),
        (s) => s === 'reconnecting',
        `reconnecting within 5 s of the ${name} server hanging`,
        5000,
      );
      const back = waitForEvent<string>(
        (cb) => a.on('state', cb),
        (s) => s === 'registered',
        're-registration after the server resumed',
        20_000,
      );
      kamailio.pause();
      try {
        await lost;
      } finally {
        kamailio.resume();
      }
      await back;
      expect(a.state).toBe('registered');
      await a.stop();
    }, 30_000);
  }

  it('says reconnecting when the UDP server dies and registers again by itself when it returns', async () => {
    const a = account('anna', udp());
    await a.start();
    const states: string[] = [];
    a.on('state', (s) => states.push(s));
    const lost = waitForEvent<string>(
      (cb) => a.on('state', cb),
      (s) => s === 'reconnecting',
      'reconnecting within 5 s',
      5000,
    );
    const back = waitForEvent<string>(
      (cb) => a.on('state', cb),
      (s) => s === 'registered',
      're-registration',
      20_000,
    );
    await kamailio.kill();
    await lost;
    await kamailio.restart();
    await back;
    expect(states[0]).toBe('reconnecting');
    expect(states.at(-1)).toBe('registered');
    const b = account('ben', tcp());
    await b.start();
    const got = message(a, 'IM after the restart');
    await b.sendMessage(a.uri, 'welcome back');
    expect((await got).text).toBe('welcome back');
  }, 40_000);
});
