/**
 * The digest credential cache (core/sip/message/digest.ts) on a real sip.js user agent over the
 * in-memory transport: challenges answered in advance with an incrementing nonce count, the
 * probe that learns the first challenge, stale and used-up nonces, and what is never sent.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { SubscriptionWire } from '../../../core/sip/usages/subscription-wire';
import { DigestCredentialCache, digestAuthorization } from '../../../core/sip/message/digest';
import { PresenceSubscription } from '../../../core/sip/usages/presence-subscription';
import { Publication } from '../../../core/sip/usages/publication';
import { ManualTimers, startFakeSip, type FakeSip } from '../../support/fake-sip';

const PASSWORD = 'Circle-Of-Life-42';
const REALM = 'lab.test';

let sip: FakeSip;
let timers: ManualTimers;
let now: number;
let cache: DigestCredentialCache;
let subscriptions: PresenceSubscription[];

function makeCache(options: { maxUsesPerNonce?: number } = {}): DigestCredentialCache {
  const made = new DigestCredentialCache({ username: 'alex', password: PASSWORD, timers, now: () => now, ...options });
  made.install(sip.ua.userAgentCore);
  return made;
}

beforeEach(async () => {
  sip = await startFakeSip();
  timers = new ManualTimers();
  now = 1_000_000;
  subscriptions = [];
  cache = makeCache();
});
afterEach(async () => {
  for (const s of subscriptions) s.dispose();
  await sip.stop();
});

function watch(count: number, from = 0): void {
  for (let i = from; i < from + count; i++) {
    const s = new PresenceSubscription({ ua: sip.ua, target: `sip:buddy${i}@${REALM}`, credentials: cache, timers });
    subscriptions.push(s);
    s.start();
  }
}

/** Lets the cache see which header sip.js put its answer in (it learns in a microtask). */
const settle = () => Promise.resolve();

const challenge = (nonce: string, extra = '') => [`Proxy-Authenticate: Digest realm="${REALM}", nonce="${nonce}", qop="auth", algorithm=MD5${extra}`];

interface Answer {
  nonce: string;
  nc: string;
  cnonce: string;
  uri: string;
  response: string;
  raw: string;
}

