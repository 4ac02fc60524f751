/**
 * The SIP engine on a real Kamailio: two accounts register, presence published by one reaches
 * the other, an IM arrives byte for byte, and the errors a user can meet are typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Presence } from '../../../shared/domain';
import { SipAccount, type IncomingMessage } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { waitForEvent } from '../../support/wait';

const next = <T>(subscribe: (cb: (v: T) => void) => () => void, predicate: (v: T) => boolean, ms: number, what: string) =>
  waitForEvent(subscribe, predicate, what, ms);

const DOMAIN = 'sip.lab.test';
let kamailio: Kamailio;
let a: SipAccount;
let b: SipAccount;

const account = (user: string, password: string) =>
  new SipAccount({ server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' }, domain: DOMAIN, user, password, requestTimeoutMs: 3000 });

beforeAll(async () => {
  kamailio = await startKamailio({
    domain: DOMAIN,
    users: [
      { id: 'anna', password: 'a-secret' },
      { id: 'ben', password: 'b-secret' },
    ],
  });
  a = account('anna', 'a-secret');
  b = account('ben', 'b-secret');
  await Promise.all([a.start(), b.start()]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await kamailio?.stop();
});

describe('SIP engine on Kamailio', () => {
  it('registers both accounts', () => {
    expect([a.state, b.state]).toEqual(['registered', 'registered']);
  });

  it('B sees A’s "busy — in a meeting" within 1 s of publishing', async () => {
    b.watch(a.uri);
    await next<[string, Presence]>(
      (cb) => b.on('presence', (u, p) => cb([u, p])),
      () => true,
      3000,
      'initial presence',
    );
    const seen = next<[string, Presence]>(
      (cb) => b.on('presence', (u, p) => cb([u, p])),
      ([, p]) => p.availability === 'busy',
      1000,
      'busy within 1 s',
    );
    await a.setPresence({ availability: 'busy', note: 'in a meeting' });
    const [uri, presence] = await seen;
    expect(uri).toBe(a.uri);
    expect(presence.note).toBe('in a meeting');
  });

  it('delivers a 2 KB UTF-8 IM with markup in it exactly', async () => {
    const text = `<script>alert("x")</script> Grüße ✓ 👋 ` + 'ü'.repeat(1000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(2000);
    const got = next<IncomingMessage>(
      (cb) => b.on('message', cb),
      () => true,
      3000,
      'message',
    );
    await a.sendMessage(b.uri, text);
    const m = await got;
    expect(m.text).toBe(text);
    expect(m.from).toBe(a.uri);
  });

  it('carries typing indications separately from messages', async () => {
    const typing = next<{ from: string; active: boolean }>(
      (cb) => b.on('composing', cb),
      () => true,
      3000,
      'composing',
    );
    await a.sendComposing(b.uri, true);
    expect(await typing).toEqual({ from: a.uri, active: true });
  });

  it('an IM to someone not signed in fails with the reason, not silently', async () => {
    await expect(a.sendMessage(`sip:nobody@${DOMAIN}`, 'hello?')).rejects.toMatchObject({ code: 'sip', status: 480 });
  });

  it('a wrong password is a typed auth error', async () => {
    const wrong = account('anna', 'not-it');
    await expect(wrong.start()).rejects.toMatchObject({ code: 'auth', status: 401 });
    expect(wrong.state).toBe('failed');
  });

  it('a closed port is reported as unreachable with host and port', async () => {
    const dead = new SipAccount({ server: { host: '127.0.0.1', port: 1, transport: 'tcp' }, domain: DOMAIN, user: 'anna', password: 'x' });
    await expect(dead.start()).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('127.0.0.1:1') });
  });

  it('says reconnecting when the server dies and recovers by itself when it returns', async () => {
    const states: string[] = [];
    const off = a.on('state', (s) => states.push(s));
    // Both waiters subscribe before the kill: the state can change while kill() is still running.
    const back = next<string>(
      (cb) => a.on('state', cb),
      (s) => s === 'registered',
      15_000,
      're-registration',
    );
    const lost = next<string>(
      (cb) => a.on('state', cb),
      (s) => s === 'reconnecting',
      5000,
      'reconnecting',
    );
    await kamailio.kill();
    await lost;
    await kamailio.restart();
    await back;
    off();
    expect(states[0]).toBe('reconnecting');
    expect(states.at(-1)).toBe('registered');
    // Messaging works again after recovery.
    await b.stop().catch(() => undefined);
    b = account('ben', 'b-secret');
    await b.start();
    const got = next<IncomingMessage>(
      (cb) => b.on('message', cb),
      () => true,
      3000,
      'message after recovery',
    );
    await a.sendMessage(b.uri, 'after the restart');
    expect((await got).text).toBe('after the restart');
  }, 40_000);
});
