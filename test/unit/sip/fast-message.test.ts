/**
 * The cheaper sip.js message plumbing (core/sip/message/fast-message.ts) reads and writes
 * messages exactly as sip.js's own methods: a corpus of real and torture messages is parsed
 * both ways and every header is read back by name (any case, compact forms, missing ones).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { OutgoingRequestMessage } from 'sip.js/lib/core/messages/outgoing-request-message.js';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { fastMessagesInstalled, headerName, installFastMessages, uninstallFastMessages } from '../../../core/sip/message/fast-message';
import '../../../core/sip/account';
import { probeBundledApp } from '../../support/bundled-probe';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserAgent } from 'sip.js';

/** SIP messages captured from the lab Kamailio (the fuzz corpus's captures). */
const CAPTURED: string[] = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/fuzz/captured-sip.json'), 'utf8'));
const logged: string[] = [];
const logger = { error: (m: string) => logged.push(`error ${m}`), warn: (m: string) => logged.push(`warn ${m}`), log: () => {}, debug: () => {} } as never;
const NAMES = [
  'via',
  'VIA',
  'v',
  'from',
  'f',
  'To',
  'call-id',
  'call_id',
  'Call-ID',
  'i',
  'cseq',
  'CSeq',
  'contact',
  'm',
  'content-length',
  'l',
  'content-type',
  'c',
  'event',
  'o',
  'subscription-state',
  'max-forwards',
  'record-route',
  'www-authenticate',
  'proxy-authenticate',
  'min-se',
  'rseq',
  'x-missing',
  'require',
  'supported',
  'k',
];

/** Everything sip.js gives from a message: fields, headers, and each name read back every way. */
function read(text: string): unknown {
  logged.length = 0;
  const message = Parser.parseMessage(text, logger) as unknown as
    | (Record<string, unknown> & {
        headers: Record<string, unknown>;
        getHeader(n: string): unknown;
        getHeaders(n: string): unknown;
        hasHeader(n: string): unknown;
        parseHeader(n: string, i?: number): unknown;
      })
    | undefined;
  if (!message) return { unparsed: [...logged] };
  const byName = NAMES.map((n) => [n, message.hasHeader(n), message.getHeader(n), message.getHeaders(n), message.parseHeader(n), message.parseHeader(n, 1)]);
  const { headers, ...fields } = message;
  return JSON.parse(JSON.stringify({ fields, headers, byName, logged }));
}

/** Folded lines, compact forms, odd spacing and a body with multi-byte characters. */
const extra = [
  'NOTIFY sip:alex@127.0.0.1:5070;transport=tcp SIP/2.0\r\nv: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1\r\nf: <sip:kim@lab.test>;tag=a\r\nt: <sip:alex@lab.test>;tag=b\r\ni: folded\r\nCSeq: 3 NOTIFY\r\nSubject: one\r\n two\r\n\tthree\r\no: presence\r\nl: 9\r\nc: text/plain\r\n\r\nhé ✓ x',
  'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK2\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 1 SUBSCRIBE\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n',
  'SIP/2.0 200 OK\r\nVia: x\r\n\r\n',
  'no line end',
  'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK3\r\nno blank line',
  'MESSAGE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\nX-Space:   padded   \r\n \r\nContent-Length: 2\r\n\r\nhi',
];

afterEach(() => installFastMessages());

describe('fast sip.js messages', () => {
  it('are installed when the SIP account module is loaded', () => {
    expect(fastMessagesInstalled()).toBe(true);
    expect(headerName('call_id')).toBe('Call-ID');
    expect(headerName('www-authenticate')).toBe('WWW-Authenticate');
  });

  it('read a corpus of real and torture messages exactly as sip.js’s own methods', () => {
    const corpus = [...CAPTURED, ...extra];
    const fast = corpus.map(read);
    uninstallFastMessages();
    expect(fastMessagesInstalled()).toBe(false);
    const own = corpus.map(read);
    expect(fast).toEqual(own);
    expect(fast.filter((m) => !(m as { unparsed?: unknown }).unparsed).length).toBeGreaterThan(CAPTURED.length);
  });

  it('write outgoing requests exactly as sip.js, extra headers read back alike', () => {
    const make = () => {
      const m = new OutgoingRequestMessage(
        'SUBSCRIBE',
        Grammar.URIParse('sip:kim@lab.test')!,
        Grammar.URIParse('sip:alex@lab.test')!,
        Grammar.URIParse('sip:kim@lab.test')!,
        { callId: 'c9', cseq: 7, fromTag: 'f' },
        ['Event: presence', 'Accept: application/pidf+xml', 'Expires: 600'],
        { contentDisposition: 'render', contentType: 'application/pidf+xml', content: '<presence>é</presence>' } as never,
      );
      m.setViaHeader('z9hG4bKfixed', 'TCP');
      m.setHeader('proxy-authorization', 'Digest x');
      return m;
    };
    const readBack = (m: OutgoingRequestMessage) => [
      m.toString(),
      ...['event', 'EVENT', 'accept', 'expires', 'via', 'Proxy-Authorization', 'x-none', 'call-id'].map((n) => [
        m.getHeader(n),
        m.getHeaders(n),
        m.hasHeader(n),
      ]),
    ];
    const fast = readBack(make());
    uninstallFastMessages();
    expect(readBack(make())).toEqual(fast);
    expect(String(fast[0])).toContain('Content-Length: 23\r\n');
  });

  it('check incoming messages as sip.js does: a body shorter than its Content-Length is refused with 400', () => {
    const sent: unknown[] = [];
    const agent = {
      state: 'Started',
      logger: { warn: () => {}, error: () => {} },
      options: { sipjsId: 'xxxxx', viaHost: 'h' },
      getLogger: () => ({ warn: () => {}, error: () => {} }),
      userAgentCore: {
        replyStateless: (_m: unknown, o: { statusCode: number }) => sent.push(o.statusCode),
        receiveIncomingRequestFromTransport: () => sent.push('request'),
        receiveIncomingResponseFromTransport: () => sent.push('response'),
      },
    };
    const request = (body: string, length: number) =>
      `MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:k@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\nContent-Length: ${length}\r\n\r\n${body}`;
    const deliver = (text: string) =>
      (UserAgent.prototype as unknown as { onTransportMessage(this: unknown, m: string): void }).onTransportMessage.call(agent, text);
    deliver(request('hé', 3)); // three bytes: whole
    deliver(request('hé', 4)); // one byte short
    deliver('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h:5060;branch=z9hG4bK1\r\nFrom: <sip:k@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n\r\n'); // Via with a port: not ours
    const fast = [...sent];
    sent.length = 0;
    uninstallFastMessages();
    deliver(request('hé', 3));
    deliver(request('hé', 4));
    deliver('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h:5060;branch=z9hG4bK1\r\nFrom: <sip:k@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n\r\n');
    expect(fast).toEqual(['request', 400]);
    expect(sent).toEqual(fast);
  });

  it('are installed in the bundled app too (the bundler reprints sip.js’s source)', async () => {
    expect(await probeBundledApp('core/sip/message/fast-message.ts', 'fastMessagesInstalled')).toEqual({ installed: true });
  }, 60_000);
});
