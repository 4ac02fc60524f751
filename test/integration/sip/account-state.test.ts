/**
 * The account's one state machine (AccountState, drawn in core/sip/account-state.ts) on a real
 * Kamailio: the states a sign-in, a server restart and a sign-out go through, and a sign-out
 * that comes while signing in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountState, SipAccount, type IncomingMessage, type RegistrationState } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
let kamailio: Kamailio;
const accounts: SipAccount[] = [];

const account = (user: string, password: string) => {
  const a = new SipAccount({ server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' }, domain: DOMAIN, user, password, requestTimeoutMs: 3000 });
  accounts.push(a);
  return a;
};

beforeAll(async () => {
  kamailio = await startKamailio({
    domain: DOMAIN,
    users: [
      { id: 'anna', password: 'a-secret' },
      { id: 'ben', password: 'b-secret' },
    ],
  });
});
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.stop()));
  await kamailio?.stop();
});

describe('SipAccount state machine', () => {
  it('sign-in, server restart and sign-out go through the drawn states, each told once', async () => {
    const a = account('anna', 'a-secret');
    const states: RegistrationState[] = [];
    a.on('state', (s) => states.push(s));
    expect(a.accountState).toBe(AccountState.Idle);
    await a.start();
    expect(a.accountState).toBe(AccountState.Registered);
    const back = waitForEvent<RegistrationState>(
      (cb) => a.on('state', cb),
      (s) => s === 'registered',
      're-registration',
      20_000,
    );
    const lost = waitForEvent<RegistrationState>(
      (cb) => a.on('state', cb),
      (s) => s === 'reconnecting',
      'reconnecting',
      5000,
    );
    await kamailio.kill();
    await lost;
    expect(a.accountState).toBe(AccountState.Reconnecting);
    await kamailio.restart();
    await back;
    await a.stop();
    expect(a.accountState).toBe(AccountState.Stopped);
    expect(states).toEqual(['registering', 'registered', 'reconnecting', 'registered', 'unregistered']);
    // A second stop() is the same sign-out, not another one.
    await a.stop();
    expect(states.at(-1)).toBe('unregistered');
    expect(states).toHaveLength(5);
  }, 40_000);

  it('a sign-out while signing in cancels the sign-in and leaves nothing registered', async () => {
    const a = account('anna', 'a-secret');
    const starting = a.start();
    const stopping = a.stop();
    await expect(starting).rejects.toMatchObject({ message: 'Signing in to the presence server was cancelled.' });
    await stopping;
    expect(a.accountState).toBe(AccountState.Stopped);
    expect(a.state).toBe('unregistered');
    // The server does not route to anna: an IM to her is not delivered.
    const b = account('ben', 'b-secret');
    await b.start();
    await expect(b.sendMessage(a.uri, 'anyone?')).rejects.toMatchObject({ status: 480 });
  }, 30_000);

  it('signs in again after a sign-out', async () => {
    const a = account('anna', 'a-secret');
    await a.start();
    await a.stop();
    await a.start();
    expect(a.accountState).toBe(AccountState.Registered);
    const b = account('ben', 'b-secret');
    await b.start();
    const got = waitForEvent<IncomingMessage>(
      (cb) => a.on('message', cb),
      () => true,
      'IM after signing in again',
    );
    await b.sendMessage(a.uri, 'hello again');
    expect((await got).text).toBe('hello again');
  }, 30_000);
});
