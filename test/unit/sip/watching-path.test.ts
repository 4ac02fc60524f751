/**
 * Watching a buddy list when both an event list and per-contact subscriptions are possible:
 * it starts on the path the advisor chooses, falls back to per contact when the list is
 * refused or stalls (no news of an unheard member for the stall time: the unheard ones alone
 * when the list told of the others), and reports what the
 * sign-in measured. Driven through a real sip.js user agent on the in-memory transport; the
 * stall watch runs on timers the test advances.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import type { Presence } from '../../../shared/domain';
import { Watching, type PathAdvisor } from '../../../core/sip/usages/watching';
import type { DigestCredentialCache } from '../../../core/sip/message/digest';
import { PresencePaths } from '../../../core/sip/usages/presence-path';
import { ManualTimers, startFakeSip, type FakeSip } from '../../support/fake-sip';
import { CT, LIST, body, pidf, uri } from '../../support/event-list-bodies';

const MEMBERS = [uri('maria'), uri('luis')];
const STALL_MS = 5000;

let sip: FakeSip;
let timers: ManualTimers;
let log: string[];
let seen: Map<string, Presence>;
let clock: number;

beforeEach(async () => {
  sip = await startFakeSip();
  timers = new ManualTimers();
  log = [];
  seen = new Map();
  clock = 1000;
});
afterEach(async () => {
  await sip.stop();
});

/** A Watching on the fake user agent, its figures kept in `paths` under the list URI. */
function watching(paths: PresencePaths, product?: string): Watching {
  const advisor: PathAdvisor = {
    choose: (listUri, p) => paths.choose(listUri, p),
    measured: (listUri, path, members, ms) => paths.measured(listUri, path, members, ms),
    listFailed: (listUri) => paths.listFailed(listUri),
  };
  return new Watching({
    agent: () => ({ ua: sip.ua, credentials: undefined as unknown as DigestCredentialCache, product }),
    log: (line) => log.push(line),
    presence: (u, p) => seen.set(u, p),
    paths: advisor,
    timers,
    listStallMs: STALL_MS,
    now: () => clock,
  });
}

const targets = (requests: IncomingRequestMessage[]) => requests.map((r) => r.ruri?.toString());

/** Answers each per-contact SUBSCRIBE and NOTIFYs its presence. */
function answerEach(requests: IncomingRequestMessage[]): void {
  for (const [i, request] of requests.entries()) {
    const user = request.ruri!.user!;
    sip.respond(request, 200, 'OK', ['Expires: 600'], `p${i}`);
    sip.notify(request, { toTag: `p${i}`, state: 'active;expires=600', body: pidf(user, 'busy', `${user} busy`), cseq: 1 });
  }
}

/** The list's NOTIFY (version `version`, full or partial state) telling of one member. */
function notifyMember(list: IncomingRequestMessage, version: number, full: boolean, user: string, availability: Parameters<typeof pidf>[1]): void {
  sip.notify(list, {
    toTag: 'rls1',
    state: 'active;expires=600',
    body: body(version, full, [{ uri: uri(user), state: 'active', pidf: pidf(user, availability) }]),
    contentType: CT,
    cseq: version + 1,
  });
}

