/**
 * The event-list subscription is the per-contact subscription machine with the list's headers
 * and final answers: same refresh and back-off clock (the `Timers` seam), `Supported: eventlist`
 * on every SUBSCRIBE of the dialog, and the fallback to per-contact watching when the server has
 * no list. Driven through a real sip.js user agent on the in-memory transport.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { EventListSubscription, type ListSubscriptionState } from '../../../core/sip/usages/rls';
import type { MemberChange } from '../../../core/sip/usages/event-list';
import { ManualTimers, startFakeSip, type FakeSip } from '../../support/fake-sip';
import { CT, LIST, body, pidf, uri } from '../../support/event-list-bodies';

let sip: FakeSip;
let timers: ManualTimers;
let log: string[];

beforeEach(async () => {
  sip = await startFakeSip();
  timers = new ManualTimers();
  log = [];
});
afterEach(async () => {
  await sip.stop();
});

function watchList(listUri = LIST) {
  const changes: MemberChange[][] = [];
  const fallbacks: string[] = [];
  const states: ListSubscriptionState[] = [];
  const list = new EventListSubscription(sip.ua, {
    listUri,
    timers,
    random: () => 0.5,
    log: (l) => log.push(l),
    onChanges: (c) => changes.push(c),
    onFallback: (reason) => fallbacks.push(reason),
    onState: (s) => states.push(s),
  });
  list.start();
  return { list, changes, fallbacks, states };
}

function subscribeSent(): IncomingRequestMessage {
  const sent = sip.take('SUBSCRIBE');
  expect(sent).toHaveLength(1);
  return sent[0];
}

const supported = (request: IncomingRequestMessage) => request.getHeaders('Supported').join(', ');
const FULL = body(0, true, [{ uri: uri('maria'), state: 'active', pidf: pidf('maria', 'busy', 'in a call') }]);

describe('EventListSubscription', () => {
  it('subscribes with eventlist and the list types, reads the full state, and refreshes on the shared policy in the same dialog', () => {
    const { list, changes } = watchList();
    const first = subscribeSent();
    expect(first.ruri?.toString()).toBe(LIST);
    expect(supported(first)).toMatch(/\beventlist\b/);
    expect(first.getHeader('Accept')).toBe('application/pidf+xml, application/rlmi+xml, multipart/related');
    sip.respond(first, 200, 'OK', ['Expires: 300'], 'rls1');
    sip.notify(first, { toTag: 'rls1', state: 'active;expires=300', body: FULL, contentType: CT, cseq: 1 });
    expect(list.state).toBe('active');
    expect(changes).toHaveLength(1);
    expect(changes[0].map((c) => [c.uri, c.presence.availability])).toEqual([[uri('maria'), 'busy']]);
    // The per-contact policy: random() = 0.5 → 70 % of the granted 300 s, on the given timers.
    expect(timers.delays()).toEqual([210_000]);
    timers.runNext();
    const refresh = subscribeSent();
    expect(refresh.callId).toBe(first.callId);
    expect(refresh.toTag).toBe('rls1');
    expect(supported(refresh)).toMatch(/\beventlist\b/);
    expect(refresh.getHeader('Accept')).toBe('application/pidf+xml, application/rlmi+xml, multipart/related');
  });

  it('after a refresh answered 481 it backs off on the shared policy and subscribes to the list anew', () => {
    const { list, fallbacks } = watchList();
    const first = subscribeSent();
    sip.respond(first, 200, 'OK', ['Expires: 600'], 'rls1');
    sip.notify(first, { toTag: 'rls1', state: 'active;expires=600', body: FULL, contentType: CT, cseq: 1 });
    timers.runNext();
    sip.respond(subscribeSent(), 481, 'Subscription does not exist');
    expect(list.state).toBe('waiting');
    expect(timers.delays()).toEqual([1000]);
    timers.runNext();
    const again = subscribeSent();
    expect(again.callId).not.toBe(first.callId);
    expect(supported(again)).toMatch(/\beventlist\b/);
    // The new dialog starts its version sequence again: version 0 is taken, not called stale.
    sip.respond(again, 200, 'OK', ['Expires: 600'], 'rls2');
    sip.notify(again, { toTag: 'rls2', state: 'active;expires=600', body: FULL, contentType: CT, cseq: 1 });
    expect(list.state).toBe('active');
    expect(log.some((l) => /stale/.test(l))).toBe(false);
    expect(fallbacks).toEqual([]);
  });

  it('honours Retry-After on a 503 to the list SUBSCRIBE', () => {
    const { list } = watchList();
    sip.respond(subscribeSent(), 503, 'Service Unavailable', ['Retry-After: 20']);
    expect(list.state).toBe('waiting');
    // 20 s spread by up to +20 % (random() = 0.5 → +10 %).
    expect(timers.delays()).toEqual([22_000]);
  });

  it.each([404, 489, 501])('falls back to per-contact watching on %i, and tries the list no more', (code) => {
    const { list, fallbacks } = watchList();
    sip.respond(subscribeSent(), code, 'No list');
    expect(list.state).toBe('fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toContain(String(code));
    expect(timers.delays()).toEqual([]);
  });

  it('a plain PIDF NOTIFY means no event list: falls back and ends the dialog with Supported: eventlist', async () => {
    const { list, fallbacks, changes } = watchList();
    const first = subscribeSent();
    sip.respond(first, 200, 'OK', ['Expires: 600'], 'p1');
    sip.notify(first, { toTag: 'p1', state: 'active;expires=600', body: pidf('alex-list', 'available'), cseq: 1 });
    expect(list.state).toBe('fallback');
    expect(fallbacks).toEqual(['the server answered with a plain presence NOTIFY (no event list)']);
    expect(changes).toEqual([]);
    await Promise.resolve();
    const unsubscribe = subscribeSent();
    expect(unsubscribe.getHeader('Expires')).toBe('0');
    expect(unsubscribe.toTag).toBe('p1');
    expect(supported(unsubscribe)).toMatch(/\beventlist\b/);
  });

  it('a list terminated with reason=noresource falls back; with reason=deactivated it subscribes again', () => {
    const gone = watchList();
    let request = subscribeSent();
    sip.respond(request, 200, 'OK', [], 'a');
    sip.notify(request, { toTag: 'a', state: 'terminated;reason=noresource', cseq: 1 });
    expect(gone.list.state).toBe('fallback');
    expect(gone.fallbacks).toHaveLength(1);

    const back = watchList();
    request = subscribeSent();
    sip.respond(request, 200, 'OK', [], 'b');
    sip.notify(request, { toTag: 'b', state: 'active;expires=600', body: FULL, contentType: CT, cseq: 1 });
    sip.notify(request, { toTag: 'b', state: 'terminated;reason=deactivated', cseq: 2 });
    expect(back.list.state).toBe('waiting');
    expect(back.fallbacks).toEqual([]);
  });

  it('a list address that is not a SIP URI falls back at once, sending nothing', () => {
    const { list, fallbacks } = watchList('alex-list');
    expect(list.state).toBe('fallback');
    expect(fallbacks[0]).toMatch(/not a SIP URI/);
    expect(sip.take('SUBSCRIBE')).toEqual([]);
  });

  it('stop() un-SUBSCRIBEs with Supported: eventlist and stops retrying', async () => {
    const { list } = watchList();
    const first = subscribeSent();
    sip.respond(first, 200, 'OK', ['Expires: 600'], 'rls1');
    sip.notify(first, { toTag: 'rls1', state: 'active;expires=600', body: FULL, contentType: CT, cseq: 1 });
    const stopped = list.stop();
    const unsubscribe = subscribeSent();
    expect(unsubscribe.getHeader('Expires')).toBe('0');
    expect(supported(unsubscribe)).toMatch(/\beventlist\b/);
    sip.notify(first, { toTag: 'rls1', state: 'terminated;reason=timeout', cseq: 2 });
    await stopped;
    expect(list.state).toBe('stopped');
    expect(timers.delays()).toEqual([]);
  });
});
