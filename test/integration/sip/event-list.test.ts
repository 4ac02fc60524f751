/**
 * Event-list presence (RFC 4662) on a real Kamailio RLS with its tables in MariaDB: 200
 * contacts in one subscription, then partial NOTIFYs for exactly the contacts that changed.
 * Presentities come from the lab's bulk publisher (one TCP connection, one PUBLISH per user),
 * not from 200 registered accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OwnStatus, Presence } from '../../../shared/domain';
import { SipAccount, defaultListUri } from '../../../core/sip';
import { startKamailio, type Kamailio } from '../../../lab/kamailio';
import { BulkPublisher } from '../../../lab/publisher';
import { waitForEvent } from '../../support/wait';

const DOMAIN = 'rls.lab.test';
const N = 200;
const buddies = Array.from({ length: N }, (_, i) => ({ id: `buddy${String(i).padStart(3, '0')}`, password: `pw-${i}` }));
const uriOf = (id: string) => `sip:${id}@${DOMAIN}`;
const ROTATION: OwnStatus['availability'][] = ['available', 'away', 'busy', 'dnd'];
/**
 * Every fifth buddy is signed in invisible (a closed tuple): the list must show them offline.
 * Notes carry characters of two and three bytes, so each multipart NOTIFY's Content-Length (in
 * bytes) is larger than its length in characters: a body cut or framed by the wrong one loses
 * the notes at its end.
 */
const statusOf = (i: number, round = 0): OwnStatus =>
  i % 5 === 4 && round === 0 ? { availability: 'invisible', note: '' } : { availability: ROTATION[(i + round) % 4], note: `note ${i}.${round} — Zoë’s` };

let kamailio: Kamailio;
let publisher: BulkPublisher;
let alex: SipAccount;
const latest = new Map<string, Presence>();
const events: Array<{ uri: string; presence: Presence }> = [];
const notifies: string[] = [];

beforeAll(async () => {
  kamailio = await startKamailio({ domain: DOMAIN, users: [{ id: 'alex', password: 'alex-pw' }, ...buddies], rls: true });
  await kamailio.setResourceList({ user: 'alex', listUri: defaultListUri('alex', DOMAIN), members: buddies.map((b) => uriOf(b.id)) });
  publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, DOMAIN);
  await publisher.connect();
  await publisher.publish(buddies.map((user, i) => ({ user, status: statusOf(i) })));
  alex = new SipAccount({
    server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
    domain: DOMAIN,
    user: 'alex',
    password: 'alex-pw',
    trace: { record: (entry) => entry.direction === 'in' && entry.raw.startsWith('NOTIFY') && notifies.push(entry.raw) },
  });
  alex.on('presence', (uri, presence) => {
    latest.set(uri, presence);
    events.push({ uri, presence });
  });
  await alex.start();
}, 60_000);

afterAll(async () => {
  await alex?.stop();
  await publisher?.close();
  await kamailio?.stop();
});

const known = () => buddies.filter((b) => (latest.get(uriOf(b.id))?.availability ?? 'unknown') !== 'unknown').length;

describe('event-list presence on Kamailio RLS', () => {
  it('one list subscription delivers the state of all 200 contacts', async () => {
    const all = waitForEvent<unknown>(
      (cb) => alex.on('presence', () => cb(undefined)),
      () => known() === N,
      'all 200 contacts known',
      30_000,
    );
    alex.watchList(
      defaultListUri('alex', DOMAIN),
      buddies.map((b) => uriOf(b.id)),
    );
    await all;
    expect(alex.listState).toBe('active');
    buddies.forEach((b, i) => {
      const p = latest.get(uriOf(b.id))!;
      if (i % 5 === 4) expect(p.availability, b.id).toBe('offline');
      else expect([p.availability, p.note], b.id).toEqual([statusOf(i).availability, statusOf(i).note]);
    });
    // One dialog: every NOTIFY came on the list subscription, as an event list.
    expect(notifies.length).toBeGreaterThan(0);
    expect(new Set(notifies.map((n) => /^Call-ID:\s*(.*)$/im.exec(n)?.[1]?.trim())).size).toBe(1);
    expect(notifies.every((n) => /^Require:\s*eventlist/im.test(n) && /multipart\/related/i.test(n))).toBe(true);
  }, 40_000);

  it('changes of three contacts update exactly those three, through partial NOTIFYs', async () => {
    const changed = [3, 77, 151].map((i) => buddies[i]);
    const sentinel = buddies[10];
    const since = events.length;
    const notifiesSince = notifies.length;
    const targets = new Map(changed.map((b) => [uriOf(b.id), statusOf(buddies.indexOf(b), 1)]));
    const seen = waitForEvent<unknown>(
      (cb) => alex.on('presence', () => cb(undefined)),
      () => [...targets].every(([uri, status]) => latest.get(uri)?.note === status.note),
      'the three changes',
      15_000,
    );
    await publisher.publish(changed.map((user) => ({ user, status: statusOf(buddies.indexOf(user), 1) })));
    await seen;
    // A later change acts as a barrier: anything the first changes caused has arrived before it.
    const barrier = waitForEvent<{ uri: string; presence: Presence }>(
      (cb) => alex.on('presence', (uri, presence) => cb({ uri, presence })),
      (e) => e.uri === uriOf(sentinel.id) && e.presence.note === 'barrier',
      'the barrier change',
      15_000,
    );
    await publisher.publish([{ user: sentinel, status: { availability: 'busy', note: 'barrier' } }]);
    await barrier;
    const touched = new Set(events.slice(since).map((e) => e.uri));
    expect(touched).toEqual(new Set([...targets.keys(), uriOf(sentinel.id)]));
    for (const [uri, status] of targets) expect(latest.get(uri)?.availability).toBe(status.availability);
    // The server sent partial state naming only changed contacts.
    const later = notifies.slice(notifiesSince);
    expect(later.length).toBeGreaterThan(0);
    for (const raw of later) {
      expect(raw).toMatch(/fullState="false"/);
      const named = [...raw.matchAll(/<resource uri="([^"]+)"/g)].map((m) => m[1]);
      expect(named.every((u) => targets.has(u) || u === uriOf(sentinel.id))).toBe(true);
    }
  }, 40_000);
});

