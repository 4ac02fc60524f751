/**
 * The watcher subscription state machine, driven through a real sip.js user agent on an
 * in-memory transport: what each SUBSCRIBE carries, what each answer and NOTIFY leads to.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import {
  PresenceSubscription,
  PresenceSubscriptionState as S,
  parseRetryAfter,
  parseSubscriptionState,
  refreshDelayMs,
  type SubscriptionFailure,
  type SubscriptionNotify,
} from '../../../core/sip/usages/presence-subscription';
import { SubscriptionWire } from '../../../core/sip/usages/subscription-wire';
import { ManualTimers, startFakeSip, type FakeSip } from '../../support/fake-sip';
import { seededRandom } from '../../support/mutate';

const PIDF = '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:maria@lab.test"><tuple id="a"><status><basic>open</basic></status></tuple></presence>';

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

function watch(target = 'sip:maria@lab.test', random = () => 0.5, expires = 600) {
  const sub = new PresenceSubscription({ ua: sip.ua, target, timers, random, expires, log: (l) => log.push(l) });
  const notifies: SubscriptionNotify[] = [];
  const failures: SubscriptionFailure[] = [];
  const states: S[] = [];
  sub.on('notify', (n) => notifies.push(n));
  sub.on('failure', (f) => failures.push(f));
  sub.on('state', (s) => states.push(s));
  sub.start();
  return { sub, notifies, failures, states };
}

/** The one SUBSCRIBE sent since the last look. */
function subscribeSent(): IncomingRequestMessage {
  const sent = sip.take('SUBSCRIBE');
  expect(sent).toHaveLength(1);
  return sent[0];
}

/** Answers an initial SUBSCRIBE with 200 and an active NOTIFY; returns the dialog's To tag. */
function establish(request: IncomingRequestMessage, { expires = 600, notifyExpires = expires as number | undefined, tag = 'srv1' } = {}) {
  sip.respond(request, 200, 'OK', expires ? [`Expires: ${expires}`] : [], tag);
  sip.notify(request, { toTag: tag, state: notifyExpires ? `active;expires=${notifyExpires}` : 'active', body: PIDF, cseq: 1 });
  return tag;
}

