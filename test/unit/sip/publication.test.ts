/**
 * Our RFC 3903 publication on a real sip.js user agent over the in-memory transport: what the
 * initial, refresh, modify and remove PUBLISHes carry, and the recovery from 412.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { Publication, PublicationState } from '../../../core/sip/usages/publication';
import { ManualTimers, startFakeSip, type FakeSip } from '../../support/fake-sip';

let sip: FakeSip;
let timers: ManualTimers;
let log: string[];
let publication: Publication;

beforeEach(async () => {
  sip = await startFakeSip();
  timers = new ManualTimers();
  log = [];
  publication = new Publication(sip.ua, 'presence', 'application/pidf+xml', 600, (l) => log.push(l), timers);
});
afterEach(async () => {
  publication.dispose();
  await sip.stop();
});

function published(): IncomingRequestMessage {
  const sent = sip.take('PUBLISH');
  expect(sent).toHaveLength(1);
  return sent[0];
}

/** Yields to the event loop until the promise's PUBLISH has been handed to the transport. */
const flush = () => new Promise((r) => setImmediate(r));

describe('Publication', () => {
  it('publishes, refreshes with SIP-If-Match and no body, modifies and removes', async () => {
    const first = publication.publish('<presence>one</presence>');
    const initial = published();
    expect(initial.getHeader('Event')).toBe('presence');
    expect(initial.getHeader('Expires')).toBe('600');
    expect(initial.getHeader('SIP-If-Match')).toBeUndefined();
    expect(initial.body).toBe('<presence>one</presence>');
    sip.respond(initial, 200, 'OK', ['SIP-ETag: e1', 'Expires: 300']);
    expect(await first).toEqual({ ok: true, status: 200, reason: 'OK' });
    expect(timers.delays()).toEqual([270_000]);

    timers.runNext();
    const refresh = published();
    expect(refresh.getHeader('SIP-If-Match')).toBe('e1');
    expect(refresh.body ?? '').toBe('');
    expect(refresh.getHeader('Content-Type')).toBeUndefined();
    sip.respond(refresh, 200, 'OK', ['SIP-ETag: e2', 'Expires: 600']);
    await flush();
    expect(timers.delays()).toEqual([540_000]);

    const modify = publication.publish('<presence>two</presence>');
    const m = published();
    expect(m.getHeader('SIP-If-Match')).toBe('e2');
    expect(m.body).toBe('<presence>two</presence>');
    sip.respond(m, 200, 'OK', ['SIP-ETag: e3', 'Expires: 600']);
    expect((await modify).ok).toBe(true);

    const removed = publication.remove();
    const r = published();
    expect(r.getHeader('Expires')).toBe('0');
    expect(r.getHeader('SIP-If-Match')).toBe('e3');
    expect(r.body ?? '').toBe('');
    sip.respond(r, 200, 'OK', ['Expires: 0']);
    await removed;
    expect(timers.pending.size).toBe(0);
  });

  it('a modify answered 412 publishes the full state afresh, without the lost entity tag', async () => {
    const first = publication.publish('<presence>one</presence>');
    sip.respond(published(), 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    await first;
    const modify = publication.publish('<presence>two</presence>');
    sip.respond(published(), 412, 'Conditional Request Failed');
    await flush();
    const fresh = published();
    expect(fresh.getHeader('SIP-If-Match')).toBeUndefined();
    expect(fresh.body).toBe('<presence>two</presence>');
    sip.respond(fresh, 200, 'OK', ['SIP-ETag: e9', 'Expires: 600']);
    expect(await modify).toEqual({ ok: true, status: 200, reason: 'OK' });
  });

  it('a refresh answered 412 publishes the last full state again', async () => {
    const first = publication.publish('<presence>one</presence>');
    sip.respond(published(), 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    await first;
    timers.runNext();
    sip.respond(published(), 412, 'Conditional Request Failed');
    await flush();
    const fresh = published();
    expect(fresh.getHeader('SIP-If-Match')).toBeUndefined();
    expect(fresh.body).toBe('<presence>one</presence>');
    sip.respond(fresh, 200, 'OK', ['SIP-ETag: e2', 'Expires: 600']);
    await flush();
    expect(timers.delays()).toEqual([540_000]);
  });

  it('a refresh refused for another reason is logged and the full state published again later', async () => {
    const first = publication.publish('<presence>one</presence>');
    sip.respond(published(), 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    await first;
    timers.runNext();
    sip.respond(published(), 500, 'Server Internal Error');
    await flush();
    expect(log.join('\n')).toMatch(/publication refresh failed \(500 Server Internal Error\); publishing again in \d+ s/);
    expect(timers.pending.size).toBe(1);
    timers.runNext();
    const again = published();
    expect(again.getHeader('SIP-If-Match')).toBeUndefined();
    expect(again.body).toBe('<presence>one</presence>');
  });

  it('reports a refused publish with the server’s words and schedules nothing', async () => {
    const first = publication.publish('<presence>one</presence>');
    sip.respond(published(), 489, 'Bad Event');
    expect(await first).toEqual({ ok: false, status: 489, reason: 'Bad Event' });
    expect(timers.pending.size).toBe(0);
  });
  it('never has two PUBLISHes in flight: a newer status waits for the answer, and only the latest is sent', async () => {
    const first = publication.publish('<presence>one</presence>');
    const initial = published();
    expect(publication.state).toBe(PublicationState.Publishing);
    const second = publication.publish('<presence>two</presence>');
    const third = publication.publish('<presence>three</presence>');
    await flush();
    expect(sip.take('PUBLISH')).toEqual([]);
    sip.respond(initial, 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    expect(await first).toEqual({ ok: true, status: 200, reason: 'OK' });
    const latest = published();
    expect(latest.body).toBe('<presence>three</presence>');
    expect(latest.getHeader('SIP-If-Match')).toBe('e1');
    sip.respond(latest, 200, 'OK', ['SIP-ETag: e2', 'Expires: 600']);
    // The superseded status is answered with the outcome of the one that replaced it.
    expect(await second).toEqual({ ok: true, status: 200, reason: 'OK' });
    expect(await third).toEqual({ ok: true, status: 200, reason: 'OK' });
    await flush();
    expect(sip.take('PUBLISH')).toEqual([]);
    expect(publication.state).toBe(PublicationState.Published);
  });

  it('a status given during a refresh is sent after the refresh is answered, with its ETag', async () => {
    const first = publication.publish('<presence>one</presence>');
    sip.respond(published(), 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    await first;
    timers.runNext();
    const refresh = published();
    const modify = publication.publish('<presence>two</presence>');
    await flush();
    expect(sip.take('PUBLISH')).toEqual([]);
    sip.respond(refresh, 200, 'OK', ['SIP-ETag: e2', 'Expires: 600']);
    await flush();
    const m = published();
    expect(m.getHeader('SIP-If-Match')).toBe('e2');
    expect(m.body).toBe('<presence>two</presence>');
    sip.respond(m, 200, 'OK', ['SIP-ETag: e3', 'Expires: 600']);
    expect((await modify).ok).toBe(true);
  });

  it('remove() waits for the PUBLISH in flight, drops a queued status, and removes with the newest ETag', async () => {
    const first = publication.publish('<presence>one</presence>');
    const initial = published();
    const queued = publication.publish('<presence>two</presence>');
    const removed = publication.remove();
    expect(await queued).toMatchObject({ ok: false, reason: 'the publication was removed before this status was sent' });
    sip.respond(initial, 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    await first;
    await flush();
    const r = published();
    expect(r.getHeader('Expires')).toBe('0');
    expect(r.getHeader('SIP-If-Match')).toBe('e1');
    sip.respond(r, 200, 'OK', ['Expires: 0']);
    await removed;
    expect(publication.state).toBe(PublicationState.Unpublished);
    expect(timers.pending.size).toBe(0);
  });

  it('after reset() (connection lost) a new status is sent at once, without the old ETag', async () => {
    const first = publication.publish('<presence>one</presence>');
    sip.respond(published(), 200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
    await first;
    void publication.publish('<presence>two</presence>');
    published(); // never answered: the connection went down
    publication.reset();
    void publication.publish('<presence>three</presence>');
    const fresh = published();
    expect(fresh.body).toBe('<presence>three</presence>');
    expect(fresh.getHeader('SIP-If-Match')).toBeUndefined();
  });
});
