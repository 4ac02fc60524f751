/**
 * The subscription wire (SUBSCRIBE and NOTIFY written and read beside sip.js's core) through a
 * real sip.js user agent on the in-memory transport: what it writes, how it answers, what it
 * leaves to sip.js, its timeouts, and that a challenge is answered once and never in a loop.
 * The subscription machine's own behaviour is in presence-subscription.test.ts.
 */
import type { RemoteInfo } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserAgent } from 'sip.js';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { PresenceSubscription, PresenceSubscriptionState as S, type SubscriptionFailure } from '../../../core/sip/usages/presence-subscription';
import { DigestCredentialCache } from '../../../core/sip/message/digest';
import { SubscriptionWire } from '../../../core/sip/usages/subscription-wire';
import { isPlainSipUri, LightMessage, parseChallenge, tagOf, uriOf } from '../../../core/sip/message/light-message';
import { UdpTransport, type DatagramSocket, type UdpTransportOptions } from '../../../core/sip/transport/udp-transport';
import { ManualTimers, startFakeSip, type FakeSip } from '../../support/fake-sip';

const PIDF = '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:maria@lab.test"><tuple id="a"><status><basic>open</basic></status></tuple></presence>';

let sip: FakeSip;
let timers: ManualTimers;

beforeEach(async () => {
  sip = await startFakeSip();
  timers = new ManualTimers();
});
afterEach(async () => {
  vi.useRealTimers();
  await sip.stop();
});

function watch(options: { credentials?: DigestCredentialCache; target?: string } = {}) {
  const sub = new PresenceSubscription({
    ua: sip.ua,
    target: options.target ?? 'sip:maria@lab.test',
    timers,
    random: () => 0.5,
    credentials: options.credentials,
  });
  const failures: SubscriptionFailure[] = [];
  sub.on('failure', (f) => failures.push(f));
  sub.start();
  return { sub, failures };
}

const one = (method = 'SUBSCRIBE'): IncomingRequestMessage => {
  const sent = sip.take(method);
  expect(sent).toHaveLength(1);
  return sent[0];
};

