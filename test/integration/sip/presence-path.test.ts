/**
 * The path a watched list starts on, against the lab's Kamailio with its resource list server
 * (the list is offered: `setResourceList`): with nothing measured the account goes per contact
 * (Kamailio's RLS batches its notifications; README, "Event list or one SUBSCRIBE per
 * contact"), never SUBSCRIBEs to the list, and records its time to full presence; once the
 * list is on record as the faster path on this server, it starts there. Either way every
 * contact's presence is known.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OwnStatus, Presence } from '../../../shared/domain';
import { PresencePaths, SipAccount, defaultListUri, describeServer, type SipServer } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { BulkPublisher } from '../../../lab/publisher';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'path.lab.test';
const N = 20;
const buddies = Array.from({ length: N }, (_, i) => ({ id: `buddy${i}`, password: `pw-${i}` }));
const members = buddies.map((b) => `sip:${b.id}@${DOMAIN}`);
const ROTATION: OwnStatus['availability'][] = ['available', 'away', 'busy', 'dnd'];
const LIST = defaultListUri('alex', DOMAIN);

let kamailio: Kamailio;
let publisher: BulkPublisher;
let server: SipServer;

beforeAll(async () => {
  kamailio = await startKamailio({ domain: DOMAIN, users: [{ id: 'alex', password: 'alex-pw' }, ...buddies], rls: true });
  await kamailio.setResourceList({ user: 'alex', listUri: LIST, members });
  publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, DOMAIN);
  await publisher.connect();
  await publisher.publish(buddies.map((user, i) => ({ user, status: { availability: ROTATION[i % 4], note: `note ${i}` } })));
  server = { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' };
}, 60_000);

afterAll(async () => {
  await publisher?.close();
  await kamailio?.stop();
});

/** Signs in with `paths`, watches the list, and waits until every member is known; returns what went out. */
async function signIn(paths: PresencePaths): Promise<{ account: SipAccount; subscribed: string[]; seen: Map<string, Presence> }> {
  const subscribed: string[] = [];
  const seen = new Map<string, Presence>();
  const account = new SipAccount({
    server,
    domain: DOMAIN,
    user: 'alex',
    password: 'alex-pw',
    presencePaths: paths,
    trace: { record: (e) => e.direction === 'out' && e.raw.startsWith('SUBSCRIBE ') && subscribed.push(e.raw.slice(10, e.raw.indexOf(' SIP/2.0'))) },
  });
  const all = waitForEvent<unknown>(
    (cb) =>
      account.on('presence', (uri, presence) => {
        seen.set(uri, presence);
        cb(undefined);
      }),
    () => members.every((m) => (seen.get(m)?.availability ?? 'unknown') !== 'unknown'),
    'presence of every member',
    30_000,
  );
  await account.start();
  account.watchList(LIST, members);
  await all;
  return { account, subscribed, seen };
}

describe('which path a watched list starts on (Kamailio with RLS)', () => {
  it('starts per contact with nothing measured, never subscribes to the list, and records the per-contact figure', async () => {
    const paths = new PresencePaths();
    const { account, subscribed, seen } = await signIn(paths);
    try {
      expect(account.listState).toBe('fallback');
      expect(subscribed).not.toContain(LIST);
      expect(new Set(subscribed)).toEqual(new Set(members));
      members.forEach((m, i) => expect(seen.get(m)?.note).toBe(`note ${i}`));
      const figures = paths.get(`${describeServer(server)} ${LIST}`);
      expect(figures.list).toBeUndefined();
      expect(figures.perContact).toBeGreaterThan(0);
    } finally {
      await account.stop();
    }
  }, 60_000);

  it('starts on the list once it is on record as the faster path here', async () => {
    const paths = new PresencePaths();
    const key = `${describeServer(server)} ${LIST}`;
    paths.measured(key, 'list', N, 1);
    paths.measured(key, 'per-contact', N, 1_000_000);
    const { account, subscribed, seen } = await signIn(paths);
    try {
      expect(account.listState).toBe('active');
      // The list only (sent again once, with the answer to its digest challenge).
      expect(new Set(subscribed)).toEqual(new Set([LIST]));
      members.forEach((m, i) => expect(seen.get(m)?.note).toBe(`note ${i}`));
      // This sign-in's own figure replaced the one on record.
      expect(paths.get(key).list).not.toBe(1 / N);
    } finally {
      await account.stop();
    }
  }, 60_000);
});
