import { describe, expect, it } from 'vitest';
import { SipStreamFramer } from '../../../core/sip/transport/tcp-transport';

const msg = (body: string) => `MESSAGE sip:b@x SIP/2.0\r\nCall-ID: 1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('SIP over TCP framing', () => {
  it('splits coalesced messages and joins split ones, counting bytes not characters', () => {
    const a = msg('Grüße 👋 ✓');
    const b = msg('second');
    const bytes = Buffer.from(`\r\n${a}${b}`);
    const framer = new SipStreamFramer();
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += 7) out.push(...framer.push(bytes.subarray(i, i + 7)));
    expect(out).toEqual([a, b]);
  });

  it('accepts the compact header form and keep-alive CRLFs', () => {
    const m = 'OPTIONS sip:x SIP/2.0\r\nl: 2\r\n\r\nok';
    expect(new SipStreamFramer().push(Buffer.from(`\r\n\r\n${m}`))).toEqual([m]);
  });

  it('refuses a message without Content-Length and an oversized body', () => {
    expect(() => new SipStreamFramer().push(Buffer.from('MESSAGE sip:b@x SIP/2.0\r\nCall-ID: 1\r\n\r\nhi'))).toThrow(/Content-Length/);
    expect(() => new SipStreamFramer(1024).push(Buffer.from(msg('x').replace('Content-Length: 1', 'Content-Length: 999999')))).toThrow(/too large/);
  });
});
