/**
 * From, To and Contact with an absolute URI that is not SIP (RFC 3261 addr-spec, RFC 4475
 * §3.3.4): read by sip.js's message parser once the fast grammar is installed, printed back as
 * written; values the grammar refuses for any other reason stay refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { NameAddrHeader } from 'sip.js';
import { AbsoluteUri } from '../../../core/sip/message/absolute-address';
import '../../../core/sip/account';

const quiet = { error: () => {}, warn: () => {}, log: () => {}, debug: () => {} } as never;

const register = (to: string, from: string, contact: string) =>
  [
    'REGISTER sip:example.com SIP/2.0',
    `To: ${to}`,
    `From: ${from}`,
    'Call-ID: unksm2.daksdj@hyphenated-host.example.com',
    'CSeq: 234902 REGISTER',
    'Max-Forwards: 70',
    'Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw',
    `Contact: ${contact}`,
    'l: 0',
    '',
    '',
  ].join('\r\n');

describe('absolute URIs in From, To and Contact', () => {
  it('reads RFC 4475 unksm2 (isbn:, http: and name: addresses) and keeps each as written', () => {
    const message = Parser.parseMessage(
      register('isbn:2983792873', '<http://www.example.com>;tag=3234233', '<name:John_Smith>'),
      quiet,
    ) as IncomingRequestMessage;
    expect(message).toBeDefined();
    expect(message.to.uri).toBeInstanceOf(AbsoluteUri);
    expect(message.to.uri.toString()).toBe('isbn:2983792873');
    expect(message.to.uri.scheme).toBe('isbn');
    expect(message.toTag).toBeUndefined();
    expect(message.from.uri.toString()).toBe('http://www.example.com');
    expect(message.fromTag).toBe('3234233');
    const contact = message.parseHeader('contact') as NameAddrHeader;
    expect(contact.uri.toString()).toBe('name:John_Smith');
    expect(message.getHeader('contact')).toBe('<name:John_Smith>');
  });

  it('reads display names, parameters, folded lines and a Contact list mixing SIP and other URIs', () => {
    const from = Grammar.parse('"Ann \\"A\\" Lee" <pres:ann@example.com> ;tag = 9x;epid=1', 'From') as NameAddrHeader;
    expect(from.displayName).toBe('Ann "A" Lee');
    expect(from.uri.toString()).toBe('pres:ann@example.com');
    expect(from.getParam('tag')).toBe('9x');
    expect(from.getParam('epid')).toBe('1');
    expect((Grammar.parse('Ann Lee\r\n <im:ann@example.com>', 'To') as NameAddrHeader).displayName).toBe('Ann Lee');
    expect((Grammar.parse('tel:+15551234;tag=1', 'To') as NameAddrHeader).uri.toString()).toBe('tel:+15551234');

    const value = '<sip:a@x;lr>;expires=5, "B" <mailto:b@example.com>;q=0.5';
    const message = Parser.parseMessage(register('<sip:a@x>', '<sip:a@x>;tag=1', value), quiet) as IncomingRequestMessage;
    expect(message.getHeaders('contact')).toEqual(['<sip:a@x;lr>;expires=5', '"B" <mailto:b@example.com>;q=0.5']);
    const [sip, mail] = [0, 1].map((i) => message.parseHeader('contact', i) as NameAddrHeader);
    expect(sip.uri.scheme).toBe('sip');
    expect(sip.uri.host).toBe('x');
    expect(sip.getParam('expires')).toBe('5');
    expect(mail.uri.toString()).toBe('mailto:b@example.com');
    expect(mail.getParam('q')).toBe('0.5');
    // An answer built from the message keeps the address as written.
    expect(new NameAddrHeader(message.to.uri.clone(), '', {}).toString()).toBe('<sip:a@x>');
    expect(message.from.uri.clone().toString()).toBe('sip:a@x');
  });

  it('still refuses what RFC 3261 does not allow, and SIP URIs the grammar refuses', () => {
    for (const [rule, value] of [
      ['To', '"Watson, Thomas" < sip:t.watson@example.org >'], // badaspec: spaces inside <>
      ['To', 'isbn:2983792873 extra'],
      ['To', '<isbn:29 83>'],
      ['To', '<isbn:2983792873'],
      ['To', '"unterminated <isbn:1>'],
      ['To', '<1isbn:2>'],
      ['To', 'isbn:1, isbn:2'], // one address only
      ['From', '<sip:a@b c>'],
      ['Contact', '<name:x>;;'],
      ['Contact', '<sip:@>, <name:x>'],
      ['From', 'caller<sip:caller@example.com>;tag=323'.replace('sip:', 'sip:[')],
    ] as const)
      expect(Grammar.parse(value, rule), `${rule}: ${value}`).toBe(-1);
  });

  it('any value gives a header, a list or -1, never an exception', () => {
    const piece = fc.constantFrom('<', '>', '"', '\\', ';', ',', '=', ' ', '\r\n ', 'isbn:', 'sip:', 'tel:+1', 'a@b', '%41', '%', 'tag', '[::1]', ':');
    const value = fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(value, fc.constantFrom('From', 'To', 'Contact'), (v, rule) => {
        const result = Grammar.parse(v, rule);
        expect(result === -1 || typeof result === 'object').toBe(true);
      }),
      { numRuns: 3000, seed: 4475 },
    );
  });
});