describe('PresenceSubscription', () => {
  it('subscribes with Accept, delivers the NOTIFY body, and refreshes in the same dialog keeping Accept', () => {
    const { sub, notifies } = watch();
    const first = subscribeSent();
    expect(first.getHeader('Accept')).toBe('application/pidf+xml');
    expect(first.getHeader('Event')).toBe('presence');
    expect(first.getHeader('Expires')).toBe('600');
    establish(first, { expires: 300, notifyExpires: 300 });
    expect(sub.state).toBe(S.Active);
    expect(notifies).toEqual([{ body: PIDF, contentType: 'application/pidf+xml', state: 'active' }]);
    // random() = 0.5 → 70 % of the granted 300 s.
    expect(timers.delays()).toEqual([210_000]);
    timers.runNext();
    const refresh = subscribeSent();
    expect(refresh.callId).toBe(first.callId);
    expect(refresh.toTag).toBe('srv1');
    expect(refresh.getHeader('Accept')).toBe('application/pidf+xml');
    expect(refresh.getHeader('Expires')).toBe('600');
    sip.respond(refresh, 200, 'OK', ['Expires: 120']);
    expect(timers.delays()).toEqual([84_000]);
    expect(sub.state).toBe(S.Active);
  });

  it('is Refreshing while a refresh awaits its answer; a NOTIFY meanwhile is delivered and the answer returns to what it said', () => {
    const { sub, notifies, states } = watch();
    const first = subscribeSent();
    establish(first);
    timers.runNext();
    const refresh = subscribeSent();
    expect(sub.state).toBe(S.Refreshing);
    sip.notify(first, { toTag: 'srv1', state: 'pending;expires=600', body: PIDF, cseq: 2 });
    expect(notifies.map((n) => n.state)).toEqual(['active', 'pending']);
    expect(sub.state).toBe(S.Refreshing);
    sip.respond(refresh, 200, 'OK', ['Expires: 600']);
    expect(sub.state).toBe(S.Pending);
    expect(states).toEqual([S.Subscribing, S.Active, S.Refreshing, S.Pending]);
    expect(timers.delays()).toHaveLength(1);
  });

  it('a refresh answered 481 starts a new subscription (new Call-ID) after a back-off, and says why', () => {
    const { sub, failures } = watch();
    const first = subscribeSent();
    establish(first);
    timers.runNext();
    sip.respond(subscribeSent(), 481, 'Subscription does not exist');
    expect(sub.state).toBe(S.Waiting);
    expect(failures).toEqual([{ status: 481, reason: 'refresh answered 481 Subscription does not exist', final: false, retryInMs: 1000 }]);
    expect(timers.delays()).toEqual([1000]);
    timers.runNext();
    const again = subscribeSent();
    expect(again.callId).not.toBe(first.callId);
    expect(again.toTag).toBeUndefined();
    expect(again.getHeader('Accept')).toBe('application/pidf+xml');
    establish(again, { tag: 'srv2' });
    expect(sub.state).toBe(S.Active);
  });

  it.each(['deactivated', 'timeout', 'probation', 'giveup'])('re-subscribes after "terminated;reason=%s" with a doubling back-off', (reason) => {
    const { sub, failures } = watch();
    let request = subscribeSent();
    const delays: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const tag = `srv${round}`;
      sip.respond(request, 200, 'OK', ['Expires: 600'], tag);
      sip.notify(request, { toTag: tag, state: 'pending', cseq: 1 });
      expect(sub.state).toBe(S.Pending);
      sip.notify(request, { toTag: tag, state: `terminated;reason=${reason}`, cseq: 2 });
      expect(sub.state).toBe(S.Waiting);
      expect(failures.at(-1)).toMatchObject({ reason: `terminated: ${reason}`, final: false });
      delays.push(timers.runNext());
      request = subscribeSent();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    // Once active again the back-off starts from the beginning.
    establish(request, { tag: 'ok' });
    sip.notify(request, { toTag: 'ok', state: `terminated;reason=${reason}`, cseq: 2 });
    expect(timers.delays()).toEqual([1000]);
  });

  it('honours retry-after on a terminated NOTIFY and Retry-After on a 503', () => {
    const { failures } = watch();
    const request = subscribeSent();
    establish(request);
    sip.notify(request, { toTag: 'srv1', state: 'terminated;reason=probation;retry-after=90', cseq: 2 });
    expect(failures.at(-1)!.retryInMs).toBe(99_000); // 90 s plus up to 20 % spread (random 0.5)
    timers.runNext();
    sip.respond(subscribeSent(), 503, 'Service Unavailable', ['Retry-After: 120 (maintenance)']);
    expect(failures.at(-1)).toEqual({ status: 503, reason: 'SUBSCRIBE answered 503 Service Unavailable', final: false, retryInMs: 132_000 });
    expect(timers.delays()).toEqual([132_000]);
  });

  it.each([
    ['terminated;reason=rejected', 'terminated: rejected'],
    ['terminated;reason=noresource', 'terminated: noresource'],
  ])('stops for good on "%s" and logs the reason', (state, reason) => {
    const { sub, failures } = watch();
    const request = subscribeSent();
    sip.respond(request, 200, 'OK', ['Expires: 600'], 't');
    sip.notify(request, { toTag: 't', state, cseq: 1 });
    expect(sub.state).toBe(S.Refused);
    expect(failures).toEqual([{ reason, final: true }]);
    expect(timers.pending.size).toBe(0);
    expect(log.join('\n')).toContain(`presence of sip:maria@lab.test is not available: ${reason}`);
  });

  it.each([
    [403, 'Forbidden', 'rejected'],
    [603, 'Decline', 'rejected'],
    [404, 'Not Found', 'noresource'],
    [489, 'Bad Event', 'the server does not offer this event package'],
  ])('stops for good when the SUBSCRIBE is answered %i', (status, phrase, why) => {
    const { sub, failures } = watch();
    sip.respond(subscribeSent(), status, phrase);
    expect(sub.state).toBe(S.Refused);
    expect(failures).toEqual([{ status, reason: `SUBSCRIBE answered ${status} ${phrase} (${why})`, final: true }]);
    expect(timers.pending.size).toBe(0);
  });

  it('asks again with Min-Expires after 423 Interval Too Brief', () => {
    const { sub } = watch('sip:maria@lab.test', () => 0.5, 60);
    sip.respond(subscribeSent(), 423, 'Interval Too Brief', ['Min-Expires: 1800']);
    const again = subscribeSent();
    expect(again.getHeader('Expires')).toBe('1800');
    establish(again, { expires: 1800 });
    expect(sub.state).toBe(S.Active);
  });

  it('with no expires anywhere, refreshes within what it asked for', () => {
    const { sub } = watch('sip:maria@lab.test', () => 1, 600);
    establish(subscribeSent(), { expires: 0, notifyExpires: undefined });
    expect(sub.state).toBe(S.Active);
    expect(timers.delays()).toEqual([510_000]); // 85 % of the requested 600 s
  });

  it('a NOTIFY for an unknown state keeps the subscription and is accepted', () => {
    const { sub } = watch();
    const request = subscribeSent();
    establish(request);
    sip.notify(request, { toTag: 'srv1', state: 'waiting-for-policy', cseq: 2 });
    expect(sub.state).toBe(S.Pending);
    expect(sip.responses().filter((r) => r.startsWith('SIP/2.0 200')).length).toBe(2);
  });

  it('stop() sends Expires: 0 with Accept and waits for the final NOTIFY', async () => {
    const { sub } = watch();
    const request = subscribeSent();
    establish(request);
    const stopped = sub.stop();
    expect(sub.state).toBe(S.Unsubscribing);
    const bye = subscribeSent();
    expect(bye.getHeader('Expires')).toBe('0');
    expect(bye.getHeader('Accept')).toBe('application/pidf+xml');
    sip.respond(bye, 200, 'OK', ['Expires: 0']);
    expect(sub.state).toBe(S.Unsubscribing);
    sip.notify(request, { toTag: 'srv1', state: 'terminated;reason=timeout', body: PIDF, cseq: 2 });
    await stopped;
    expect(sub.state).toBe(S.Closed);
    expect(timers.pending.size).toBe(0);
  });

  it('stop() gives up waiting when no final NOTIFY comes', async () => {
    const { sub } = watch();
    establish(subscribeSent());
    const stopped = sub.stop();
    expect(timers.delays()).toEqual([2000]);
    timers.runNext();
    await stopped;
    expect(sub.state).toBe(S.Closed);
  });

  it('subscriptions granted together get different refresh times', () => {
    const random = seededRandom(7);
    const subs: PresenceSubscription[] = [];
    // All out at once (the window of initial SUBSCRIBEs is tested in subscription-wire.test.ts).
    SubscriptionWire.of(sip.ua).window = Infinity;
    for (let i = 0; i < 200; i += 1) subs.push(watch(`sip:c${i}@lab.test`, random).sub);
    for (const [i, request] of sip.take('SUBSCRIBE').entries()) establish(request, { tag: `t${i}` });
    expect(subs.every((s) => s.state === S.Active)).toBe(true);
    const delays = timers.delays();
    expect(delays).toHaveLength(200);
    expect(new Set(delays.map((d) => Math.floor(d / 1000))).size).toBeGreaterThan(100);
    for (const s of subs) s.dispose();
  });

  it('spreads the refreshes of 5,000 contacts over 30 % of the interval (no storm)', () => {
    const random = seededRandom(11);
    const delays = Array.from({ length: 5000 }, () => refreshDelayMs(600, random));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(330_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(510_000);
    // In any one-second window, at most 1 % of the subscriptions refresh (the even spread is 28).
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d / 1000), (perSecond.get(Math.floor(d / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(50);
    // Short grants still leave time to refresh before the end.
    expect(refreshDelayMs(20, () => 1)).toBe(15_000);
    expect(refreshDelayMs(10, () => 1)).toBe(8500);
    expect(refreshDelayMs(1, () => 1)).toBe(850);
  });
});

describe('header parsing', () => {
  it('reads Subscription-State parameters in any case and order', () => {
    expect(parseSubscriptionState('Terminated; Retry-After=30 ;reason=Probation')).toEqual({ state: 'terminated', retryAfter: 30, reason: 'probation' });
    expect(parseSubscriptionState('active;expires=3600')).toEqual({ state: 'active', expires: 3600 });
    expect(parseSubscriptionState('active;expires=soon')).toEqual({ state: 'active' });
    expect(parseSubscriptionState('')).toBeUndefined();
    expect(parseSubscriptionState('<bad>')).toBeUndefined();
  });
  it('reads Retry-After with a comment and duration', () => {
    expect(parseRetryAfter('120 (lunch);duration=60')).toBe(120);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('PresenceSubscription ending', () => {
  it('an unsubscribe answered 481 closes instead of subscribing again', async () => {
    const { sub } = watch();
    establish(subscribeSent());
    const stopped = sub.stop();
    sip.respond(subscribeSent(), 481, 'Subscription does not exist');
    await stopped;
    expect(sub.state).toBe(S.Closed);
    expect(timers.pending.size).toBe(0);
    expect(sip.take('SUBSCRIBE')).toEqual([]);
  });

  it('dispose() while stopping releases the caller waiting on stop()', async () => {
    const { sub } = watch();
    establish(subscribeSent());
    const stopped = sub.stop();
    sub.dispose();
    await stopped;
    expect(sub.state).toBe(S.Closed);
    expect(timers.pending.size).toBe(0);
  });
});
