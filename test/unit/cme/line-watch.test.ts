/**
 * The line watcher's economy and recovery, on a scripted router: only new event IDs are read,
 * only the extensions they name are read again, a cleared or overflowing event log leads to one
 * re-read of the watched lines (never the router's whole table), and a failed poll is reported
 * and retried.
 */
import { describe, expect, it } from 'vitest';
import { LineWatch } from '../../../core/cme/line-watch';
import { CmeError, type CmeDevice, type CmeExtension, type CmeEventCounts } from '../../../core/cme/types';
import type { ExtensionQuery, DeviceQuery } from '../../../core/cme/requests';

const ext = (id: string, activity: CmeExtension['activity'] = 'idle'): CmeExtension => ({
  id,
  kind: 'sccp',
  number: `20${id.padStart(2, '0')}`,
  callStatus: activity === 'in-use' ? 'CONNECTED' : 'IDLE',
  activity,
  firstName: '',
  lastName: '',
  devices: [id],
});

function scriptedRouter() {
  const calls: string[] = [];
  const state = { counts: { device: 0, extension: 5 } as CmeEventCounts, extEvents: new Map<number, string>(), fail: 0 };
  const client = {
    eventCounts: async () => {
      calls.push('counts');
      if (state.fail > 0) {
        state.fail--;
        throw new CmeError('timeout', 'The router at r:80 did not answer ISgetEvtCounts within 1 s.');
      }
      return { ...state.counts };
    },
    extensionEvents: async (ids: readonly number[]) => {
      calls.push(`extEvts ${ids.join(',')}`);
      return ids.map((id) => ({ extensionId: state.extEvents.get(id) ?? '', number: '', time: id, change: '' }));
    },
    deviceEvents: async (ids: readonly number[]) => {
      calls.push(`devEvts ${ids.join(',')}`);
      return [];
    },
    extensions: async (q: ExtensionQuery) => {
      calls.push(`ext ${(q.ids ?? []).join(',')}${q.keyword ? ` ${q.keyword}` : ''}`);
      return (q.ids ?? []).map((id) => ext(id, 'in-use'));
    },
    devices: async (q: DeviceQuery) => {
      calls.push(`dev ${(q.ids ?? []).join(',')}`);
      return [] as CmeDevice[];
    },
    sipDevices: async (q: DeviceQuery) => {
      calls.push(`sipdev ${(q.ids ?? []).join(',')}`);
      return [] as CmeDevice[];
    },
  };
  const logEvent = (extensionId: string) => {
    state.counts = { ...state.counts, extension: state.counts.extension + 1 };
    state.extEvents.set(state.counts.extension, extensionId);
  };
  return { client, calls, state, logEvent };
}

function watch(router: ReturnType<typeof scriptedRouter>, watched = ['1', '2']) {
  const seen: CmeExtension[] = [];
  const problems: Array<string | undefined> = [];
  let wake: () => void = () => {};
  const w = new LineWatch({
    client: router.client,
    intervalMs: 5,
    maxEvents: 3,
    watched: () => ({ extensionIds: watched, deviceIds: [] }),
    onExtension: (x) => {
      seen.push(x);
      wake();
    },
    onDevice: () => {},
    onProblem: (e) => {
      problems.push(e?.message);
      wake();
    },
  });
  const next = (what: () => boolean) =>
    new Promise<void>((resolve) => {
      wake = () => what() && resolve();
      if (what()) resolve();
    });
  return { w, seen, problems, next };
}

describe('LineWatch', () => {
  it('reads only the new events and only the extensions they name', async () => {
    const router = scriptedRouter();
    const { w, seen, next } = watch(router);
    await w.start();
    router.logEvent('2');
    router.logEvent('2');
    await next(() => seen.length >= 1);
    router.logEvent('7');
    await next(() => seen.some((x) => x.id === '7'));
    w.stop();
    const work = router.calls.filter((c) => c !== 'counts');
    // Event 6 and 7 together (or apart, as the polls fell), then 8; each read once.
    const eventIds = work.filter((c) => c.startsWith('extEvts')).flatMap((c) => c.slice(8).split(','));
    expect(eventIds).toEqual(['6', '7', '8']);
    expect(work.filter((c) => c.startsWith('ext ')).every((c) => c === 'ext 2' || c === 'ext 7')).toBe(true);
    expect(work.some((c) => c.includes('all'))).toBe(false);
  });

  it('a cleared event log (counter went down) or too many new events: the watched lines once, then events again', async () => {
    const router = scriptedRouter();
    const { w, seen, next } = watch(router);
    await w.start();
    router.state.counts = { device: 0, extension: 1 };
    await next(() => seen.length >= 2);
    expect(router.calls).toContain('ext 1,2');
    for (let i = 0; i < 5; i++) router.logEvent('3');
    await next(() => seen.length >= 4);
    w.stop();
    expect(router.calls.filter((c) => c === 'ext 1,2')).toHaveLength(2);
    expect(router.calls.some((c) => c.startsWith('extEvts'))).toBe(false);
  });

  it('a failed poll is reported in words and retried; success is reported once', async () => {
    const router = scriptedRouter();
    const { w, problems, next } = watch(router);
    await w.start();
    router.state.fail = 2;
    await next(() => problems.length >= 3);
    w.stop();
    expect(problems).toEqual([
      'The router at r:80 did not answer ISgetEvtCounts within 1 s.',
      'The router at r:80 did not answer ISgetEvtCounts within 1 s.',
      undefined,
    ]);
  });
});
