/**
 * An IM is never shown twice and always in its sender's charset:
 *  - every attempt of one IM (same retry key) carries the same Call-ID, From tag and CSeq, so
 *    the receiver recognises a repeat that crossed Kamailio and drops it;
 *  - an incoming MESSAGE declared ISO-8859-1 or windows-1252 is shown as its sender wrote it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipAccount, type IncomingMessage } from '../../../core/sip';
import type { TraceRecord } from '../../../core/trace';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { startScriptedSipPeer, type ScriptedSipPeer } from '../../support/scripted-sip-peer';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'sip.lab.test';
const header = (message: string, name: string) => new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'im').exec(message)?.[1]?.trim() ?? '';

describe('the same IM sent again', () => {
  let kamailio: Kamailio;
  let anna: SipAccount;
  let ben: SipAccount;
  const sent: string[] = [];
  const received: IncomingMessage[] = [];

  beforeAll(async () => {
    kamailio = await startKamailio({
      domain: DOMAIN,
      users: [
        { id: 'anna', password: 'a-secret' },
        { id: 'ben', password: 'b-secret' },
      ],
    });
    const trace = { record: (r: TraceRecord) => void (r.direction === 'out' && r.raw.startsWith('MESSAGE ') && sent.push(r.raw)) };
    anna = new SipAccount({
      server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
      domain: DOMAIN,
      user: 'anna',
      password: 'a-secret',
      requestTimeoutMs: 3000,
      trace,
    });
    ben = new SipAccount({
      server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
      domain: DOMAIN,
      user: 'ben',
      password: 'b-secret',
      requestTimeoutMs: 3000,
    });
    await Promise.all([anna.start(), ben.start()]);
    ben.on('message', (m) => received.push(m));
  });
  afterAll(async () => {
    await Promise.all([anna?.stop(), ben?.stop()]);
    await kamailio?.stop();
  });

  it('carries the same Call-ID, From tag and CSeq on every attempt, and reaches the receiver once', async () => {
    await anna.sendMessage(ben.uri, 'lunch at noon?', { retryKey: 'queue-item-1' });
    // The retry after an answer that was lost on the way back (ben has it already).
    await anna.sendMessage(ben.uri, 'lunch at noon?', { retryKey: 'queue-item-1' });
    const attempts = sent.filter((m) => m.includes('lunch at noon?'));
    // Every copy is the same request: one Call-ID and From tag; and every copy that passed the
    // proxy's digest check (the ones that can reach ben) has one CSeq.
    const dialogue = (m: string) => ({ callId: header(m, 'Call-ID'), fromTag: /;tag=([^;\s]+)/.exec(header(m, 'From'))?.[1] });
    expect(attempts.map(dialogue)).toEqual(attempts.map(() => dialogue(attempts[0]!)));
    const through = attempts.filter((m) => /^Proxy-Authorization:/im.test(m));
    expect(through.length).toBe(2);
    expect(new Set(through.map((m) => header(m, 'CSeq'))).size).toBe(1);
    // Both copies reach ben's account as one message: the same id (Call-ID and CSeq), by which
    // the messaging service above it stores and shows it once.
    expect(new Set(received.filter((m) => m.text === 'lunch at noon?').map((m) => m.id)).size).toBe(1);
  });

  it('gives a different IM its own identity, delivered as its own message', async () => {
    const before = sent.length;
    await anna.sendMessage(ben.uri, 'lunch at noon?', { retryKey: 'queue-item-2' });
    const other = sent.slice(before).find((m) => m.includes('lunch at noon?'))!;
    expect(header(other, 'Call-ID')).not.toBe(
      header(
        sent.find((m) => m.includes('lunch at noon?'))!,
        'Call-ID',
      ),
    );
    expect(new Set(received.filter((m) => m.text === 'lunch at noon?').map((m) => m.id)).size).toBe(2);
  });

  it('without a retry key, each send is a new request', async () => {
    const before = sent.length;
    await anna.sendMessage(ben.uri, 'ping');
    await anna.sendMessage(ben.uri, 'ping');
    const [first, second] = sent.slice(before).filter((m) => m.includes('ping'));
    expect(header(first!, 'Call-ID')).not.toBe(header(second!, 'Call-ID'));
  });
});

describe('an incoming MESSAGE in its declared charset', () => {
  let peer: ScriptedSipPeer;
  let anna: SipAccount;

  beforeAll(async () => {
    peer = await startScriptedSipPeer();
    anna = new SipAccount({
      server: { host: '127.0.0.1', port: peer.port, transport: 'tcp' },
      domain: DOMAIN,
      user: 'anna',
      password: 'a-secret',
      requestTimeoutMs: 3000,
    });
    await anna.start();
    await peer.registered;
  });
  afterAll(async () => {
    await anna?.stop();
    await peer?.close();
  });

  const message = (callId: string, contentType: string, body: Buffer) =>
    Buffer.concat([
      Buffer.from(
        `MESSAGE sip:anna@${DOMAIN} SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:${peer.port};branch=z9hG4bK-${callId}\r\nFrom: <sip:ben@${DOMAIN}>;tag=b1\r\n` +
          `To: <sip:anna@${DOMAIN}>\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]);

  const receive = async (callId: string, contentType: string, body: Buffer): Promise<string> => {
    const got = waitForEvent<IncomingMessage>(
      (cb) => anna.on('message', cb),
      (m) => m.id.startsWith(callId),
      `message ${callId}`,
    );
    peer.write(message(callId, contentType, body));
    const answer = await peer.response((r) => header(r, 'Call-ID') === callId);
    expect(answer).toMatch(/^SIP\/2\.0 200 /);
    return (await got).text;
  };

  it('shows ISO-8859-1 "caf\\xE9" as "café"', async () => {
    expect(await receive('latin1', 'text/plain;charset=ISO-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
  });

  it('honours a quoted windows-1252 charset (the euro sign is 0x80 there)', async () => {
    expect(await receive('cp1252', 'text/plain; charset="windows-1252"', Buffer.from([0x80, 0x20, 0x35, 0x20, 0xe0, 0x20, 0x6d, 0x69, 0x64, 0x69]))).toBe(
      '€ 5 à midi',
    );
  });

  it('keeps UTF-8 text as it is, declared or not', async () => {
    expect(await receive('utf8', 'text/plain;charset=UTF-8', Buffer.from('Grüße 👋'))).toBe('Grüße 👋');
    expect(await receive('plain', 'text/plain', Buffer.from('café ✓'))).toBe('café ✓');
  });
});
