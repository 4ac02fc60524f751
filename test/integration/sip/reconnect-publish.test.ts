/**
 * Across a server restart the SIP account publishes nothing by itself: it tells the owner of
 * the user's own presence (`registered`, cause `reconnected`), who publishes once. Counted on
 * the wire, on a real Kamailio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type Registered } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
let kamailio: Kamailio;
let account: SipAccount;
const sent: string[] = [];
/** PUBLISH transactions sent (a PUBLISH sent again with the answer to a 407 is the same one: same Call-ID). */
const publishes = () => new Set(sent.filter((raw) => raw.startsWith('PUBLISH ')).map((raw) => /^(?:Call-ID|i)\s*:\s*(.*)$/im.exec(raw)?.[1]?.trim())).size;

beforeAll(async () => {
  kamailio = await startKamailio({ domain: DOMAIN, users: [{ id: 'anna', password: 'a-secret' }] });
  account = new SipAccount({
    server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
    domain: DOMAIN,
    user: 'anna',
    password: 'a-secret',
    requestTimeoutMs: 3000,
    trace: { record: (entry) => entry.direction === 'out' && sent.push(entry.raw) },
  });
});
afterAll(async () => {
  await account?.stop();
  await kamailio?.stop();
});

describe('publication across a reconnection', () => {
  it('the account emits registered and sends no PUBLISH of its own; the owner publishes exactly once', async () => {
    const signedIn = waitForEvent<Registered>(
      (cb) => account.on('registered', cb),
      () => true,
      'registered at sign-in',
    );
    await account.start();
    expect((await signedIn).cause).toBe('signed-in');
    expect(publishes()).toBe(0);
    await account.setPresence({ availability: 'busy', note: 'before the restart' });
    expect(publishes()).toBe(1);

    // The owner of own presence: publishes once each time the account is registered again.
    let republished: Promise<void> | undefined;
    const again = waitForEvent<Registered>(
      (cb) =>
        account.on('registered', (r) => {
          republished = account.setPresence({ availability: 'busy', note: 'after the restart' });
          cb(r);
        }),
      () => true,
      're-registration',
      20_000,
    );
    const before = publishes();
    await kamailio.kill();
    await kamailio.restart();
    expect((await again).cause).toBe('reconnected');
    await republished;
    expect(account.state).toBe('registered');
    expect(publishes() - before).toBe(1);
    expect(sent.filter((raw) => raw.startsWith('PUBLISH ')).at(-1)).toContain('after the restart');
  }, 40_000);
});
