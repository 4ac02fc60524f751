/**
 * Challenges answered in advance on a stock Kamailio profile (MD5 digest WITHOUT qop, as a
 * default kamailio.cfg challenges; SUBSCRIBE answered 200): the nonce of the first 407 is
 * reused as it is for every later SUBSCRIBE, PUBLISH and MESSAGE while the server accepts it,
 * so a sign-in to 40 contacts costs one challenge in all — counted in the protocol trace — and
 * never a 401/407 loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type IncomingMessage } from '../../../core/sip';
import type { TraceRecord } from '../../../core/trace';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { BulkPublisher } from '../../../lab/publisher';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'plain-auth.lab.test';
const N = 40;
const buddies = Array.from({ length: N }, (_, i) => ({ id: `buddy${i}`, password: `pw-${i}` }));

let kamailio: Kamailio;
let publisher: BulkPublisher;
let alex: SipAccount;
let ben: SipAccount;
const trace: TraceRecord[] = [];

const firstLine = (raw: string) => raw.slice(0, raw.indexOf('\r\n'));
const cseqMethod = (raw: string) => /^CSeq:\s*\d+\s+(\w+)/im.exec(raw)?.[1];
const challenges = () => trace.filter((r) => r.direction === 'in' && /^SIP\/2\.0 40[17] /.test(firstLine(r.raw)));
const challenged = (method: string) => challenges().filter((r) => cseqMethod(r.raw) === method);
const sent = (method: string) => trace.filter((r) => r.direction === 'out' && firstLine(r.raw).startsWith(`${method} `));
const authorization = (raw: string) => /^Proxy-Authorization:(.*)$/im.exec(raw)?.[1];

beforeAll(async () => {
  kamailio = await startKamailio({
    domain: DOMAIN,
    digest: 'plain',
    users: [{ id: 'alex', password: 'alex-pw' }, { id: 'ben', password: 'ben-pw' }, ...buddies],
  });
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

describe('challenges without qop answered in advance (real Kamailio, stock digest)', () => {
  it('the server challenges without qop', () => {
    const register = challenged('REGISTER');
    expect(register).toHaveLength(1);
    expect(/^WWW-Authenticate:(.*)$/im.exec(register[0].raw)![1]).not.toMatch(/qop/i);
  });

  it('subscribes to 40 contacts with one 407 in all: every SUBSCRIBE after the first reuses its nonce and is accepted at once', async () => {
    const known = new Set<string>();
    const all = waitForEvent<string>(
      (cb) => alex.on('presence', (uri, p) => p.availability !== 'unknown' && (known.add(uri), cb(uri))),
      () => known.size === N,
      `presence of all ${N} contacts`,
      15_000,
    );
    for (const b of buddies) alex.watch(`sip:${b.id}@${DOMAIN}`);
    await all;

    const subscribe407 = challenged('SUBSCRIBE');
    expect(subscribe407).toHaveLength(1);
    expect(/^Proxy-Authenticate:(.*)$/im.exec(subscribe407[0].raw)![1]).not.toMatch(/qop/i);
    const subscribes = sent('SUBSCRIBE');
    // The first SUBSCRIBE, its answer to the 407, and one for each of the other contacts.
    expect(subscribes).toHaveLength(N + 1);
    const answers = subscribes.map((r) => authorization(r.raw)).filter((a): a is string => a !== undefined);
    expect(answers).toHaveLength(N);
    for (const a of answers) expect(a).not.toMatch(/\b(nc|cnonce|qop)=/);
    expect(new Set(answers.map((a) => /nonce="([^"]+)"/.exec(a)![1])).size).toBe(1); // one nonce for all
    // Every SUBSCRIBE got its 200, none a second challenge.
    const ok = trace.filter((r) => r.direction === 'in' && firstLine(r.raw).startsWith('SIP/2.0 200') && cseqMethod(r.raw) === 'SUBSCRIBE');
    expect(ok.length).toBeGreaterThanOrEqual(N);
    for (const r of trace) expect(r.raw).not.toContain('alex-pw');
  });

  it('publishes and sends an IM with the same nonce, without a 407', async () => {
    await alex.setPresence({ availability: 'busy', note: 'in a meeting' });
    const got = waitForEvent<IncomingMessage>(
      (cb) => ben.on('message', cb),
      () => true,
      'the IM at ben',
      5000,
    );
    await alex.sendMessage(ben.uri, 'pre-answered without qop');
    expect((await got).text).toBe('pre-answered without qop');
    expect(sent('PUBLISH').length).toBeGreaterThan(0);
    expect(sent('PUBLISH').every((r) => authorization(r.raw) !== undefined)).toBe(true);
    expect(challenged('PUBLISH')).toHaveLength(0);
    expect(challenged('MESSAGE')).toHaveLength(0);
    // Over the whole session: the REGISTER's 401 and one 407 — no loop anywhere.
    expect(challenges()).toHaveLength(2);
  });
});
