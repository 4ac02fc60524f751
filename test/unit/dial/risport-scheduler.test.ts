/**
 * The RisPort70 scheduler against the document's limits ("RisPort70 Request Throttling": 15
 * requests a minute by default, 18 at most; 2,000 results at most, 500 devices a request for
 * complete results; StateInfo for identical queries), with 5,000 contacts' phones, fake timers
 * and a RisPort stand-in that records when each request arrives.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RisPortScheduler, RISPORT_LIMITS } from '../../../core/dial/risport-scheduler';
import type { RisAnswer, RisQuery } from '../../../core/dial/risport';
import type { DeskPhoneStatus } from '../../../shared/domain';
import { DeskPhoneStatusWatch } from '../../../core/calls/desk-phone-status';
import type { DeskPhone } from '../../../core/dial/phone';

/** Limits copied from the RisPort70 document (see test/fixtures/risport70/README). */
const DOCUMENT = { perMinute: 15, hardPerMinute: 18, maxResults: 2000 };

interface Seen {
  at: number;
  query: RisQuery;
  stateInfo?: string;
}

function fakeRisPort(options: { changeEvery?: number } = {}) {
  const seen: Seen[] = [];
  let version = 0;
  const select = async (query: RisQuery, stateInfo?: string): Promise<RisAnswer> => {
    seen.push({ at: Date.now(), query, ...(stateInfo ? { stateInfo } : {}) });
    if (options.changeEvery && seen.length % options.changeEvery === 0) version += 1;
    const state = `v${version}:${query.items[0]}`;
    if (stateInfo === state) return { devices: [], noChange: true, totalFound: 0, stateInfo: state };
    const devices: DeskPhoneStatus[] = query.items.map((name) => ({ name, registered: true, status: 'Registered' }));
    return { devices, noChange: false, totalFound: devices.length, stateInfo: state };
  };
  return { seen, select };
}

/** The most requests in any 60 s window. */
function busiestMinute(times: number[]): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j] < times[i] + 60_000; j++) n++;
    most = Math.max(most, n);
  }
  return most;
}

describe('RisPort scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-02T09:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it("with 5,000 contacts' phones never exceeds the request rate, asks at most 500 devices a request, and uses StateInfo", async () => {
    const risport = fakeRisPort();
    const scheduler = new RisPortScheduler(risport.select, {}, Date.now);
    const seenDevices = new Set<string>();
    const phones = Array.from({ length: 5000 }, (_, i) => `SEP${String(i).padStart(12, '0')}`);
    scheduler.watch({ selectBy: 'Name', items: phones }, (devices) => devices.forEach((d) => seenDevices.add(d.name)));

    // The user's own phone is asked for now and then while the contacts are being read.
    const own: Array<Promise<DeskPhoneStatus[]>> = [];
    for (let minute = 0; minute < 20; minute++) {
      own.push(scheduler.own([`SEPOWN${minute % 3}`]));
      await vi.advanceTimersByTimeAsync(60_000);
    }
    await Promise.all(own);
    scheduler.stop();

    const times = risport.seen.map((s) => s.at);
    expect(risport.seen.length).toBeGreaterThan(100); // it kept working for 20 minutes
    expect(busiestMinute(times)).toBeLessThanOrEqual(RISPORT_LIMITS.perMinute);
    expect(RISPORT_LIMITS.perMinute).toBeLessThanOrEqual(DOCUMENT.perMinute);
    expect(Math.max(...risport.seen.map((s) => s.query.items.length))).toBeLessThanOrEqual(500);
    expect(Math.max(...risport.seen.map((s) => s.query.items.length))).toBeLessThan(DOCUMENT.maxResults);
    expect(seenDevices.size).toBe(5000); // every phone was read
    // Every request after a chunk's first carries the StateInfo of its previous answer.
    const contactRequests = risport.seen.filter((s) => !s.query.items[0]!.startsWith('SEPOWN'));
    const repeats = contactRequests.slice(10);
    expect(repeats.length).toBeGreaterThan(50);
    expect(repeats.every((s) => s.stateInfo === `v0:${s.query.items[0]}`)).toBe(true);
  });

  it("the own phone goes first even while 5,000 contacts' phones are queued", async () => {
    const risport = fakeRisPort();
    const scheduler = new RisPortScheduler(risport.select, {}, Date.now);
    scheduler.watch({ selectBy: 'Name', items: Array.from({ length: 5000 }, (_, i) => `SEP${i}`) }, () => {});
    await vi.advanceTimersByTimeAsync(90_000); // the contacts' share of the window is used up
    const asked = Date.now();
    let answered = 0;
    void scheduler.own(['SEPOWN']).then(() => (answered = Date.now()));
    await vi.advanceTimersByTimeAsync(60_000);
    scheduler.stop();
    expect(answered).toBeGreaterThan(0);
    expect(answered - asked).toBeLessThan(5_000);
    expect(busiestMinute(risport.seen.map((s) => s.at))).toBeLessThanOrEqual(15);
  });

  it('after a throttling fault it sends nothing for a minute, then carries on', async () => {
    const risport = fakeRisPort();
    let refuse = 2;
    const select = async (query: RisQuery, stateInfo?: string) => {
      if (query.items[0] === 'SEP5' && refuse-- > 0) {
        risport.seen.push({ at: Date.now(), query });
        throw new Error('AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is 15 requests per minute.');
      }
      return risport.select(query, stateInfo);
    };
    const scheduler = new RisPortScheduler(select, { devicesPerRequest: 1 }, Date.now);
    scheduler.watch({ selectBy: 'Name', items: Array.from({ length: 12 }, (_, i) => `SEP${i}`) }, () => {});
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    scheduler.stop();
    const fault = risport.seen.findIndex((s) => s.query.items[0] === 'SEP5');
    expect(risport.seen[fault + 1]!.at - risport.seen[fault]!.at).toBeGreaterThanOrEqual(60_000);
    expect(busiestMinute(risport.seen.map((s) => s.at))).toBeLessThanOrEqual(15);
  });

  it('reuses a recent answer about the own phone instead of asking again', async () => {
    const risport = fakeRisPort();
    const scheduler = new RisPortScheduler(risport.select, {}, Date.now);
    await scheduler.own(['SEPA']);
    await scheduler.own(['SEPA']);
    expect(risport.seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(RISPORT_LIMITS.ownMaxAgeMs + 1);
    await scheduler.own(['SEPA']);
    expect(risport.seen).toHaveLength(2);
    scheduler.stop();
  });

  it('a RisPort that does not answer holds a call up no longer than the limit, and the call goes ahead', async () => {
    const logged: string[] = [];
    const phone = { profile: async () => ({ user: 'alex', deviceName: 'SEP1', lineNumber: '1000' }) } as unknown as DeskPhone;
    const watch = new DeskPhoneStatusWatch({ selectCmDeviceExt: () => new Promise<RisAnswer>(() => {}) }, phone, (l) => logged.push(l));
    let done = false;
    const check = watch.checkBeforeCall().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(4900);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await check;
    expect(logged).toContain('risport: no answer within 5 s; the call goes ahead unchecked');
    watch.stop();
  });
});