/** Delivers a NOTIFY as a server writes it, with a Record-Route and its own Contact. */
function notify(subscribe: IncomingRequestMessage, options: { fromTag: string; cseq: number; state?: string; callId?: string }): void {
  const to = subscribe.getHeader('to')!.replace(/;tag=[^;>]*/, '');
  const body = PIDF;
  sip.transport.deliver(
    [
      `NOTIFY sip:alex@127.0.0.1;transport=tcp SIP/2.0`,
      'Via: SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bK-p1;rport=5060',
      'Via: SIP/2.0/TCP 127.0.0.3:5070;branch=z9hG4bK-p2',
      'Record-Route: <sip:127.0.0.2:5060;transport=tcp;lr>',
      `From: ${to};tag=${options.fromTag}`,
      `To: ${subscribe.getHeader('from')}`,
      `Call-ID: ${options.callId ?? subscribe.callId}`,
      `CSeq: ${options.cseq} NOTIFY`,
      'Contact: <sip:presence@127.0.0.9:5080;transport=tcp>',
      'Event: presence',
      `Subscription-State: ${options.state ?? 'active;expires=600'}`,
      'Content-Type: application/pidf+xml',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'),
  );
}

const answers = () => sip.responses().map((r) => new LightMessage(r));

describe('the subscription wire', () => {
  it('writes an initial SUBSCRIBE sip.js can read, with the user agent’s Via, From tag, Contact, Allow and Supported', () => {
    watch();
    const s = one();
    expect(s.ruri!.toString()).toBe('sip:maria@lab.test');
    expect(s.getHeader('Via')).toMatch(/^SIP\/2\.0\/TCP 127\.0\.0\.1;branch=z9hG4bK[0-9a-f]+$/);
    expect(s.getHeader('To')).toBe('<sip:maria@lab.test>');
    expect(s.fromTag).toMatch(/^[0-9a-f]{10}$/);
    expect(s.from.uri.toString()).toBe('sip:alex@lab.test');
    expect(s.cseq).toBe(1);
    expect(s.getHeader('Max-Forwards')).toBe('70');
    expect(s.getHeader('Contact')).toBe(sip.ua.userAgentCore.configuration.contact.toString());
    expect(s.getHeader('Allow')).toContain('NOTIFY');
    expect(s.getHeader('Supported')).toBe(sip.ua.userAgentCore.configuration.supportedOptionTags.join(', '));
    expect(s.getHeader('Event')).toBe('presence');
    expect(s.getHeader('Content-Length')).toBe('0');
  });

  it('answers a NOTIFY with its Vias, From, To, Call-ID and CSeq, and refreshes to its Contact through its Record-Route', () => {
    const { sub } = watch();
    const s = one();
    sip.respond(s, 200, 'OK', ['Expires: 600'], 'srv');
    notify(s, { fromTag: 'srv', cseq: 7 });
    expect(sub.state).toBe(S.Active);
    const [ok] = answers();
    expect(ok.status).toBe(200);
    expect(ok.values('via')).toEqual(['SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bK-p1;rport=5060', 'SIP/2.0/TCP 127.0.0.3:5070;branch=z9hG4bK-p2']);
    expect(ok.header('cseq')).toBe('7 NOTIFY');
    expect(ok.callId).toBe(s.callId);
    expect(tagOf(ok.header('to'))).toBe(s.fromTag);
    expect(tagOf(ok.header('from'))).toBe('srv');
    timers.runNext();
    const refresh = one();
    expect(refresh.ruri!.toString()).toBe('sip:presence@127.0.0.9:5080;transport=tcp');
    expect(refresh.getHeaders('Route')).toEqual(['<sip:127.0.0.2:5060;transport=tcp;lr>']);
    expect(refresh.toTag).toBe('srv');
    expect(refresh.fromTag).toBe(s.fromTag);
    expect(refresh.cseq).toBe(2);
    expect(refresh.callId).toBe(s.callId);
  });

  it('answers a NOTIFY out of CSeq order 500, one of another dialog (a fork) 481, and passes on no body of either', () => {
    const notifies: string[] = [];
    const { sub } = watch();
    sub.on('notify', (n) => notifies.push(n.state));
    const s = one();
    sip.respond(s, 200, 'OK', [], 'srv');
    notify(s, { fromTag: 'srv', cseq: 5 });
    notify(s, { fromTag: 'srv', cseq: 4, state: 'pending' });
    notify(s, { fromTag: 'other', cseq: 9, state: 'pending' });
    expect(answers().map((a) => a.status)).toEqual([200, 500, 481]);
    expect(notifies).toEqual(['active']);
  });

  it('leaves a NOTIFY of a subscription already ended to sip.js, which answers 481', () => {
    const { sub } = watch();
    const s = one();
    sip.respond(s, 200, 'OK', [], 'srv');
    notify(s, { fromTag: 'srv', cseq: 1 });
    sub.dispose();
    notify(s, { fromTag: 'srv', cseq: 2 });
    expect(answers().map((a) => a.status)).toEqual([200, 481]);
  });

  it('answers a challenge once with the next CSeq, and takes a second challenge as the answer (no loop)', async () => {
    const credentials = new DigestCredentialCache({ username: 'alex', password: 'secret', timers });
    const { sub, failures } = watch({ credentials });
    const probe = one();
    const challenge = ['Proxy-Authenticate: Digest realm="lab.test", nonce="n1", algorithm=MD5'];
    sip.respond(probe, 407, 'Proxy Authentication Required', challenge, 'srv');
    const again = one();
    expect(again.cseq).toBe(2);
    expect(again.callId).toBe(probe.callId);
    expect(again.getHeader('Proxy-Authorization')).toMatch(
      /^Digest username="alex", realm="lab.test", nonce="n1", uri="sip:maria@lab.test", response="[0-9a-f]{32}"/,
    );
    sip.respond(again, 407, 'Proxy Authentication Required', challenge, 'srv');
    expect(sip.take('SUBSCRIBE')).toHaveLength(0);
    expect(sub.state).toBe(S.Waiting);
    expect(failures).toEqual([{ status: 407, reason: 'SUBSCRIBE answered 407 Proxy Authentication Required', final: false, retryInMs: 1000 }]);
  });

  it('answers a stale challenge once more, then no further', () => {
    const credentials = new DigestCredentialCache({ username: 'alex', password: 'secret', timers });
    watch({ credentials });
    sip.respond(one(), 407, 'Proxy Authentication Required', ['Proxy-Authenticate: Digest realm="lab.test", nonce="n1"'], 'srv');
    const second = one();
    sip.respond(second, 407, 'Proxy Authentication Required', ['Proxy-Authenticate: Digest realm="lab.test", nonce="n2", stale=true'], 'srv');
    const third = one();
    expect(third.cseq).toBe(3);
    expect(third.getHeader('Proxy-Authorization')).toContain('nonce="n2"');
    sip.respond(third, 407, 'Proxy Authentication Required', ['Proxy-Authenticate: Digest realm="lab.test", nonce="n3", stale=true'], 'srv');
    expect(sip.take('SUBSCRIBE')).toHaveLength(0);
  });

  it('gives a request with no answer 408 after 64·T1 (Timer F), and an accepted one with no NOTIFY Timer N', () => {
    vi.useFakeTimers();
    const first = watch();
    one();
    vi.advanceTimersByTime(32_100);
    expect(first.failures).toEqual([{ status: 408, reason: 'SUBSCRIBE answered 408 Request Timeout', final: false, retryInMs: 1000 }]);
    first.sub.dispose();
    const second = watch({ target: 'sip:kim@lab.test' });
    sip.respond(one(), 200, 'OK', ['Expires: 600'], 'srv');
    expect(second.sub.state).toBe(S.Subscribing);
    vi.advanceTimersByTime(32_100);
    expect(second.sub.state).toBe(S.Waiting);
    expect(second.failures.at(-1)?.reason).toBe('no NOTIFY arrived after the SUBSCRIBE (Timer N)');
  });

  it('a NOTIFY before the 200 makes the dialog all the same', () => {
    const { sub } = watch();
    const s = one();
    notify(s, { fromTag: 'srv', cseq: 1 });
    expect(sub.state).toBe(S.Active);
    sip.respond(s, 200, 'OK', ['Expires: 300'], 'srv');
    expect(sub.state).toBe(S.Active);
    expect(timers.delays()).toHaveLength(1);
    expect(answers().map((a) => a.status)).toEqual([200]);
  });
});

describe('the window of initial SUBSCRIBEs', () => {
  const targets = (n: number) => Array.from({ length: n }, (_, i) => `sip:buddy${i}@lab.test`);
  const sentTo = (requests: IncomingRequestMessage[]) => requests.map((r) => r.ruri!.toString());
  /** Waiting SUBSCRIBEs go out at the end of the turn that made room. */
  const endOfTurn = () => Promise.resolve();

  it('sends at most `window` before their first NOTIFY; each NOTIFY, refusal or timeout lets the next waiting one out, in order', async () => {
    vi.useFakeTimers();
    const wire = SubscriptionWire.of(sip.ua);
    wire.window = 2;
    const subs = targets(6).map((target) => watch({ target }).sub);
    let out = sip.take('SUBSCRIBE');
    expect(sentTo(out)).toEqual(targets(2));
    expect(wire.waiting).toBe(4);
    // A 200 alone does not free the place: the server still owes the NOTIFY.
    sip.respond(out[0], 200, 'OK', ['Expires: 600'], 'srv0');
    await endOfTurn();
    expect(sip.take('SUBSCRIBE')).toHaveLength(0);
    notify(out[0], { fromTag: 'srv0', cseq: 1 });
    expect(subs[0].state).toBe(S.Active);
    await endOfTurn();
    expect(sentTo(sip.take('SUBSCRIBE'))).toEqual([targets(6)[2]]);
    // A refusal frees it too.
    sip.respond(out[1], 503, 'Service Unavailable', [], 'srv1');
    expect(subs[1].state).toBe(S.Waiting);
    await endOfTurn();
    out = sip.take('SUBSCRIBE');
    expect(sentTo(out)).toEqual([targets(6)[3]]);
    // So does Timer F (no final answer): both outstanding ones time out, the last two go out.
    vi.advanceTimersByTime(32_100);
    expect(subs[2].state).toBe(S.Waiting);
    expect(subs[3].state).toBe(S.Waiting);
    await endOfTurn();
    expect(sentTo(sip.take('SUBSCRIBE'))).toEqual(targets(6).slice(4));
    expect(wire.waiting).toBe(0);
  });

  it('never sends one stopped while it waited, and a stopped outstanding one frees its place', async () => {
    const wire = SubscriptionWire.of(sip.ua);
    wire.window = 1;
    const subs = targets(3).map((target) => watch({ target }).sub);
    expect(sentTo(sip.take('SUBSCRIBE'))).toEqual([targets(3)[0]]);
    await subs[1].stop();
    expect(wire.waiting).toBe(1);
    await subs[0].stop();
    await endOfTurn();
    expect(sentTo(sip.take('SUBSCRIBE'))).toEqual([targets(3)[2]]);
    expect(wire.waiting).toBe(0);
  });

  it('sends none of those waiting when all are ended together (sign-out, a lost connection)', async () => {
    const wire = SubscriptionWire.of(sip.ua);
    wire.window = 2;
    const subs = targets(5).map((target) => watch({ target }).sub);
    expect(sip.take('SUBSCRIBE')).toHaveLength(2);
    for (const sub of subs) sub.dispose();
    await endOfTurn();
    expect(sip.take('SUBSCRIBE')).toHaveLength(0);
    expect(wire.waiting).toBe(0);
  });
});

describe('the light reader', () => {
  it('reads compact headers, folded lines, tags and URIs', () => {
    const m = new LightMessage(
      'SIP/2.0 407 Proxy Auth Required\r\ni: abc\r\nf: <sip:a@b>;tag=x1\r\nt: sip:c@d;tag=y2\r\nProxy-Authenticate: Digest realm="r",\r\n nonce="n\\"1", qop="auth,auth-int", stale=TRUE\r\nl: 0\r\n\r\n',
    );
    expect(m.status).toBe(407);
    expect(m.reason).toBe('Proxy Auth Required');
    expect(m.callId).toBe('abc');
    expect(tagOf(m.header('from'))).toBe('x1');
    expect(tagOf(m.header('to'))).toBe('y2');
    expect(parseChallenge(m.header('proxy-authenticate'))).toEqual({ realm: 'r', nonce: 'n"1', qop: 'auth,auth-int', stale: true });
    expect(parseChallenge('Basic realm="r"')).toBeUndefined();
    expect(uriOf('"Presence" <sip:p@h:5060;transport=tcp>;expires=60')).toBe('sip:p@h:5060;transport=tcp');
    expect(uriOf('sip:p@h;expires=60')).toBe('sip:p@h');
  });

  it('keeps a body whole, whatever its characters, and cuts what a datagram carries past Content-Length', () => {
    const latin1 = Buffer.from('<note>caf\xe9</note>', 'latin1').toString('latin1');
    expect(new LightMessage(`NOTIFY sip:a@b SIP/2.0\r\nContent-Length: 17\r\n\r\n${latin1}`).body).toBe(latin1);
    expect(new LightMessage('NOTIFY sip:a@b SIP/2.0\r\nl: 14\r\n\r\n<note>é</note>').body).toBe('<note>é</note>');
    expect(new LightMessage('NOTIFY sip:a@b SIP/2.0\r\nl: 4\r\n\r\nbodyjunk').body).toBe('body');
  });

  it('takes as plain only the addresses sip.js writes back unchanged', () => {
    const plain = ['sip:maria@lab.test', 'sip:buddy0@profile.bench.test', 'sip:a.b-c_d~e@x-y.example.com', 'sip:u@localhost'];
    for (const uri of plain) {
      expect(isPlainSipUri(uri)).toBe(true);
      expect(Grammar.URIParse(uri)?.toString()).toBe(uri);
    }
    for (const uri of [
      'sip:Maria@Lab.Test',
      'sips:a@b.test',
      'sip:a@b.test;transport=tcp',
      'sip:a@1.2.3.4',
      'sip:a b@c.test',
      'sip:a@b..test',
      'sip:@b.test',
      'tel:+1',
    ])
      expect(isPlainSipUri(uri)).toBe(false);
  });
});

describe('the subscription wire over UDP', () => {
  /** A datagram socket the test reads and writes; the transport's OPTIONS pings are answered. */
  class Socket implements DatagramSocket {
    readonly sent: string[] = [];
    private onMessage: ((m: Buffer, r: RemoteInfo) => void) | undefined;
    connect(_port: number, _address: string, callback: () => void): void {
      queueMicrotask(callback);
    }
    send(message: Buffer, callback?: (error: Error | null) => void): void {
      const text = message.toString('utf8');
      callback?.(null);
      if (text.startsWith('OPTIONS ')) queueMicrotask(() => this.deliver(answer(new LightMessage(text), text, 200)));
      else this.sent.push(text);
    }
    address() {
      return { address: '127.0.0.1', port: 40000 };
    }
    close(): void {}
    on(event: 'message' | 'error', listener: never): this {
      if (event === 'message') this.onMessage = listener;
      return this;
    }
    removeAllListeners(): this {
      this.onMessage = undefined;
      return this;
    }
    deliver(text: string): void {
      this.onMessage?.(Buffer.from(text), { address: '127.0.0.1', port: 5060, family: 'IPv4', size: text.length });
    }
    take(start: string): string[] {
      return this.sent.splice(0).filter((t) => t.startsWith(start));
    }
  }

  /** A response to `request` (its text), with a To tag added. */
  function answer(request: LightMessage, text: string, status: number, extra: string[] = []): string {
    const lines = text.split('\r\n');
    const pick = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
    const to = request.header('to')!;
    return [
      `SIP/2.0 ${status} OK`,
      ...pick('via'),
      ...pick('from'),
      `To: ${to}${tagOf(to) ? '' : ';tag=srv'}`,
      ...pick('call-id'),
      ...pick('cseq'),
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  }

  it('lets the transport retransmit the SUBSCRIBE, absorb the repeated 200 and answer a repeated NOTIFY from the 200 sent', async () => {
    vi.useFakeTimers();
    const socket = new Socket();
    const ua = new UserAgent({
      uri: UserAgent.makeURI('sip:alex@lab.test'),
      transportConstructor: UdpTransport,
      transportOptions: { host: '127.0.0.1', port: 5060, keepAliveIntervalMs: 0, createSocket: () => socket } satisfies UdpTransportOptions,
      viaHost: '127.0.0.1',
      contactName: 'alex',
      contactParams: { transport: 'udp' },
      forceRport: true,
      logBuiltinEnabled: false,
      logLevel: 'error',
    });
    await ua.start();
    const states: S[] = [];
    const notifies: string[] = [];
    const sub = new PresenceSubscription({ ua, target: 'sip:maria@lab.test', timers, random: () => 0.5 });
    sub.on('state', (s) => states.push(s));
    sub.on('notify', (n) => notifies.push(n.state));
    sub.start();
    const [subscribe] = socket.take('SUBSCRIBE');
    expect(subscribe).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:40000;branch=z9hG4bK[0-9a-f]+;rport\r$/m);
    await vi.advanceTimersByTimeAsync(500);
    expect(socket.take('SUBSCRIBE')).toEqual([subscribe]);
    const request = new LightMessage(subscribe);
    const ok = answer(request, subscribe, 200, ['Expires: 600']);
    socket.deliver(ok);
    socket.deliver(ok);
    await vi.advanceTimersByTimeAsync(4000);
    expect(socket.take('SUBSCRIBE')).toEqual([]);
    const notify = [
      'NOTIFY sip:alex@127.0.0.1:40000;transport=udp SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-n1',
      `From: <sip:maria@lab.test>;tag=srv`,
      `To: ${request.header('from')}`,
      `Call-ID: ${request.callId}`,
      'CSeq: 1 NOTIFY',
      'Contact: <sip:presence@127.0.0.1:5060;transport=udp>',
      'Event: presence',
      'Subscription-State: active;expires=600',
      'Content-Type: application/pidf+xml',
      `Content-Length: ${Buffer.byteLength(PIDF)}`,
      '',
      PIDF,
    ].join('\r\n');
    socket.deliver(notify);
    socket.deliver(notify);
    const replies = socket.take('SIP/2.0');
    expect(replies).toHaveLength(2);
    expect(replies[1]).toBe(replies[0]);
    expect(new LightMessage(replies[0]).status).toBe(200);
    expect(notifies).toEqual(['active']);
    expect(states).toEqual([S.Subscribing, S.Active]);
    sub.dispose();
    await ua.stop();
  });
});
