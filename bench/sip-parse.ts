/**
 * SIP messages read per second through sip.js (`Parser.parseMessage` plus the headers a
 * presence NOTIFY makes sip.js parse later: Event, Subscription-State, Contact), with our fast
 * grammar entry point (core/sip/message/sip-grammar.ts) and, in the same process, with sip.js's own
 * `Grammar.parse` (the peer: what every message cost before).
 */
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { installFastGrammar, uninstallFastGrammar } from '../core/sip/message/sip-grammar';

const quiet = { error: () => {}, warn: () => {}, log: () => {}, debug: () => {} } as never;

/** A partial-state NOTIFY as the lab Kamailio sends one per contact, with a PIDF body. */
function notify(i: number): string {
  const body = `<?xml version="1.0"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:buddy${i}@bench.test"><tuple id="t${i}"><status><basic>open</basic></status></tuple></presence>`;
  return [
    `NOTIFY sip:alex@127.0.0.1:41234;transport=tcp SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK${i.toString(16)}a1.0`,
    `To: <sip:alex@bench.test>;tag=${i}x9q`,
    `From: <sip:buddy${i}@bench.test>;tag=9962fb06b00e1120c18d1a72336b9832-${i}`,
    `CSeq: ${2 + (i % 7)} NOTIFY`,
    `Call-ID: c${i}k2j3h4@127.0.0.1`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `User-Agent: kamailio (5.6.3 (x86_64/linux))`,
    `Max-Forwards: 70`,
    `Event: presence`,
    `Contact: <sip:127.0.0.1:5060;transport=tcp>`,
    `Subscription-State: active;expires=${3600 - (i % 600)}`,
    `Content-Type: application/pidf+xml`,
    '',
    body,
  ].join('\r\n');
}

export function sipParsing(): void {
  const messages = Array.from({ length: 500 }, (_, i) => notify(i));
  const read = (m: string) => {
    const message = Parser.parseMessage(m, quiet)!;
    message.parseHeader('event');
    message.parseHeader('subscription-state');
    message.parseHeader('contact');
  };
  const rate = (seconds: number) => {
    const start = process.hrtime.bigint();
    let n = 0;
    while (process.hrtime.bigint() - start < BigInt(seconds * 1e9)) {
      for (const m of messages) {
        read(m);
        n++;
      }
    }
    return n / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  uninstallFastGrammar();
  rate(0.3);
  const before = rate(1);
  installFastGrammar();
  rate(0.3);
  const after = rate(1);
  // No target of its own: it is part of every per-contact figure (sign-in, presence latency).
  console.log(`     ${'SIP NOTIFYs read per second through sip.js'.padEnd(46)} ${after.toFixed(0).padStart(14)}   (no target of its own)`);
  console.log(
    `     with sip.js's own Grammar.parse (before): ${before.toFixed(0)}/s, ${(1000 / before).toFixed(2)} ms a message; ours is ${(after / before).toFixed(1)}× faster (${(1000 / after).toFixed(3)} ms a message)`,
  );
}
