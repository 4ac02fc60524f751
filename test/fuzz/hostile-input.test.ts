/**
 * Hostile input, deterministic: seeded mutations of real and torture-test SIP messages, PIDF
 * and is-composing bodies and SOAP responses, fed to every parser we depend on (our TCP stream
 * framer, sip.js's message parser as our transport uses it, parsePidf, parseIsComposing, the
 * safe XML parser with the CUPS readers), and a stream of them to a live TcpTransport + sip.js
 * user agent over a real socket. Nothing may crash or hang, and every refusal must come with a
 * specific reason. A failing seed/index can be replayed with the same numbers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAgent } from 'sip.js';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { readAllConfig, readContactList, readLogin } from '../../core/cups/parse';
import { readFault } from '../../core/cups/soap';
import { EventListError, EventListState } from '../../core/sip/usages/event-list';
import { parseIsComposing } from '../../core/sip/codecs/is-composing';
import { composePresence, parsePidf } from '../../core/sip/codecs/pidf';
import { SipStreamFramer, TcpTransport, type TcpTransportOptions } from '../../core/sip/transport/tcp-transport';
import { find, parseXml } from '../../core/xml/safe-xml';
import { IS_COMPOSING_BODIES, PIDF_BODIES, SIP_MESSAGES, SOAP_BODIES } from '../fixtures/fuzz/corpus';
import { CT, body, pidf, uri, type Member } from '../support/event-list-bodies';
import { mutate, seededRandom } from '../support/mutate';
import { waitForEvent } from '../support/wait';

const SEED = 0x5eed_2026;

/** Errors that mean a bug in our code (or a parser), never a refusal of bad input. */
function isBug(error: unknown): boolean {
  return (
    !(error instanceof Error) || error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError
  );
}

/** Recomputes Content-Length so a mutated message still frames (half the time), to reach the parser. */
function reframe(message: string): string {
  const split = message.indexOf('\r\n\r\n');
  if (split < 0) return message;
  const head = message
    .slice(0, split)
    .replace(/^(Content-Length|l)[ \t]*:.*$/gim, '')
    .replace(/(\r\n)+/g, '\r\n')
    .replace(/\r\n$/, '');
  const body = message.slice(split + 4);
  return `${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('fuzz: parsers', () => {
  it('10,000 mutated SIP messages: the framer and sip.js parser refuse bad ones with a reason, never crash', () => {
    const random = seededRandom(SEED);
    let framed = 0;
    let framerRefused = 0;
    let parsed = 0;
    let parserRefused = 0;
    const bugs: string[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const base = SIP_MESSAGES[Math.floor(random() * SIP_MESSAGES.length)];
      const input = random() < 0.5 ? reframe(mutate(base, random)) : mutate(base, random);
      // Framer: arbitrary segmenting of the bytes.
      const framer = new SipStreamFramer(64 * 1024);
      const bytes = Buffer.from(input, 'utf8');
      const out: string[] = [];
      try {
        for (let at = 0; at < bytes.length;) {
          const size = 1 + Math.floor(random() * 700);
          out.push(...framer.push(bytes.subarray(at, at + size)));
          at += size;
        }
        framed += out.length;
      } catch (error) {
        if (isBug(error)) bugs.push(`#${i} framer: ${(error as Error)?.stack}`);
        expect((error as Error).message.length).toBeGreaterThan(10);
        framerRefused += 1;
      }
      // sip.js's parser, as our transport hands it each framed message.
      for (const message of out.length ? out : [input]) {
        const logged: string[] = [];
        const logger = { error: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), log() {}, debug() {} };
        try {
          const result = Parser.parseMessage(message, logger as never);
          if (result) parsed += 1;
          else {
            parserRefused += 1;
            if (logged.length === 0) bugs.push(`#${i} parser refused without a reason: ${JSON.stringify(message.slice(0, 200))}`);
          }
        } catch (error) {
          // The transport survives this (it catches around the stack), but note it as a refusal.
          parserRefused += 1;
          expect(String((error as Error)?.message ?? error).length).toBeGreaterThan(0);
        }
      }
    }
    expect(bugs).toEqual([]);
    // The mutations reach both outcomes in quantity: this is a test of refusals and of survivals.
    expect(framerRefused).toBeGreaterThan(500);
    expect(parserRefused).toBeGreaterThan(500);
    expect(framed).toBeGreaterThan(3000);
    expect(parsed).toBeGreaterThan(2000);
  }, 180_000);

  it('10,000 mutated PIDF bodies: parsed, or refused with a specific reason', () => {
    const random = seededRandom(SEED + 1);
    const bugs: string[] = [];
    const reasons = new Map<string, number>();
    let ok = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const input = mutate(PIDF_BODIES[Math.floor(random() * PIDF_BODIES.length)], random);
      try {
        const parsed = parsePidf(input);
        composePresence(parsed.devices);
        ok += 1;
      } catch (error) {
        if (isBug(error)) bugs.push(`#${i}: ${(error as Error)?.stack ?? error} for ${JSON.stringify(input.slice(0, 300))}`);
        const reason = (error as Error).message;
        expect(reason).toMatch(/presence document|<presence>/);
        const kind = reason.replace(/\(.*$/, '').trim();
        reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
      }
    }
    expect(bugs).toEqual([]);
    // Not-well-formed mutations are refused (not read leniently), so fewer parse than refuse.
    expect(ok).toBeGreaterThan(1500);
    expect([...reasons.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
  });

  it('3,000 mutated is-composing bodies: read, or refused with a specific reason', () => {
    const random = seededRandom(SEED + 2);
    const bugs: string[] = [];
    let ok = 0;
    for (let i = 0; i < 3000; i += 1) {
      const input = mutate(IS_COMPOSING_BODIES[i % IS_COMPOSING_BODIES.length], random);
      try {
        expect(typeof parseIsComposing(input).active).toBe('boolean');
        ok += 1;
      } catch (error) {
        if (isBug(error)) bugs.push(`#${i}: ${(error as Error)?.stack ?? error}`);
        expect((error as Error).message).toMatch(/typing indication/);
      }
    }
    expect(bugs).toEqual([]);
    expect(ok).toBeGreaterThan(300);
  });

  it('5,000 mutated SOAP documents: the safe XML parser and CUPS readers read or refuse, never crash', () => {
    const random = seededRandom(SEED + 3);
    const bugs: string[] = [];
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < 5000; i += 1) {
      const input = mutate(SOAP_BODIES[Math.floor(random() * SOAP_BODIES.length)], random);
      let tree;
      try {
        tree = parseXml(input, { what: 'SOAP response' });
      } catch (error) {
        if (isBug(error)) bugs.push(`#${i} parseXml: ${(error as Error)?.stack ?? error}`);
        expect((error as Error).message).toMatch(/SOAP response/);
        refused += 1;
        continue;
      }
      for (const [name, read] of [
        ['fault', () => readFault(tree)],
        ['login', () => readLogin(find(tree, 'login-response'))],
        ['all-config', () => readAllConfig(find(tree, 'get-all-config-response'))],
        ['contact-list', () => readContactList(find(tree, 'get-contact-list-response'))],
      ] as const) {
        try {
          read();
        } catch (error) {
          if (isBug(error)) bugs.push(`#${i} ${name}: ${(error as Error)?.stack ?? error}`);
          expect((error as Error).message.length).toBeGreaterThan(10);
        }
      }
      ok += 1;
    }
    expect(bugs).toEqual([]);
    expect(ok).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(200);
  });
});

