/**
 * 10,000 fuzzed inputs, 2,500 of each kind: SIP messages (our stream framer, then sip.js's
 * parser as the transport uses it), PIDF bodies, RLMI/multipart event-list bodies, and SOAP
 * responses (the safe XML parser and the CUPS readers). Seeded mutations of the fuzz corpus
 * (test/fixtures/fuzz). Counted: accepted, refused with an error in words, crashed (an error
 * that means a bug: TypeError, RangeError…), and the slowest input (a hang shows there).
 */
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { installFastMessages } from '../core/sip/message/fast-message';
import { installFastGrammar } from '../core/sip/message/sip-grammar';
import { readAllConfig, readContactList, readLogin } from '../core/cups/parse';
import { readFault } from '../core/cups/soap';
import { parsePidf } from '../core/sip/codecs/pidf';
import { SipStreamFramer } from '../core/sip/transport/tcp-transport';
import { EventListError, EventListState } from '../core/sip/usages/event-list';
import { find, parseXml } from '../core/xml/safe-xml';
import { CT, body, pidf, uri, type Member } from '../test/support/event-list-bodies';
import { mutate, seededRandom } from '../test/support/mutate';
import { ms, type Report } from './report';

const AREA = 'fuzz';
const EACH = 2500;
const SEED = 0x5eed_7e57;

function isBug(error: unknown): boolean {
  return !(error instanceof Error) || error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
}

const silent = { debug() {}, log() {}, warn() {}, error() {} };

const members = (n: number): Member[] =>
  Array.from({ length: n }, (_, i) => ({
    uri: uri(`m${i}`),
    state: 'active' as const,
    pidf: pidf(`m${i}`, (['available', 'busy', 'away', 'dnd'] as const)[i % 4], `note ${i}`),
  }));
const RLMI = [body(0, true, members(8)), body(1, false, members(3)), body(2, true, members(12), '\n')];

type Kind = { name: string; corpus: string[]; feed: (input: string) => 'accepted' | 'refused' };
type Corpus = typeof import('../test/fixtures/fuzz/corpus');

const kinds = ({ PIDF_BODIES, SIP_MESSAGES, SOAP_BODIES }: Corpus): Kind[] => [
  {
    name: 'SIP messages',
    corpus: SIP_MESSAGES,
    feed: (input) => {
      const framer = new SipStreamFramer(64 * 1024);
      let messages: string[];
      try {
        messages = framer.push(Buffer.from(input, 'utf8'));
      } catch (error) {
        if (isBug(error)) throw error;
        return 'refused';
      }
      let accepted = false;
      for (const message of messages) if (Parser.parseMessage(message, silent as never)) accepted = true;
      return accepted ? 'accepted' : 'refused';
    },
  },
  {
    name: 'PIDF bodies',
    corpus: PIDF_BODIES,
    feed: (input) => (parsePidf(input) ? 'accepted' : 'refused'),
  },
  {
    name: 'RLMI event-list bodies',
    corpus: RLMI,
    feed: (input) => {
      const list = new EventListState();
      list.apply(RLMI[0], CT);
      try {
        list.apply(input, CT);
        return 'accepted';
      } catch (error) {
        if (error instanceof EventListError) return 'refused';
        throw error;
      }
    },
  },
  {
    name: 'SOAP responses',
    corpus: SOAP_BODIES,
    feed: (input) => {
      const tree = parseXml(input, { what: 'SOAP response' });
      let accepted = false;
      for (const read of [
        () => readFault(tree),
        () => readLogin(find(tree, 'login-response')),
        () => readAllConfig(find(tree, 'get-all-config-response')),
        () => readContactList(find(tree, 'get-contact-list-response')),
      ]) {
        try {
          read();
          accepted = true;
        } catch (error) {
          if (isBug(error)) throw error;
        }
      }
      return accepted ? 'accepted' : 'refused';
    },
  },
];

export async function fuzzInputs(report: Report): Promise<void> {
  // SIP messages are read as the app reads them: sip.js with the app's grammar and message methods.
  installFastGrammar();
  installFastMessages();
  let corpus: Corpus;
  try {
    corpus = await import('../test/fixtures/fuzz/corpus');
  } catch (error) {
    report.add(AREA, 'fuzzed inputs', `not measured: the fuzz corpus cannot be loaded (${(error as Error).message})`, '10,000 inputs, 0 crashed', false);
    return;
  }
  let total = 0;
  let crashes = 0;
  for (const kind of kinds(corpus)) {
    const random = seededRandom(SEED + kind.name.length);
    const counts = { accepted: 0, refused: 0, crashed: 0 };
    let slowest = 0;
    const examples: string[] = [];
    for (let i = 0; i < EACH; i += 1) {
      const input = mutate(kind.corpus[Math.floor(random() * kind.corpus.length)], random);
      const t = performance.now();
      try {
        counts[kind.feed(input)] += 1;
      } catch (error) {
        if (isBug(error)) {
          counts.crashed += 1;
          if (examples.length < 2) examples.push(`#${i}: ${(error as Error)?.message ?? error}`);
        } else counts.refused += 1;
      }
      slowest = Math.max(slowest, performance.now() - t);
    }
    total += EACH;
    crashes += counts.crashed;
    report.add(
      AREA,
      `${EACH} mutated ${kind.name}: accepted / refused in words / crashed`,
      `${counts.accepted} / ${counts.refused} / ${counts.crashed}${examples.length ? ` (${examples.join('; ')})` : ''}; slowest ${ms(slowest)}`,
      '0 crashed',
      counts.crashed === 0,
    );
  }
  report.atMost(AREA, `crashes over all ${total} inputs`, crashes, 0);
}
