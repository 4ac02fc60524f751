/**
 * The SIMPLE session's side of xcap-diff: a NOTIFY naming a new ETag of the buddy list makes
 * one GET of that document and the new list reaches `onContactList` (the path the contact list
 * listens on); a new ETag of pres-rules reaches `onWatcherRules`; the ETag we already hold
 * reads nothing. The XCAP server is a small HTTP server on port 0 that counts the GETs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CupsGroup } from '../../../core/cups';
import type { SubscriptionNotify } from '../../../core/sip';
import { SimpleServerSession } from '../../../core/xcap';
import type { WatcherRule } from '../../../shared/domain';

const LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists';
const buddyList = (entries: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><resource-lists xmlns="${LISTS_NS}"><list name="Team">${entries
    .map((uri) => `<entry uri="${uri}"/>`)
    .join('')}</list></resource-lists>`;
const presRules = (who: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules"><cr:rule id="a"><cr:conditions><cr:identity><cr:one id="${who}"/></cr:identity></cr:conditions><cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions><cr:transformations/></cr:rule></cr:ruleset>`;
const diff = (docs: Array<[string, string]>) =>
  `<?xml version="1.0" encoding="UTF-8"?><xcap-diff xmlns="urn:ietf:params:xml:ns:xcap-diff" xcap-root="http://127.0.0.1/xcap-root">${docs
    .map(([auid, etag]) => `<document sel="${auid}/users/sip:alex@lab.test/index" new-etag="${etag}"/>`)
    .join('')}</xcap-diff>`;

let server: Server | undefined;
let session: SimpleServerSession | undefined;
afterEach(async () => {
  await session?.logout();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** An XCAP server holding the two documents; `gets` counts reads per AUID. */
async function xcapServer() {
  const docs: Record<string, { body: string; etag: string }> = {
    'resource-lists': { body: buddyList(['sip:maria@lab.test']), etag: 'l1' },
    'pres-rules': { body: presRules('sip:maria@lab.test'), etag: 'r1' },
  };
  const gets: Record<string, number> = {};
  server = createServer((req, res) => {
    const auid = (req.url ?? '').split('/')[2] ?? '';
    if (req.method === 'GET') {
      gets[auid] = (gets[auid] ?? 0) + 1;
      const doc = docs[auid];
      if (!doc) return void res.writeHead(404).end();
      return void res.writeHead(200, { ETag: `"${doc.etag}"`, 'Content-Type': 'application/xml' }).end(doc.body);
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { ETag: '"w1"' }).end());
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { docs, gets, root: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/xcap-root` };
}

async function signedIn(root: string) {
  session = new SimpleServerSession({ address: 'alex@lab.test', password: 'secret', proxy: '127.0.0.1:5060', xcapRoot: root, pollMs: 0 });
  await session.login();
  await session.getWatcherRules();
  let onNotify: ((n: SubscriptionNotify) => void) | undefined;
  let subscribed: { target: string; event: string; body?: string } | undefined;
  session.watchChanges({
    watchEvent: (target, event, _accept, notify, more) => {
      onNotify = notify;
      subscribed = { target, event, ...(more?.body ? { body: more.body.text } : {}) };
      return () => {};
    },
  });
  return { notify: (body: string) => onNotify!({ body, contentType: 'application/xcap-diff+xml', state: 'active' }), subscribed: subscribed! };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
};

describe('SimpleServerSession with xcap-diff', () => {
  it('a new buddy-list ETag: one GET, the new list to onContactList; the held ETag: none', async () => {
    const { docs, gets, root } = await xcapServer();
    const { notify, subscribed } = await signedIn(root);
    expect(subscribed.event).toBe('xcap-diff');
    expect(subscribed.target).toBe('sip:alex@lab.test');
    expect(subscribed.body).toContain('resource-lists/users/sip:alex@lab.test/index');
    const lists: CupsGroup[][] = [];
    session!.onContactList((groups) => lists.push(groups));
    const before = gets['resource-lists'];

    // The ETag held already, then a pres-rules change as a marker: NOTIFYs are handled in order,
    // so once the rules arrive, the buddy-list NOTIFY has been handled, and it read nothing.
    const rules: WatcherRule[][] = [];
    session!.onWatcherRules((r) => rules.push(r));
    notify(diff([['resource-lists', 'l1']]));
    docs['pres-rules'] = { body: presRules('sip:sam@lab.test'), etag: 'r2' };
    notify(diff([['pres-rules', 'r2']]));
    await until(() => rules.length > 0);
    expect(gets['resource-lists']).toBe(before);
    expect(lists).toEqual([]);

    docs['resource-lists'] = { body: buddyList(['sip:maria@lab.test', 'sip:sam@lab.test']), etag: 'l2' };
    notify(diff([['resource-lists', 'l2']]));
    await until(() => lists.length > 0);
    expect(gets['resource-lists']).toBe(before! + 1);
    expect(lists[0]![0]!.contacts.map((c) => c.personaId)).toEqual(['maria', 'sam']);
  });

  it('a new pres-rules ETag: the rules read again reach onWatcherRules', async () => {
    const { docs, root } = await xcapServer();
    const { notify } = await signedIn(root);
    const seen: WatcherRule[][] = [];
    session!.onWatcherRules((rules) => seen.push(rules));
    docs['pres-rules'] = { body: presRules('sip:sam@lab.test'), etag: 'r2' };
    notify(diff([['pres-rules', 'r2']]));
    await until(() => seen.length > 0);
    expect(seen[0]).toEqual([{ who: 'sip:sam@lab.test', action: 'allow' }]);
  });
});