describe('watching a list: which path first', () => {
  it('starts per contact on Kamailio (nothing measured yet), sends nothing to the list, and records the per-contact figure', () => {
    const paths = new PresencePaths();
    const w = watching(paths, 'kamailio (5.6.3 (x86_64/linux))');
    w.watchList(LIST, MEMBERS);
    const sent = sip.take('SUBSCRIBE');
    expect(targets(sent).sort()).toEqual([...MEMBERS].sort());
    expect(w.listState).toBe('fallback');
    expect(log.some((l) => /one SUBSCRIBE per contact: kamailio's list server batches/.test(l))).toBe(true);
    clock += 40;
    answerEach(sent);
    expect(MEMBERS.map((m) => seen.get(m)?.availability)).toEqual(['busy', 'busy']);
    expect(paths.get(LIST)).toEqual({ perContact: 20 });
    expect(timers.pending.size).toBe(0);
  });

  it('starts on the list where it is faster, times full presence through it, and leaves no stall watch behind', () => {
    const paths = new PresencePaths();
    paths.measured(LIST, 'list', 2, 10);
    paths.measured(LIST, 'per-contact', 2, 40);
    const w = watching(paths, 'kamailio (5.6.3 (x86_64/linux))');
    w.watchList(LIST, MEMBERS);
    const [list] = sip.take('SUBSCRIBE');
    expect(list.ruri?.toString()).toBe(LIST);
    sip.respond(list, 200, 'OK', ['Expires: 600'], 'rls1');
    clock += 30;
    const full = body(0, true, [
      { uri: uri('maria'), state: 'active', pidf: pidf('maria', 'away') },
      { uri: uri('luis'), state: 'active', pidf: pidf('luis', 'dnd') },
    ]);
    sip.notify(list, { toTag: 'rls1', state: 'active;expires=600', body: full, contentType: CT, cseq: 1 });
    expect(w.listState).toBe('active');
    expect(MEMBERS.map((m) => seen.get(m)?.availability)).toEqual(['away', 'dnd']);
    expect(paths.get(LIST)).toEqual({ list: 15, perContact: 20 });
    expect(timers.pending.size).toBe(0);
    expect(sip.take('SUBSCRIBE')).toEqual([]);
  });
});

describe('watching a list: falling back to per contact', () => {
  it('when the list stalls with a member unheard: watches that member on its own, keeps the list for the others, and goes per contact next time', async () => {
    const paths = new PresencePaths();
    const w = watching(paths, 'Cisco-CUPS/8.6');
    w.watchList(LIST, MEMBERS);
    const [list] = sip.take('SUBSCRIBE');
    expect(list.ruri?.toString()).toBe(LIST);
    sip.respond(list, 200, 'OK', ['Expires: 600'], 'rls1');
    // Maria's news re-arms the watch; Luis is never sent.
    expect(timers.delays()).toEqual([STALL_MS]);
    notifyMember(list, 0, true, 'maria', 'away');
    expect(seen.get(uri('maria'))?.availability).toBe('away');
    expect(timers.delays()).toEqual([STALL_MS]);
    expect(sip.take('SUBSCRIBE')).toEqual([]);
    timers.runNext();
    expect(log).toContain(
      `sip: the list ${LIST} brought no news for 5 s with 1 of 2 contacts unheard; watching those 1 on their own, the list stays for the others`,
    );
    expect(w.listState).toBe('active');
    // No un-SUBSCRIBE of the list: one SUBSCRIBE, for Luis alone.
    const after = sip.take('SUBSCRIBE');
    expect(after.filter((r) => r.callId === list.callId)).toEqual([]);
    expect(targets(after)).toEqual([uri('luis')]);
    answerEach(after);
    expect(seen.get(uri('luis'))?.availability).toBe('busy');
    // The list still brings Maria's changes.
    notifyMember(list, 1, false, 'maria', 'busy');
    expect(seen.get(uri('maria'))?.availability).toBe('busy');
    expect(timers.pending.size).toBe(0);
    expect(paths.get(LIST).list).toBe(Infinity);
    expect(paths.choose(LIST, 'Cisco-CUPS/8.6').path).toBe('per-contact');

    // Luis taken off the list: his own subscription ends; the list is subscribed anew for Maria.
    w.watchList(LIST, [uri('maria')]);
    const ends = sip.take('SUBSCRIBE');
    expect(ends.filter((r) => r.callId === after[0]!.callId).map((r) => r.getHeader('Expires'))).toEqual(['0']);
  });

  it('when the list stalls before telling of any member: un-SUBSCRIBEs it and watches each member', () => {
    const paths = new PresencePaths();
    const w = watching(paths, 'Cisco-CUPS/8.6');
    w.watchList(LIST, MEMBERS);
    const [list] = sip.take('SUBSCRIBE');
    sip.respond(list, 200, 'OK', ['Expires: 600'], 'rls1');
    // The server's first NOTIFY names no member yet, and nothing follows.
    sip.notify(list, { toTag: 'rls1', state: 'active;expires=600', body: body(0, true, []), contentType: CT, cseq: 1 });
    timers.runNext();
    expect(log).toContain(`sip: the list ${LIST} brought no news for 5 s with 2 of 2 contacts unheard; watching each contact instead`);
    expect(w.listState).toBe('fallback');
    const after = sip.take('SUBSCRIBE');
    expect(after.filter((r) => r.callId === list.callId).map((r) => r.getHeader('Expires'))).toEqual(['0']);
    const each = after.filter((r) => r.callId !== list.callId);
    expect(targets(each).sort()).toEqual([...MEMBERS].sort());
    answerEach(each);
    expect(MEMBERS.every((m) => seen.get(m)?.availability === 'busy')).toBe(true);
    expect(paths.get(LIST).list).toBe(Infinity);
    expect(paths.get(LIST).perContact).toBeDefined();
  });

  it('when the list is refused: watches each member and remembers the list as failed', () => {
    const paths = new PresencePaths();
    const w = watching(paths);
    w.watchList(LIST, MEMBERS);
    const [list] = sip.take('SUBSCRIBE');
    sip.respond(list, 404, 'Not Found');
    expect(w.listState).toBe('fallback');
    const each = sip.take('SUBSCRIBE');
    expect(targets(each).sort()).toEqual([...MEMBERS].sort());
    expect(paths.get(LIST)).toEqual({ list: Infinity });
    answerEach(each);
    expect(MEMBERS.every((m) => seen.get(m)?.availability === 'busy')).toBe(true);
    expect(timers.pending.size).toBe(0);
  });

  it('a list that keeps bringing news within the stall time is never left', () => {
    const paths = new PresencePaths();
    const w = watching(paths);
    w.watchList(LIST, MEMBERS);
    const [list] = sip.take('SUBSCRIBE');
    sip.respond(list, 200, 'OK', ['Expires: 600'], 'rls1');
    notifyMember(list, 0, true, 'maria', 'away');
    notifyMember(list, 1, false, 'luis', 'busy');
    expect(timers.pending.size).toBe(0);
    expect(w.listState).toBe('active');
    expect(sip.take('SUBSCRIBE')).toEqual([]);
    expect(paths.get(LIST).list).toBeDefined();
  });
});
