import { afterEach, describe, expect, it, vi } from 'vitest';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { parse as pegParse } from 'sip.js/lib/grammar/pegjs/dist/grammar.js';
import { compileFastParse, fastGrammarInstalled, installFastGrammar, originalGrammarParse, uninstallFastGrammar } from '../../../core/sip/message/sip-grammar';
import '../../../core/sip/account';
import { SIP_MESSAGES } from '../../fixtures/fuzz/corpus';
import { probeBundledApp } from '../../support/bundled-probe';

const quiet = { error: () => {}, warn: () => {}, log: () => {}, debug: () => {} } as never;

/** Everything sip.js reads from a message: first line, the headers it parses eagerly, and every header parsed by name. */
function read(text: string): unknown {
  const message = Parser.parseMessage(text, quiet) as unknown as
    (Record<string, unknown> & { headers?: Record<string, unknown>; parseHeader(name: string): unknown }) | undefined;
  if (!message) return 'unparsed';
  const { headers = {}, ...fields } = message;
  const parsed = Object.fromEntries(
    Object.keys(headers).map((name) => [
      name,
      (() => {
        try {
          return message.parseHeader(name);
        } catch (e) {
          return `threw ${(e as Error).message}`;
        }
      })(),
    ]),
  );
  return JSON.parse(JSON.stringify({ fields, headers, parsed }));
}

/** NOTIFYs, SUBSCRIBE answers and MESSAGEs shaped like the lab Kamailio's, with what varies per contact. */
const generated = Array.from({ length: 40 }, (_, i) =>
  [
    `NOTIFY sip:alex@127.0.0.1:${40000 + i};transport=tcp SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK${i}cafe.0;rport=5060;received=127.0.0.1`,
    `To: <sip:alex@sip.lab.test>;tag=t${i}x`,
    `From: "Buddy ${i}" <sip:buddy${i}@sip.lab.test>;tag=${i}f00d-${i}`,
    `CSeq: ${i + 1} NOTIFY`,
    `Call-ID: c${i}@127.0.0.1`,
    `Max-Forwards: 70`,
    `Content-Length: 0`,
    `Event: presence${i % 3 ? '' : ';id=7'}`,
    `Contact: <sip:127.0.0.1:5060;transport=tcp>${i % 2 ? ';expires=3600' : ''}`,
    `Subscription-State: ${i % 5 ? `active;expires=${3600 - i}` : 'terminated;reason=deactivated'}`,
    `Record-Route: <sip:127.0.0.1;lr;r2=on>, <sip:10.0.0.${i}:5061;transport=tls;lr>`,
    `Content-Type: ${i % 2 ? 'application/pidf+xml' : 'multipart/related;type="application/rlmi+xml";boundary="b-' + i + '"'}`,
    `Require: eventlist`,
    `Supported: eventlist, outbound`,
    '',
    '',
  ].join('\r\n'),
);

