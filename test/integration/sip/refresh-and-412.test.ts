/**
 * Our subscription and publication state machines on a real Kamailio, with short lifetimes so
 * refreshes happen during the test: a subscription refresh stays in its dialog, keeps Accept
 * and is answered with a NOTIFY; a publication refresh carries SIP-If-Match and no body and
 * gets a new entity tag; after the server restarts (publications lost) a modify meets 412 and
 * the full state is published afresh, which a watcher then sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAgent, type URI } from 'sip.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import type { IncomingResponseMessage } from 'sip.js/lib/core/messages/incoming-response-message.js';
import { buildPidf, composePresence, parsePidf } from '../../../core/sip/codecs/pidf';
import { PresenceSubscription, PresenceSubscriptionState as S, type SubscriptionNotify } from '../../../core/sip/usages/presence-subscription';
import { Publication } from '../../../core/sip/usages/publication';
import { TcpTransport, type TcpTransportOptions } from '../../../core/sip/transport/tcp-transport';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { Emitter } from '../../../core/events';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
let kamailio: Kamailio;
const quiet = { error() {}, warn() {}, log() {}, debug() {} };

interface Peer {
  ua: UserAgent;
  /** Every SIP message sent (`out`) and received (`in`), parsed. */
  wire: Emitter<{ out: IncomingRequestMessage | IncomingResponseMessage; in: IncomingRequestMessage | IncomingResponseMessage }>;
  /** Puts the current connection's local port in the Contact (after each (re)connection). */
  fixContact(): void;
}

/** A bare sip.js user agent on our TCP transport, registered, with its wire observable. */
async function peer(user: string, password: string): Promise<Peer> {
  const wire: Peer['wire'] = new Emitter();
  let localPort = 0;
  const transportOptions: TcpTransportOptions = {
    host: '127.0.0.1',
    port: kamailio.tcpPort,
    onLocalPort: (p) => (localPort = p),
    trace: { record: ({ direction, raw }) => wire.emit(direction === 'out' ? 'out' : 'in', Parser.parseMessage(raw, quiet as never)!) },
  };
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@${DOMAIN}`),
    authorizationUsername: user,
    authorizationPassword: password,
    transportConstructor: TcpTransport,
    transportOptions,
    viaHost: '127.0.0.1',
    contactName: user,
    contactParams: { transport: 'tcp' },
    logBuiltinEnabled: false,
    logLevel: 'error',
  });
  await ua.start();
  // The server reaches us on this connection: the Contact must carry its local port.
  const fixContact = () => ((ua.contact.uri as URI & { port: number }).port = localPort);
  fixContact();
  return { ua, wire, fixContact };
}

let anna: Peer;
let ben: Peer;

beforeAll(async () => {
  kamailio = await startKamailio({
    domain: DOMAIN,
    users: [
      { id: 'anna', password: 'a-secret' },
      { id: 'ben', password: 'b-secret' },
    ],
  });
  [anna, ben] = await Promise.all([peer('anna', 'a-secret'), peer('ben', 'b-secret')]);
});
afterAll(async () => {
  await Promise.all([anna?.ua.stop(), ben?.ua.stop()]);
  await kamailio?.stop();
});

describe('refreshes and 412 on Kamailio', () => {
  it('a subscription refresh keeps its dialog and Accept, and is answered with a NOTIFY', async () => {
    const sub = new PresenceSubscription({ ua: anna.ua, target: `sip:ben@${DOMAIN}`, expires: 10 });
    const active = waitForEvent<S>(
      (cb) => sub.on('state', cb),
      (s) => s === S.Active,
      'active',
      5000,
    );
    const initial = waitForEvent<IncomingRequestMessage>(
      (cb) => anna.wire.on('out', cb as never),
      (m) => (m as IncomingRequestMessage).method === 'SUBSCRIBE',
      'initial SUBSCRIBE',
      5000,
    );
    sub.start();
    const first = await initial;
    await active;
    const refresh = await waitForEvent<IncomingRequestMessage>(
      (cb) => anna.wire.on('out', cb as never),
      (m) => (m as IncomingRequestMessage).method === 'SUBSCRIBE' && !!(m as IncomingRequestMessage).toTag,
      'refresh SUBSCRIBE',
      15_000,
    );
    expect(refresh.callId).toBe(first.callId);
    expect(refresh.getHeader('Accept')).toBe('application/pidf+xml');
    expect(refresh.getHeader('Expires')).toBe('10');
    const answered = await waitForEvent<SubscriptionNotify>(
      (cb) => sub.on('notify', cb),
      () => true,
      'NOTIFY after the refresh',
      5000,
    );
    expect(answered.state).toBe('active');
    expect(sub.state).toBe(S.Active);
    await sub.stop();
    expect(sub.state).toBe(S.Closed);
  }, 30_000);

  it('a publication refresh carries SIP-If-Match and no body; after a restart a modify meets 412 and publishes afresh', async () => {
    const publication = new Publication(ben.ua, 'presence', 'application/pidf+xml', 10);
    const status = (availability: 'busy' | 'away', note: string) => buildPidf(`sip:ben@${DOMAIN}`, { availability, note }, 'ben-t1');
    expect((await publication.publish(status('busy', 'first'))).ok).toBe(true);

    const refresh = await waitForEvent<IncomingRequestMessage>(
      (cb) => ben.wire.on('out', cb as never),
      (m) => (m as IncomingRequestMessage).method === 'PUBLISH',
      'refresh PUBLISH',
      15_000,
    );
    expect(refresh.getHeader('SIP-If-Match')).toBeTruthy();
    expect(refresh.body ?? '').toBe('');
    const ok = await waitForEvent<IncomingResponseMessage>(
      (cb) => ben.wire.on('in', cb as never),
      (m) => (m as IncomingResponseMessage).statusCode === 200 && m.callId === refresh.callId && m.cseq >= refresh.cseq,
      'refresh answered',
      5000,
    );
    expect(ok.getHeader('SIP-ETag')).toBeTruthy();

    // The server forgets every publication; our entity tag is now unknown to it.
    await kamailio.kill();
    await kamailio.restart();
    await Promise.all([ben.ua.reconnect(), anna.ua.reconnect()]);
    ben.fixContact();
    anna.fixContact();
    const statuses: number[] = [];
    const off = ben.wire.on('in', (m) => {
      const r = m as IncomingResponseMessage;
      if (r.statusCode && r.cseq && r.method === 'PUBLISH') statuses.push(r.statusCode);
    });
    const result = await publication.publish(status('away', 'after the restart'));
    off();
    expect(result).toEqual({ ok: true, status: 200, reason: 'OK' });
    expect(statuses.filter((s) => s !== 407)).toEqual([412, 200]);

    // A watcher sees the state published afresh.
    const sub = new PresenceSubscription({ ua: anna.ua, target: `sip:ben@${DOMAIN}`, expires: 60 });
    const seen = waitForEvent<SubscriptionNotify>(
      (cb) => sub.on('notify', cb),
      (n) => n.body.includes('after the restart'),
      'Ben away after the restart',
      5000,
    );
    sub.start();
    const shown = composePresence(parsePidf((await seen).body).devices);
    expect(shown).toMatchObject({ availability: 'away', note: 'after the restart' });
    await sub.stop();
    await publication.remove();
    publication.dispose();
  }, 40_000);
});
