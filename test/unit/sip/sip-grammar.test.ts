import { afterEach, describe, expect, it, vi } from 'vitest';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { parse as pegParse } from 'sip.js/lib/grammar/pegjs/dist/grammar.js';
import { compileFastParse, fastGrammarInstalled, installFastGrammar, originalGrammarParse, uninstallFastGrammar } from '../../../core/sip/sip-grammar';
import '../../../core/sip/account';
import { SIP_MESSAGES } from '../../fixtures/fuzz/corpus';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const quiet = { error: () => {}, warn: () => {}, log: () => {}, debug: () => {} } as never;

/** Everything sip.js reads from a message: first line, the headers it parses eagerly, and every header parsed by name. */
function read(text: string): unknown {
  const message = Parser.parseMessage(text, quiet) as unknown as Record<string, unknown> & { headers?: Record<string, unknown>; parseHeader(name: string): unknown } | undefined;
  if (!message) return 'unparsed';
  const { headers = {}, ...fields } = message;
  const parsed = Object.fromEntries(Object.keys(headers).map((name) => [name, (() => { try { return message.parseHeader(name); } catch (e) { return `threw ${(e as Error).message}`; } })()]));
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

  it('gives every caller its own copy of a remembered result', () => {
    const first = Grammar.parse('<sip:127.0.0.1:5060;transport=tcp>', 'Contact') as { parsed: { uri: { setParam(k: string, v: string): void } } }[];
    first[0].parsed.uri.setParam('changed', 'yes');
    const second = Grammar.parse('<sip:127.0.0.1:5060;transport=tcp>', 'Contact');
    expect(second).not.toBe(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(originalGrammarParse('<sip:127.0.0.1:5060;transport=tcp>', 'Contact')));
    expect(Object.getPrototypeOf((second as typeof first)[0].parsed.uri)).toBe(Object.getPrototypeOf(first[0].parsed.uri));
  });

  it('is installed in the bundled app too (the bundler reprints sip.js’s source)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-grammar-'));
    try {
      const root = join(import.meta.dirname, '../../..');
      writeFileSync(
        join(dir, 'entry.ts'),
        `import { fastGrammarInstalled } from ${JSON.stringify(join(root, 'core/sip/sip-grammar.ts'))};\n` +
          `import ${JSON.stringify(join(root, 'core/sip/account.ts'))};\n` +
          `console.log(JSON.stringify({ installed: fastGrammarInstalled() }));\n`,
      );
      // As scripts/build-electron.mjs bundles Electron's main process.
      await build({ entryPoints: [join(dir, 'entry.ts')], outfile: join(dir, 'out.cjs'), bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron'], logLevel: 'silent', nodePaths: [join(root, 'node_modules')], define: { 'import.meta.url': '__importMetaUrl' }, banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" } });
      const result = execFileSync(process.execPath, [join(dir, 'out.cjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(JSON.parse(result.trim().split('\n').pop()!)).toEqual({ installed: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses, naming what it missed, a grammar whose shape it does not know', () => {
    expect(() => compileFastParse(function other(input: string) { return input; } as never)).toThrow(/shape \(input, options\)/);
    const noTable = new Function(`return ${(pegParse as () => unknown).toString().replace('const peg$bytecode = [', 'const peg$table = [')}`)();
    expect(() => compileFastParse(noTable)).toThrow(/peg\$bytecode/);
  });
});
