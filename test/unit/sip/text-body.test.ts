/** Text bodies in their declared charset, and SIP messages read from bytes without losing any. */
import { describe, expect, it } from 'vitest';
import { charsetOf, decodeSipMessage, decodeTextBody } from '../../../core/sip/codecs/text-body';

const wire = (body: Buffer) =>
  Buffer.concat([Buffer.from('MESSAGE sip:a@x SIP/2.0\r\nFrom: "Zoë" <sip:z@x>\r\nContent-Length: ' + body.length + '\r\n\r\n'), body]);

describe('text bodies', () => {
  it('reads the charset parameter in any case and quoting', () => {
    expect(charsetOf('text/plain;charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(charsetOf('text/plain; Charset="windows-1252"; x=1')).toBe('windows-1252');
    expect(charsetOf('text/plain')).toBeUndefined();
  });

  it('keeps UTF-8 headers and every byte of a body that is not UTF-8', () => {
    const text = decodeSipMessage(wire(Buffer.from([0x63, 0x61, 0x66, 0xe9])));
    expect(text).toContain('"Zoë"');
    expect(text.endsWith('caf\u00e9')).toBe(true);
    expect(decodeSipMessage(wire(Buffer.from('Grüße 👋'))).endsWith('Grüße 👋')).toBe(true);
  });

  it('decodes the declared charset, and leaves text it cannot honour as received', () => {
    const latin1 = decodeSipMessage(wire(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).split('\r\n\r\n')[1]!;
    expect(decodeTextBody(latin1, 'text/plain;charset=iso-8859-1')).toBe('café');
    expect(decodeTextBody('\x93hi\x94 \x80', 'text/plain;charset=windows-1252')).toBe('“hi” €');
    expect(decodeTextBody(Buffer.from([0x82, 0xa0]).toString('latin1'), 'text/plain;charset=shift_jis')).toBe('あ');
    expect(decodeTextBody('Grüße 👋', 'text/plain;charset=iso-8859-1')).toBe('Grüße 👋'); // mislabelled UTF-8
    expect(decodeTextBody('café', 'text/plain;charset=x-unknown-7')).toBe('café');
  });
});