function answerOf(request: IncomingRequestMessage, header = 'Proxy-Authorization'): Answer | undefined {
  const raw = request.getHeader(header);
  if (!raw) return undefined;
  const param = (name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(raw)?.[1] ?? '';
  return { nonce: param('nonce'), nc: param('nc'), cnonce: param('cnonce'), uri: param('uri'), response: param('response'), raw };
}

/** What a server would compute for this answer (RFC 2617 §3.2.2, qop=auth, MD5). */
function serverExpects(request: IncomingRequestMessage, a: Answer): string {
  const md5 = (v: string) => createHash('md5').update(v).digest('hex');
  return md5(`${md5(`alex:${REALM}:${PASSWORD}`)}:${a.nonce}:${a.nc}:${a.cnonce}:auth:${md5(`${request.method}:${a.uri}`)}`);
}

describe('digestAuthorization', () => {
  it('computes RFC 2617’s worked example (MD5, qop=auth)', () => {
    const value = digestAuthorization({
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      qop: 'auth',
      nc: 1,
      cnonce: '0a4f113b',
    })!;
    expect(value).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(value).toContain('nc=00000001');
    expect(value).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('computes RFC 7616’s worked examples (SHA-256 and MD5)', () => {
    const base = {
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      realm: 'http-auth@example.org',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      qop: 'auth' as const,
      nc: 1,
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(digestAuthorization({ ...base, algorithm: 'SHA-256' })).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
    expect(digestAuthorization({ ...base, algorithm: 'MD5' })).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
    expect(digestAuthorization({ ...base, algorithm: 'SHA-512-256' })).toBeUndefined();
  });
});

describe('DigestCredentialCache', () => {
  it('sends one probe, then answers every waiting SUBSCRIBE in advance with nc 2, 3, … and fresh cnonces', async () => {
    watch(4);
    const [probe, ...rest] = sip.take('SUBSCRIBE');
    expect(rest).toHaveLength(0); // the others wait for the probe's challenge
    expect(answerOf(probe)).toBeUndefined();
    expect(cache.waitingCount).toBe(3);

    sip.respond(probe, 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    const sent = sip.take('SUBSCRIBE');
    expect(sent).toHaveLength(4);
    const answers = sent.map((r) => answerOf(r)!);
    // sip.js's own retry of the probe (nc 1), then the three that waited (nc 2…4).
    expect(answers.map((a) => a.nc).sort()).toEqual(['00000001', '00000002', '00000003', '00000004']);
    expect(new Set(answers.map((a) => a.cnonce)).size).toBe(4);
    for (const [i, request] of sent.entries()) {
      const a = answers[i];
      expect(a.nonce).toBe('n1');
      expect(a.uri).toBe(request.ruri!.toString());
      expect(a.response).toBe(serverExpects(request, a));
      expect(request.toString()).not.toContain(PASSWORD);
    }
    expect(cache.waitingCount).toBe(0);

    // Later SUBSCRIBEs go out at once, pre-answered, continuing the count.
    watch(1, 10);
    const [later] = sip.take('SUBSCRIBE');
    expect(answerOf(later)).toMatchObject({ nonce: 'n1', nc: '00000005' });
  });

  it('never sends the same nc twice with one nonce, whoever answers', async () => {
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    watch(20, 1);
    // A pre-answered SUBSCRIBE refused anyway (not stale): sip.js answers the new challenge,
    // with the same nonce, through the same counter.
    const sent = sip.take('SUBSCRIBE');
    sip.respond(sent[5], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    const all = [...sent, ...sip.take('SUBSCRIBE')].map((r) => answerOf(r)!).filter((a) => a.nonce === 'n1');
    const ncs = all.map((a) => a.nc);
    expect(new Set(ncs).size).toBe(ncs.length);
    expect(ncs).toContain('00000016');
  });

  it('falls back to the normal challenge on a stale nonce and uses the new nonce from then on', async () => {
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('old'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    watch(1, 1);
    const [preAnswered] = sip.take('SUBSCRIBE');
    expect(answerOf(preAnswered)).toMatchObject({ nonce: 'old', nc: '00000002' });

    sip.respond(preAnswered, 407, 'Proxy Authentication Required', challenge('new', ', stale=true'), 'srv');
    await settle();
    const [retry] = sip.take('SUBSCRIBE');
    expect(answerOf(retry)).toMatchObject({ nonce: 'new', nc: '00000001' });
    expect(retry.callId).toBe(preAnswered.callId);
    expect(retry.cseq).toBe(preAnswered.cseq + 1);

    watch(1, 2);
    const [next] = sip.take('SUBSCRIBE');
    expect(answerOf(next)).toMatchObject({ nonce: 'new', nc: '00000002' });
  });

  it('fetches a fresh challenge when a nonce has been used maxUsesPerNonce times', async () => {
    cache = makeCache({ maxUsesPerNonce: 3 });
    watch(6);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    const round1 = sip.take('SUBSCRIBE');
    // nc 1 (probe retry), 2, 3; then the next waiting one is a new probe, sent plain.
    expect(round1.map((r) => answerOf(r)?.nc ?? 'plain')).toEqual(['00000001', '00000002', '00000003', 'plain']);
    expect(cache.waitingCount).toBe(2);
    sip.respond(round1[3], 407, 'Proxy Authentication Required', challenge('n2'), 'srv');
    await settle();
    const round2 = sip.take('SUBSCRIBE').map((r) => answerOf(r)!);
    expect(round2.map((a) => `${a.nonce}/${a.nc}`)).toEqual(['n2/00000001', 'n2/00000002', 'n2/00000003']);
  });

  it('fetches the next nonce before the last one is used up: one request goes out plain, nobody waits', async () => {
    cache = makeCache({ maxUsesPerNonce: 64 });
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    watch(60, 1);
    const sent = sip.take('SUBSCRIBE');
    expect(sent).toHaveLength(60); // none waiting
    const plain = sent.filter((r) => !answerOf(r));
    expect(plain).toHaveLength(1); // at nc 56 of 64: one fetches the next nonce
    expect(
      sent
        .filter((r) => answerOf(r)?.nonce === 'n1')
        .map((r) => answerOf(r)!.nc)
        .at(-1),
    ).toBe('0000003c');
    sip.respond(plain[0], 407, 'Proxy Authentication Required', challenge('n2'), 'srv');
    await settle();
    expect(answerOf(sip.take('SUBSCRIBE')[0])).toMatchObject({ nonce: 'n2', nc: '00000001' });
    watch(1, 100);
    expect(answerOf(sip.take('SUBSCRIBE')[0])).toMatchObject({ nonce: 'n2', nc: '00000002' });
  });

  it('does not use a nonce older than its maximum age in advance', async () => {
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    now += 300_000;
    watch(2, 1);
    const sent = sip.take('SUBSCRIBE');
    expect(sent).toHaveLength(1);
    expect(answerOf(sent[0])).toBeUndefined();
  });

  const plain = (nonce: string, extra = '') => [`Proxy-Authenticate: Digest realm="${REALM}", nonce="${nonce}", algorithm=MD5${extra}`];
  /** RFC 2617 §3.2.2.1 without qop (RFC 2069 compatible): H(HA1:nonce:HA2). */
  const serverExpectsPlain = (request: IncomingRequestMessage, a: Answer) => {
    const md5 = (v: string) => createHash('md5').update(v).digest('hex');
    return md5(`${md5(`alex:${REALM}:${PASSWORD}`)}:${a.nonce}:${md5(`${request.method}:${a.uri}`)}`);
  };

  it('answers in advance a challenge without qop by reusing its nonce as it is (no nc, no cnonce)', async () => {
    watch(3);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', plain('n1'), 'srv');
    await settle();
    const sent = sip.take('SUBSCRIBE');
    expect(sent).toHaveLength(3); // the probe's retry and the two that waited
    for (const request of sent) {
      const a = answerOf(request)!;
      expect(a.nonce).toBe('n1');
      expect(a.raw).not.toMatch(/\b(nc|cnonce|qop)=/);
      expect(a.response).toBe(serverExpectsPlain(request, a));
    }
    // Beyond any nc limit: a nonce without qop has no count to run out of (all out at once:
    // the window of initial SUBSCRIBEs is tested in subscription-wire.test.ts).
    SubscriptionWire.of(sip.ua).window = Infinity;
    watch(300, 10);
    const later = sip.take('SUBSCRIBE');
    expect(later).toHaveLength(300);
    expect(later.every((r) => answerOf(r)?.nonce === 'n1')).toBe(true);
  });

  it('without qop, a stale refusal brings the new nonce, used from then on; a second refusal is not answered (no loop)', async () => {
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', plain('old'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    watch(1, 1);
    const [preAnswered] = sip.take('SUBSCRIBE');
    expect(answerOf(preAnswered)?.nonce).toBe('old');
    sip.respond(preAnswered, 407, 'Proxy Authentication Required', plain('new', ', stale=true'), 'srv');
    await settle();
    const [retry] = sip.take('SUBSCRIBE');
    expect(answerOf(retry)?.nonce).toBe('new');
    // The server refuses again: sip.js does not answer a third time.
    sip.respond(retry, 407, 'Proxy Authentication Required', plain('newer'), 'srv');
    await settle();
    expect(sip.take('SUBSCRIBE')).toHaveLength(0);
    // The next request reuses the last nonce answered (a challenge left unanswered teaches nothing).
    watch(1, 2);
    expect(answerOf(sip.take('SUBSCRIBE')[0])?.nonce).toBe('new');
  });

  it('stops reusing no-qop nonces when the server refuses a reused one without stale (one nonce, one request)', async () => {
    const lines: string[] = [];
    cache = makeCache();
    (cache as unknown as { log: (l: string) => void }).log = (l) => lines.push(l);
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', plain('n1'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    watch(2, 1);
    const [a, b] = sip.take('SUBSCRIBE');
    expect(answerOf(a)?.nonce).toBe('n1');
    sip.respond(a, 407, 'Proxy Authentication Required', plain('n2'), 'srv');
    await settle();
    const [retry] = sip.take('SUBSCRIBE');
    expect(answerOf(retry)?.nonce).toBe('n2'); // answered once, by sip.js
    expect(lines.join('\n')).toMatch(/refused a reused nonce/);
    // b (already out with n1) refused too: answered once more, and still nothing reused later.
    sip.respond(b, 407, 'Proxy Authentication Required', plain('n3'), 'srv');
    await settle();
    expect(answerOf(sip.take('SUBSCRIBE')[0])?.nonce).toBe('n3');
    watch(2, 5);
    const plainly = sip.take('SUBSCRIBE');
    expect(plainly).toHaveLength(2); // at once, without waiting for a probe
    expect(plainly.map((r) => answerOf(r))).toEqual([undefined, undefined]);
    // A new connection may reach another server: reuse is tried again after reset().
    cache.reset();
    watch(1, 9);
    const [probe] = sip.take('SUBSCRIBE');
    sip.respond(probe, 407, 'Proxy Authentication Required', plain('n4'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    watch(1, 10);
    expect(answerOf(sip.take('SUBSCRIBE')[0])?.nonce).toBe('n4');
  });

  it('probes again after reset() (a new connection), still counting nc on from where it was', async () => {
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    cache.reset();
    watch(2, 1);
    const [probe, ...rest] = sip.take('SUBSCRIBE');
    expect(rest).toHaveLength(0);
    expect(answerOf(probe)).toBeUndefined();
    // The server still knows n1: its challenge repeats it, and nc goes on from 1.
    sip.respond(probe, 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    expect(sip.take('SUBSCRIBE').map((r) => answerOf(r)!.nc)).toEqual(['00000002', '00000003']);
  });

  it('lets the waiting requests go when the probe is answered without a challenge', () => {
    watch(3);
    const [probe] = sip.take('SUBSCRIBE');
    sip.respond(probe, 200, 'OK', ['Expires: 600'], 'srv');
    const sent = sip.take('SUBSCRIBE');
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => answerOf(r))).toEqual([undefined, undefined]);
  });

  it('lets the waiting requests go when the probe gets no answer in time', () => {
    watch(3);
    sip.take('SUBSCRIBE');
    expect(timers.delays()).toContain(4000);
    timers.runNext();
    expect(sip.take('SUBSCRIBE')).toHaveLength(2);
  });

  it('does not send a waiting SUBSCRIBE that was stopped meanwhile', async () => {
    watch(3);
    const [probe] = sip.take('SUBSCRIBE');
    await subscriptions[1].stop();
    sip.respond(probe, 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    expect(sip.take('SUBSCRIBE').map((r) => r.ruri!.user)).toEqual(['buddy0', 'buddy2']);
  });

  it('does not learn from a REGISTER challenge (the registrar’s, not the presence server’s)', async () => {
    const core = sip.ua.userAgentCore;
    const register = core.makeOutgoingRequestMessage('REGISTER', core.configuration.aor, core.configuration.aor, core.configuration.aor, {}, [
      'Contact: <sip:alex@127.0.0.1>',
      'Expires: 600',
    ]);
    core.register(register, {});
    const [sent] = sip.take('REGISTER');
    sip.respond(sent, 401, 'Unauthorized', [`WWW-Authenticate: Digest realm="${REALM}", nonce="reg", qop="auth"`], 'srv');
    await settle();
    expect(answerOf(sip.take('REGISTER')[0], 'Authorization')).toMatchObject({ nonce: 'reg', nc: '00000001' });
    watch(2);
    const subscribes = sip.take('SUBSCRIBE');
    expect(subscribes).toHaveLength(1); // still probing: the REGISTER's nonce is not used
    expect(answerOf(subscribes[0])).toBeUndefined();
  });

  it('answers a PUBLISH in advance with the same nonce and the next nc', async () => {
    watch(1);
    sip.respond(sip.take('SUBSCRIBE')[0], 407, 'Proxy Authentication Required', challenge('n1'), 'srv');
    await settle();
    sip.take('SUBSCRIBE');
    const publication = new Publication(sip.ua, 'presence', 'application/pidf+xml', 600, () => {}, timers, cache);
    void publication.publish('<presence/>');
    await new Promise((r) => setImmediate(r));
    const [publish] = sip.take('PUBLISH');
    const a = answerOf(publish)!;
    expect(a).toMatchObject({ nonce: 'n1', nc: '00000002' });
    expect(a.response).toBe(serverExpects(publish, a));
    publication.dispose();
  });
});
