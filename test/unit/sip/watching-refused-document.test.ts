/**
 * A per-contact presence document that cannot be read (not well-formed, duplicate attributes,
 * cut off) is refused in words and the contact keeps the state it had: a broken NOTIFY never
 * turns a colleague offline or blank. Through `Watching` on a real sip.js user agent over the
 * in-memory transport, so the path is the one the account uses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence } from '../../../shared/domain';
import { DigestCredentialCache } from '../../../core/sip/message/digest';
import { Watching } from '../../../core/sip/usages/watching';
import { startFakeSip, type FakeSip } from '../../support/fake-sip';

const MARIA = 'sip:maria@lab.test';
const pidf = (basic: string, note: string) =>
  `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${MARIA}"><tuple id="a"><status><basic>${basic}</basic></status><note>${note}</note></tuple></presence>`;

let sip: FakeSip;
beforeEach(async () => {
  sip = await startFakeSip();
});
afterEach(async () => {
  await sip.stop();
});

function watchMaria() {
  const shown: Presence[] = [];
  const log: string[] = [];
  const credentials = new DigestCredentialCache({ username: 'alex', password: 'secret' });
  const watching = new Watching({
    agent: () => ({ ua: sip.ua, credentials }),
    log: (line) => log.push(line),
    presence: (uri, presence) => uri === MARIA && shown.push(presence),
  });
  watching.watch(MARIA);
  const [subscribe] = sip.take('SUBSCRIBE');
  expect(subscribe).toBeDefined();
  sip.respond(subscribe!, 200, 'OK', ['Expires: 600', 'Contact: <sip:server@127.0.0.2:5060;transport=tcp>'], 'srv1');
  return { watching, subscribe: subscribe!, shown, log };
}

describe('a refused presence document keeps the contact as it was', () => {
  const broken: Array<[string, string]> = [
    ['not well-formed', `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${MARIA}"><tuple id="a"><status><basic>closed</basic></status>`],
    [
      'a duplicate attribute',
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${MARIA}" entity="x"><tuple id="a"><status><basic>closed</basic></status></tuple></presence>`,
    ],
    ['an HTML page', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
  ];
  for (const [what, body] of broken) {
    it(`${what}: no new state, the reason in the log`, async () => {
      const { watching, subscribe, shown, log } = watchMaria();
      sip.notify(subscribe, { toTag: 'srv1', state: 'active;expires=600', body: pidf('open', 'In the office'), cseq: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(shown.at(-1)?.availability).toBe('available');
      expect(shown.at(-1)?.note).toBe('In the office');
      const before = shown.length;

      sip.notify(subscribe, { toTag: 'srv1', state: 'active;expires=600', body, cseq: 2 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(shown).toHaveLength(before);
      expect(log.some((line) => line.includes(`presence of ${MARIA} could not be read`) && line.includes('kept the last known state'))).toBe(true);

      // A good document afterwards is read again as usual.
      sip.notify(subscribe, { toTag: 'srv1', state: 'active;expires=600', body: pidf('closed', 'Gone home'), cseq: 3 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(shown.at(-1)?.availability).toBe('offline');
      watching.dispose();
    });
  }
});
