/**
 * Event-list (RLS, RFC 4662) benchmarks, run by `npm run bench` (bench/run.ts):
 *
 * - Event-list NOTIFY bodies (multipart/related + RLMI + PIDF) read per second by our parser
 *   (`EventListState.apply`: framing, RLMI, every PIDF, composition), against a bare
 *   fast-xml-parser parse of the same bodies' XML parts split naively (the floor).
 * (Sign-in through an event list against one subscription per contact is measured by
 * bench/sign-in.ts, with the baresip peer.)
 */
import { XMLParser } from 'fast-xml-parser';
import { buildPidf } from '../core/sip';
import { EventListState } from '../core/sip/usages/event-list';
import type { OwnStatus } from '../shared/domain';

const row = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'ok  ' : 'MISS'} ${what.padEnd(46)} ${value.padStart(14)}   target ${target}`);
const info = (what: string, value: string) => console.log(`     ${what.padEnd(46)} ${value.padStart(14)}`);

const BOUNDARY = 'bench-boundary-4662';
const CONTENT_TYPE = `multipart/related;type="application/rlmi+xml";start="<root@bench>";boundary="${BOUNDARY}"`;
const AVAILABILITY: OwnStatus['availability'][] = ['available', 'away', 'busy', 'dnd'];

/** An event-list body shaped like Kamailio's (CRLF, RLMI root first, one PIDF per member). */
function eventListBody(version: number, fullState: boolean, members: number[]): string {
  const rlmi =
    `<?xml version="1.0"?>\r\n<list uri="sip:alex-list@bench.test" xmlns="urn:ietf:params:xml:ns:rlmi" version="${version}" fullState="${fullState}">` +
    members.map((i) => `<resource uri="sip:user${i}@bench.test"><instance id="x${i}" state="active" cid="c${i}@bench"/></resource>`).join('') +
    `</list>`;
  const part = (id: string, type: string, text: string) =>
    `--${BOUNDARY}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${id}>\r\nContent-Type: ${type}\r\n\r\n${text}\r\n\r\n`;
  return (
    part('root@bench', 'application/rlmi+xml;charset="UTF-8"', rlmi) +
    members
      .map((i) =>
        part(
          `c${i}@bench`,
          'application/pidf+xml',
          buildPidf(`sip:user${i}@bench.test`, { availability: AVAILABILITY[i % 4], note: `note ${i} with some words` }, `t${i}`),
        ),
      )
      .join('') +
    `--${BOUNDARY}--\r\n`
  );
}

function rate(bodies: string[], fn: (b: string) => unknown, seconds = 1): number {
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() - start < BigInt(seconds * 1e9)) {
    for (const b of bodies) {
      fn(b);
      n++;
    }
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

export function eventListParsing(): void {
  const bare = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, processEntities: false });
  // The floor: split on the boundary and parse each XML part, nothing checked or interpreted.
  const bareParse = (b: string) => {
    for (const chunk of b.split(`--${BOUNDARY}`)) {
      const at = chunk.indexOf('\r\n\r\n');
      if (at >= 0) bare.parse(chunk.slice(at + 4));
    }
  };
  const ours = (b: string) => new EventListState().apply(b, CONTENT_TYPE);

  // Typical traffic after sign-in: partial NOTIFYs (versions 2…1001) naming the one member
  // that changed, read in order by one list state; each pass starts from a full state.
  const base = eventListBody(1, true, [0]);
  const partials = Array.from({ length: 1000 }, (_, i) => eventListBody(i + 2, false, [i]));
  let list = new EventListState();
  let calls = 0;
  const inOrder = (b: string) => {
    if (calls++ % partials.length === 0) {
      list = new EventListState();
      list.apply(base, CONTENT_TYPE);
    }
    return list.apply(b, CONTENT_TYPE);
  };
  rate(partials, inOrder, 0.3); // warm-up
  calls = 0;
  const oursRate = rate(partials, inOrder);
  const bareRate = rate(partials, bareParse);
  row('event-list NOTIFY bodies read per second', oursRate.toFixed(0), '≥ 20,000/s (DESIGN)', oursRate >= 20_000);
  info('ratio to a bare parse of the same bodies', `${(oursRate / bareRate).toFixed(2)} (bare ${bareRate.toFixed(0)}/s)`);

  // Sign-in: one full-state body with 1,000 members.
  const big = eventListBody(
    1,
    true,
    Array.from({ length: 1000 }, (_, i) => i),
  );
  rate([big], ours, 0.3);
  const bigOurs = rate([big], ours, 2);
  const bigBare = rate([big], bareParse, 2);
  info('1,000-member full state (KB)', (Buffer.byteLength(big) / 1024).toFixed(0));
  info('1,000-member full state read (ms)', (1000 / bigOurs).toFixed(1));
  info('ratio to a bare parse of the same body', `${(bigOurs / bigBare).toFixed(2)} (bare ${(1000 / bigBare).toFixed(1)} ms)`);
}