describe('event-list refresh', () => {
  it('refreshes in the same dialog (the server keeps it an event list) and changes keep flowing', async () => {
    const mine: string[] = [];
    const onTrace = new Set<(raw: string) => void>();
    const second = new SipAccount({
      server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' },
      domain: DOMAIN,
      user: 'alex',
      password: 'alex-pw',
      trace: {
        record: (entry) => {
          mine.push(entry.raw);
          for (const listener of onTrace) listener(entry.raw);
        },
      },
    });
    try {
      await second.start();
      const members = buddies.slice(0, 5).map((b) => uriOf(b.id));
      const seen = new Map<string, Presence>();
      second.on('presence', (uri, presence) => seen.set(uri, presence));
      const synced = waitForEvent<unknown>(
        (cb) => second.on('presence', () => cb(undefined)),
        () => members.every((m) => (seen.get(m)?.availability ?? 'unknown') !== 'unknown'),
        'the five',
        15_000,
      );
      second.watchList(defaultListUri('alex', DOMAIN), members, { expires: 4 });
      await synced;
      // The refresh goes out at 55–85% of the 4 s granted: wait for its answer.
      await waitForEvent<string>(
        (cb) => {
          onTrace.add(cb);
          return () => onTrace.delete(cb);
        },
        (raw) => /^SIP\/2\.0 200/.test(raw) && /^CSeq:\s*3 SUBSCRIBE/im.test(raw),
        'the refresh answered 200',
        15_000,
      );
      const refresh = mine.find((m) => /^SUBSCRIBE /.test(m) && /^CSeq:\s*3 SUBSCRIBE/im.test(m))!;
      expect(refresh).toMatch(/^Supported:.*eventlist/im);
      expect(refresh).toMatch(/^Accept:.*application\/rlmi\+xml/im);
      expect(refresh).toMatch(/^To:.*;tag=/im); // in the dialog, not a new subscription
      const change = waitForEvent<unknown>(
        (cb) => second.on('presence', () => cb(undefined)),
        () => seen.get(members[2])?.note === 'after refresh',
        'a change after the refresh',
        15_000,
      );
      await publisher.publish([{ user: buddies[2], status: { availability: 'dnd', note: 'after refresh' } }]);
      await change;
      expect(second.listState).toBe('active');
    } finally {
      await second.stop();
    }
  }, 40_000);
});

describe('event list across a server restart', () => {
  it('subscribes to the list again once re-registered, and changes flow through it', async () => {
    const callIds = () => new Set(notifies.map((n) => /^Call-ID:\s*(.*)$/im.exec(n)?.[1]?.trim()));
    const before = callIds();
    const back = waitForEvent<string>(
      (cb) => alex.on('state', cb),
      (s) => s === 'registered',
      'registered again',
      20_000,
    );
    await kamailio.kill();
    await kamailio.restart();
    await back;
    // The publisher's connection went down with the server: it connects again and publishes.
    await publisher.close();
    publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, DOMAIN);
    await publisher.connect();
    const changed = [buddies[20], buddies[21]];
    const seen = waitForEvent<unknown>(
      (cb) => alex.on('presence', () => cb(undefined)),
      () => changed.every((b, i) => latest.get(uriOf(b.id))?.note === `after restart ${i}`),
      'changes after the restart',
      20_000,
    );
    await publisher.publish(changed.map((user, i) => ({ user, status: { availability: 'away', note: `after restart ${i}` } })));
    await seen;
    expect(alex.listState).toBe('active');
    const after = [...callIds()].filter((id) => !before.has(id));
    expect(after).toHaveLength(1); // one new list subscription, no per-contact ones
  }, 50_000);
});

describe('event list on a server without RLS', () => {
  it('falls back to one subscription per contact and still shows everyone', async () => {
    const plain = await startKamailio({ domain: DOMAIN, users: [{ id: 'alex', password: 'alex-pw' }, ...buddies.slice(0, 3)] });
    const pub = new BulkPublisher({ host: '127.0.0.1', port: plain.tcpPort }, DOMAIN);
    const account = new SipAccount({ server: { host: '127.0.0.1', port: plain.tcpPort, transport: 'tcp' }, domain: DOMAIN, user: 'alex', password: 'alex-pw' });
    try {
      await pub.connect();
      await pub.publish(buddies.slice(0, 3).map((user, i) => ({ user, status: statusOf(i) })));
      await account.start();
      const seen = new Map<string, Presence>();
      const members = buddies.slice(0, 3).map((b) => uriOf(b.id));
      const all = waitForEvent<unknown>(
        (cb) =>
          account.on('presence', (uri, presence) => {
            seen.set(uri, presence);
            cb(undefined);
          }),
        () => members.every((m) => seen.get(m)?.availability && seen.get(m)?.availability !== 'unknown'),
        'presence of all three per contact',
        15_000,
      );
      account.watchList(defaultListUri('alex', DOMAIN), members);
      await all;
      expect(account.listState).toBe('fallback');
      members.forEach((m, i) => expect(seen.get(m)?.note).toBe(statusOf(i).note));
    } finally {
      await account.stop();
      await pub.close();
      await plain.stop();
    }
  }, 40_000);
});
