/**
 * Challenges answered in advance, on the real lab Kamailio (which challenges every
 * out-of-dialog SUBSCRIBE, PUBLISH and MESSAGE with 407, qop=auth, nonce_count on): after the
 * first 407 of a sign-in, new requests carry Proxy-Authorization from the start and are
 * accepted without a 407 — counted in the protocol trace. A replayed answer (same nonce, same
 * nc) is refused, and a user agent that never answers in advance is unaffected.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type IncomingMessage } from '../../../core/sip';
import { SipStreamFramer } from '../../../core/sip/transport/tcp-transport';
import { digestAuthorization } from '../../../core/sip/message/digest';
import type { TraceRecord } from '../../../core/trace';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { BulkPublisher } from '../../../lab/publisher';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'auth.lab.test';
const N = 40;
const buddies = Array.from({ length: N }, (_, i) => ({ id: `buddy${i}`, password: `pw-${i}` }));

let kamailio: Kamailio;
let publisher: BulkPublisher;
let alex: SipAccount;
let ben: SipAccount;
const trace: TraceRecord[] = [];

const firstLine = (raw: string) => raw.slice(0, raw.indexOf('\r\n'));
const cseqMethod = (raw: string) => /^CSeq:\s*\d+\s+(\w+)/im.exec(raw)?.[1];
const challenged = (method: string) => trace.filter((r) => r.direction === 'in' && firstLine(r.raw).startsWith('SIP/2.0 407') && cseqMethod(r.raw) === method);
const sent = (method: string) => trace.filter((r) => r.direction === 'out' && firstLine(r.raw).startsWith(`${method} `));

beforeAll(async () => {
  kamailio = await startKamailio({ domain: DOMAIN, users: [{ id: 'alex', password: 'alex-pw' }, { id: 'ben', password: 'ben-pw' }, ...buddies] });
  publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, DOMAIN);
  await publisher.connect();
  await publisher.publish(buddies.map((user, i) => ({ user, status: { availability: 'available', note: `note ${i}` } })));
  const account = (user: string, password: string, sink?: TraceRecord[]) =>
    new SipAccount({
      server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
      domain: DOMAIN,
      user,
      password,
      requestTimeoutMs: 5000,
      trace: sink && { record: (r) => sink.push(r) },
    });
  alex = account('alex', 'alex-pw', trace);
  ben = account('ben', 'ben-pw');
  await Promise.all([alex.start(), ben.start()]);
});
afterAll(async () => {
  await Promise.all([alex?.stop(), ben?.stop()]);
  await publisher?.close();
  await kamailio?.stop();
});

describe('challenges answered in advance (real Kamailio)', () => {
  it('subscribes to 40 contacts with one 407 in all: every SUBSCRIBE after the first is accepted at once', async () => {
    const known = new Set<string>();
    const all = waitForEvent<string>(
      (cb) => alex.on('presence', (uri, p) => p.availability !== 'unknown' && (known.add(uri), cb(uri))),
      () => known.size === N,
      `presence of all ${N} contacts`,
      15_000,
    );
    for (const b of buddies) alex.watch(`sip:${b.id}@${DOMAIN}`);
    await all;

    expect(challenged('SUBSCRIBE')).toHaveLength(1);
    const subscribes = sent('SUBSCRIBE');
    // The first SUBSCRIBE, its answer to the 407, and one for each of the other contacts.
    expect(subscribes).toHaveLength(N + 1);
    const answered = subscribes.filter((r) => /^Proxy-Authorization:/im.test(r.raw));
    expect(answered).toHaveLength(N);
    const pairs = answered.map((r) => {
      const header = /^Proxy-Authorization:(.*)$/im.exec(r.raw)![1];
      return `${/nonce="([^"]+)"/.exec(header)![1]} ${/nc=([0-9a-f]{8})/.exec(header)![1]}`;
    });
    expect(new Set(pairs).size).toBe(N); // no nonce/nc pair sent twice
    expect(new Set(pairs.map((p) => p.split(' ')[0])).size).toBe(1); // one nonce for all
    for (const r of trace) expect(r.raw).not.toContain('alex-pw');
  });

  it('publishes and sends an IM without a 407 either', async () => {
    await alex.setPresence({ availability: 'busy', note: 'in a meeting' });
    const got = waitForEvent<IncomingMessage>(
      (cb) => ben.on('message', cb),
      () => true,
      'the IM at ben',
      5000,
    );
    await alex.sendMessage(ben.uri, 'pre-answered');
    expect((await got).text).toBe('pre-answered');
    expect(sent('PUBLISH').every((r) => /^Proxy-Authorization:.*nc=/im.test(r.raw))).toBe(true);
    expect(challenged('PUBLISH')).toHaveLength(0);
    expect(challenged('MESSAGE')).toHaveLength(0);
  });

  it('refuses a replayed answer (same nonce and nc in a new request), accepts the same nonce with an unused nc', async () => {
    const original = sent('SUBSCRIBE').find((r) => /^Proxy-Authorization:/im.test(r.raw))!.raw;
    const nonce = /nonce="([^"]+)"/.exec(original)![1];
    // New requests (new branch, Call-ID and tag: not retransmissions) from another connection.
    const request = (n: number, authorization: string) =>
      original
        .replace(/branch=[^;\r\n]+/, `branch=z9hG4bKreplay${n}`)
        .replace(/^Call-ID:.*$/im, `Call-ID: replay-${n}@test`)
        .replace(/^(From:.*;tag=)[^;\r\n]+/im, `$1replay${n}`)
        .replace(/^Proxy-Authorization:.*$/im, `Proxy-Authorization: ${authorization}`);
    const exchange = (message: string) =>
      new Promise<string>((resolve, reject) => {
        const framer = new SipStreamFramer();
        const socket = connect({ host: '127.0.0.1', port: kamailio.tcpPort }, () => socket.write(message));
        socket.on('data', (chunk: Buffer) => {
          const [answer] = framer.push(chunk);
          if (!answer) return;
          socket.destroy();
          resolve(answer);
        });
        socket.once('error', reject);
      });

    const replayed = await exchange(request(1, /^Proxy-Authorization:\s*(.*)$/im.exec(original)![1]));
    expect(firstLine(replayed)).toBe('SIP/2.0 407 Proxy Authentication Required');
    expect(/^Proxy-Authenticate:.*nonce="([^"]+)"/im.exec(replayed)![1]).not.toBe(nonce);

    // The same nonce with an nc never used is accepted: the refusal above was the replay's.
    const uri = /^SUBSCRIBE (\S+) SIP\/2\.0/.exec(original)![1];
    const fresh = digestAuthorization({ username: 'alex', password: 'alex-pw', method: 'SUBSCRIBE', uri, realm: DOMAIN, nonce, qop: 'auth', nc: 200 })!;
    expect(firstLine(await exchange(request(2, fresh)))).toBe('SIP/2.0 200 OK');
  });

  it('another account on the same server learns its own challenge and sees alex’s new status', async () => {
    const seen = waitForEvent<[string, string]>(
      (cb) => ben.on('presence', (u, p) => cb([u, p.availability])),
      ([u]) => u === alex.uri,
      'alex at ben',
      5000,
    );
    ben.watch(alex.uri);
    expect((await seen)[1]).toBe('busy');
  });
});