describe('fuzz: a hostile peer on a live transport', () => {
  let server: Server;
  let port = 0;
  const peers: Socket[] = [];
  const all = new Set<Socket>();
  const pendingPeers: Array<(s: Socket) => void> = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      all.add(socket);
      socket.once('close', () => all.delete(socket));
      socket.on('error', () => undefined);
      const waiter = pendingPeers.shift();
      if (waiter) waiter(socket);
      else peers.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of all) socket.destroy();
    await new Promise((r) => server.close(r));
  });

  const nextPeer = () => new Promise<Socket>((resolve) => (peers.length ? resolve(peers.shift()!) : pendingPeers.push(resolve)));

  it('2,000 mutated messages over TCP: the user agent survives, every refusal is logged, and it still works after', async () => {
    const random = seededRandom(SEED + 4);
    const log: string[] = [];
    const delivered: string[] = [];
    const transportOptions: TcpTransportOptions = { host: '127.0.0.1', port, maxMessageBytes: 64 * 1024, log: (l) => log.push(l) };
    const ua = new UserAgent({
      uri: UserAgent.makeURI('sip:alex@lab.test'),
      transportConstructor: TcpTransport,
      transportOptions,
      viaHost: '127.0.0.1',
      contactName: 'alex',
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConnector: (level, category, _label, content) => log.push(`sip.js ${level} ${category}: ${content}`),
      delegate: {
        onMessage: (message) => {
          delivered.push(message.request.callId);
          message.accept().catch(() => undefined);
        },
      },
    });
    try {
      const sentinel = (n: number) =>
        [
          'MESSAGE sip:alex@127.0.0.1;transport=tcp SIP/2.0',
          `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bK-sentinel-${n}`,
          'From: <sip:peer@lab.test>;tag=p',
          'To: <sip:alex@lab.test>',
          `Call-ID: sentinel-${n}`,
          'CSeq: 1 MESSAGE',
          'Max-Forwards: 70',
          'Content-Type: text/plain',
          'Content-Length: 2',
          '',
          'ok',
        ].join('\r\n');
      let sentinelsDelivered = 0;
      let closedByUs = 0;
      for (let batch = 0; batch < 100; batch += 1) {
        const peerReady = nextPeer();
        if (batch === 0) await ua.start();
        else await ua.reconnect();
        const peer = await peerReady;
        const closed = waitForEvent<TransportState>(
          (cb) => {
            const listener = (s: TransportState) => cb(s);
            ua.transport.stateChange.addListener(listener);
            return () => ua.transport.stateChange.removeListener(listener);
          },
          (s) => s === TransportState.Disconnected,
          `transport closed after batch ${batch}`,
          10_000,
        );
        const before = log.filter((l) => l.includes('sent unreadable data')).length;
        const stream = Array.from({ length: 20 }, () => {
          const m = mutate(SIP_MESSAGES[Math.floor(random() * SIP_MESSAGES.length)], random);
          return random() < 0.7 ? reframe(m) : m;
        });
        peer.write(stream.join('') + sentinel(batch));
        // The peer hangs up after its batch; the transport must notice and end up disconnected.
        peer.end();
        await closed;
        if (delivered.includes(`sentinel-${batch}`)) sentinelsDelivered += 1;
        if (log.filter((l) => l.includes('sent unreadable data')).length > before) closedByUs += 1;
      }
      // Each framing refusal said why; sip.js said why for each message it dropped.
      for (const line of log.filter((l) => l.includes('sent unreadable data')))
        expect(line).toMatch(
          /\((SIP message over a stream without Content-Length|SIP body of \d+ bytes is too large|SIP header section too large|two different Content-Length headers \(\d+(?: and \d+)+\)|Content-Length ".*" is not a number of bytes)\); closing the connection/,
        );
      expect(closedByUs).toBeGreaterThan(0);
      expect(log.some((l) => /sip\.js (warn|error)/.test(l))).toBe(true);
      expect(sentinelsDelivered).toBeGreaterThan(10);
      // sip.js itself throws on some of these (a TypeError deep in its core): the transport
      // drops that one message with the reason instead of letting it take the app down.
      for (const line of log.filter((l) => l.includes('could not be handled'))) expect(line).toMatch(/could not be handled \(.+\); dropped$/);

      // After the storm a clean connection carries a valid message to the application.
      const peerReady = nextPeer();
      await ua.reconnect();
      const peer = await peerReady;
      const got = waitForEvent<string>(
        (cb) => {
          const id = setInterval(() => delivered.includes('sentinel-final') && cb('sentinel-final'), 5);
          return () => clearInterval(id);
        },
        () => true,
        'final message',
        5000,
      );
      peer.write(sentinel(-1).replace(/sentinel--1/g, 'sentinel-final'));
      expect(await got).toBe('sentinel-final');
      peer.destroy();
    } finally {
      await ua.stop().catch(() => undefined);
    }
  }, 120_000);
});