describe('fast sip.js grammar', () => {
  // An unexpected error inside the fast grammar is reported on stderr: none may occur here.
  const errors = vi.spyOn(console, 'error');
  afterEach(() => expect(errors).not.toHaveBeenCalled());

  it('is installed when the SIP account module is loaded', () => {
    expect(fastGrammarInstalled()).toBe(true);
  });

  it('reads a corpus of real and torture messages exactly as sip.js’s own grammar', () => {
    const corpus = [...SIP_MESSAGES, ...generated];
    const fast = corpus.map(read);
    // The second reading takes the remembered values: still the same results.
    expect(corpus.map(read)).toEqual(fast);
    uninstallFastGrammar();
    try {
      expect(corpus.map(read)).toEqual(fast);
    } finally {
      installFastGrammar();
    }
    expect(fast.filter((m) => m !== 'unparsed').length).toBeGreaterThan(40);
  });

  it('gives the same result as sip.js for every start rule, valid or not', () => {
    const cases: [string, string][] = [
      ['uuid', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'],
      ['uuid', 'not-a-uuid'],
      ['Name_Addr_Header', '"Kim Lee" <sip:kim@example.com;transport=tcp>;tag=1'],
      ['absoluteURI', 'wss://edge.example.com:8443/ws'],
      ['WWW_Authenticate', 'Digest realm="sip.lab.test", nonce="abc", qop="auth", algorithm=MD5'],
      ['Content_Type', 'application/pidf+xml;charset=UTF-8'],
      ['Content_Type', '///'],
      ['SIP_URI', 'sips:alex@[2001:db8::1]:5061;maddr=x?subject=hi'],
      ['Via', ''],
    ];
    for (const [rule, input] of cases) expect(JSON.stringify(Grammar.parse(input, rule))).toBe(JSON.stringify(originalGrammarParse(input, rule)));
  });

  it('reads Via, From and To that differ only in branch, tag or user exactly as sip.js, each with its own values', () => {
    const cases: [string, string][] = [];
    for (const tag of ['abc', '12eea4ca5c6ee4c5df0055cdc841996a-78550000', "x.y!z%*_+`'~-9"]) {
      cases.push(
        ['From', `<sip:buddy1@lab.test>;tag=${tag}`],
        ['To', `"Kim" <sip:kim@lab.test;transport=tcp>;tag=${tag};x=1`],
        ['From', `sip:kim@lab.test ; TAG = ${tag}`],
      );
      cases.push(
        ['Via', `SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK${tag};rport=5060;received=127.0.0.1`],
        ['Via', `SIP/2.0/UDP [2001:db8::1];rport;branch=${tag}`],
      );
    }
    cases.push(
      ['From', '<sip:a@b>;tag=one;tag=two'],
      ['To', '<sip:Other.User@lab.test>;tag=1'],
      ['To', '<sip:a%41b@lab.test>;tag=1'],
      ['From', '"sip:x@y" <sip:a@b>;tag=1'],
      ['From', '<sip:PdUsEr7@b>;tag=1'],
      ['To', 'sips:Kim@[2001:db8::1]:5061;tag=9'],
      ['SIP_URI', 'sip:buddy1@lab.test'],
      ['SIP_URI', 'sip:buddy2@lab.test'],
      ['SIP_URI', 'sips:Kim.Lee@[2001:db8::1]:5061;transport=tls?subject=x'],
      ['SIP_URI', 'sip:lab.test;maddr=sip:x@y'],
      ['SIP_URI', 'sip:a%41@lab.test'],
      ['SIP_URI', 'sip:@lab.test'],
      ['From', '<sip:a@b;tag=inside>'],
      ['From', '<sip:PdVaRyInG7@b>;tag=PdVaRyInG7'],
      ['To', '<sip:a@b>;tag="quoted"'],
      ['To', '<sip:a@b>;tag='],
      ['Via', 'SIP/2.0/TCP host;branch=z9hG4bK1, SIP/2.0/TCP other;branch=z9hG4bK2'],
      ['Via', 'not a via;branch=z9hG4bK1'],
      ['Call_ID', 'ojrpc3as7lnm9vdiigud'],
      ['Call_ID', 'a@127.0.0.1'],
      ['Call_ID', 'x y'],
      ['Call_ID', 'a@b@c'],
      ['Call_ID', '"q"<>:/[]?{}@x'],
    );
    // Twice: the second reading takes the remembered values.
    for (let pass = 0; pass < 2; pass++)
      for (const [rule, input] of cases)
        expect(JSON.stringify(Grammar.parse(input, rule)), `${rule} ${input}`).toBe(JSON.stringify(originalGrammarParse(input, rule)));
    // Where sip.js refuses an address that is not a SIP URI, the fast grammar reads it (absolute-address.test.ts).
    expect(originalGrammarParse('<tel:+15551234>;tag=1', 'From')).toBe(-1);
    expect(String((Grammar.parse('<tel:+15551234>;tag=1', 'From') as { uri: unknown }).uri)).toBe('tel:+15551234');
    const first = Grammar.parse('<sip:kim@lab.test>;tag=one', 'From') as { getParam(k: string): string; uri: unknown };
    const second = Grammar.parse('<sip:kim@lab.test>;tag=two', 'From') as typeof first;
    const other = Grammar.parse('<sip:lee@lab.test>;tag=three', 'To') as typeof first;
    expect([first.getParam('tag'), second.getParam('tag'), other.getParam('tag')]).toEqual(['one', 'two', 'three']);
    expect(String(other.uri)).toBe('sip:lee@lab.test');
    expect(second.uri).not.toBe(first.uri);
  });

  it('gives every caller its own copy of a remembered result', () => {
    const first = Grammar.parse('<sip:127.0.0.1:5060;transport=tcp>', 'Contact') as { parsed: { uri: { setParam(k: string, v: string): void } } }[];
    first[0].parsed.uri.setParam('changed', 'yes');
    const second = Grammar.parse('<sip:127.0.0.1:5060;transport=tcp>', 'Contact');
    expect(second).not.toBe(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(originalGrammarParse('<sip:127.0.0.1:5060;transport=tcp>', 'Contact')));
    expect(Object.getPrototypeOf((second as typeof first)[0].parsed.uri)).toBe(Object.getPrototypeOf(first[0].parsed.uri));
  });

  it('is installed in the bundled app too (the bundler reprints sip.js’s source)', async () => {
    expect(await probeBundledApp('core/sip/message/sip-grammar.ts', 'fastGrammarInstalled')).toEqual({ installed: true });
  }, 60_000);

  it('refuses, naming what it missed, a grammar whose shape it does not know', () => {
    expect(() =>
      compileFastParse(function other(input: string) {
        return input;
      } as never),
    ).toThrow(/shape \(input, options\)/);
    const noTable = new Function(`return ${(pegParse as () => unknown).toString().replace('const peg$bytecode = [', 'const peg$table = [')}`)();
    expect(() => compileFastParse(noTable)).toThrow(/peg\$bytecode/);
  });
});
