/**
 * The server's offline-message behaviour, both ways, on a real Kamailio: without
 * store-and-forward an IM to someone not signed in is refused (480) and the sender keeps it as
 * failed with the reason (covered in two-accounts and desk-lab); with msilo it is answered 202,
 * shown as stored, and delivered, exactly, when the recipient signs in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type IncomingMessage } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
let kamailio: Kamailio;
let anna: SipAccount;
let ben: SipAccount | undefined;

const account = (user: string, password: string) =>
  new SipAccount({ server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' }, domain: DOMAIN, user, password, requestTimeoutMs: 3000 });

beforeAll(async () => {
  kamailio = await startKamailio({
    domain: DOMAIN,
    msilo: true,
    users: [
      { id: 'anna', password: 'a-secret' },
      { id: 'ben', password: 'b-secret' },
    ],
  });
  anna = account('anna', 'a-secret');
  await anna.start();
});
afterAll(async () => {
  await Promise.all([anna?.stop(), ben?.stop()]);
  await kamailio?.stop();
});

describe('store-and-forward (msilo)', () => {
  it('an IM to someone not signed in is stored (202) and delivered, in order, when they sign in', async () => {
    const texts = ['Stored one — Grüße ✓', 'Stored two <b>not markup</b>'];
    for (const text of texts) expect(await anna.sendMessage(`sip:ben@${DOMAIN}`, text)).toEqual({ stored: true });

    ben = account('ben', 'b-secret');
    const received: IncomingMessage[] = [];
    ben.on('message', (m) => received.push(m));
    const second = waitForEvent<IncomingMessage>(
      (cb) => ben!.on('message', cb),
      (m) => m.text.includes('Stored two'),
      'stored IM delivered',
      10_000,
    );
    await ben.start();
    await second;
    // msilo prefixes the stored time; the words typed arrive whole and in order.
    expect(received.map((m) => m.text.replace(/^\[[^\]]*\]\s*/, ''))).toEqual(texts);

    // Now that Ben is signed in, an IM is delivered directly (200), not stored.
    const direct = waitForEvent<IncomingMessage>(
      (cb) => ben!.on('message', cb),
      (m) => m.text === 'direct',
      'direct IM',
      5000,
    );
    expect(await anna.sendMessage(`sip:ben@${DOMAIN}`, 'direct')).toEqual({ stored: false });
    expect((await direct).from).toBe(anna.uri);
  }, 30_000);
});