describe('fuzz: event-list (RLS) bodies', () => {
  // Real shapes: full and partial state, CRLF and bare LF, members with and without a presence
  // document, terminated instances with reasons.
  const members = (n: number, offset = 0): Member[] =>
    Array.from({ length: n }, (_, i) => {
      const id = `m${i + offset}`;
      if (i % 7 === 6) return { uri: uri(id), state: 'terminated', reason: i % 2 ? 'rejected' : 'deactivated' };
      if (i % 5 === 4) return { uri: uri(id), state: 'pending' };
      return { uri: uri(id), state: 'active', pidf: pidf(id, (['available', 'busy', 'away', 'dnd'] as const)[i % 4], `note ${i}`) };
    });
  const BODIES = [body(0, true, members(8)), body(1, false, members(3, 2)), body(2, true, members(12), '\n'), body(3, false, [{ uri: uri('m1') }])];

  it('10,000 mutated RLMI/multipart bodies: applied, or refused with a specific EventListError, never a crash', () => {
    const random = seededRandom(SEED + 5);
    const bugs: string[] = [];
    const reasons = new Set<string>();
    let applied = 0;
    let refused = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const input = mutate(BODIES[Math.floor(random() * BODIES.length)], random);
      // Each mutated body against a list that already has a full state, so partial ones apply too.
      const list = new EventListState();
      list.apply(BODIES[0], CT);
      const before = list.version;
      try {
        const result = list.apply(input, CT);
        expect(['applied', 'stale', 'no-base']).toContain(result.outcome);
        applied += 1;
      } catch (error) {
        if (!(error instanceof EventListError)) bugs.push(`#${i}: ${(error as Error)?.stack ?? error} for ${JSON.stringify(input.slice(0, 300))}`);
        else {
          expect(error.message.length).toBeGreaterThan(15);
          expect(list.version).toBe(before); // a refused body changes nothing
          reasons.add(error.message.replace(/["(<].*$/, '').trim());
        }
        refused += 1;
      }
    }
    expect(bugs).toEqual([]);
    expect(applied).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
    expect(reasons.size).toBeGreaterThan(3); // specific reasons, not one catch-all
  }, 120_000);
});
