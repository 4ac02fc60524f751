/**
 * Which path a buddy list starts on when both an event list and per-contact subscriptions are
 * possible (core/sip/usages/presence-path.ts): earlier sign-ins' figures first, the server's
 * product when there are none; and the figures a sign-in leaves, kept across restarts.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PATH_FIGURES, PresencePaths, choosePresencePath, type StoredPathFigures } from '../../../core/sip/usages/presence-path';
import { readSettings } from '../../../core/store/settings';

/** Kamailio's answer to REGISTER, as the lab's 5.6 gives it. */
const KAMAILIO = 'kamailio (5.6.3 (x86_64/linux))';
const CUPS = 'Cisco-CUPS/8.6';

describe('choosePresencePath', () => {
  it('with nothing measured, goes per contact on a server whose list server batches, and to the list elsewhere', () => {
    const kamailio = choosePresencePath({}, KAMAILIO);
    expect(kamailio.path).toBe('per-contact');
    expect(kamailio.reason).toMatch(/^kamailio's list server batches/);
    expect(choosePresencePath({}, 'OpenSIPS (3.4.0 (x86_64/linux))').path).toBe('per-contact');
    expect(choosePresencePath({}, CUPS).path).toBe('list');
    expect(choosePresencePath({}, undefined).path).toBe('list');
    expect(choosePresencePath({}, '').path).toBe('list');
  });

  it('with both paths measured, takes the faster one whatever the server', () => {
    expect(choosePresencePath({ list: 0.4, perContact: 0.6 }, KAMAILIO)).toEqual({
      path: 'list',
      reason: 'the list was faster at earlier sign-ins (0.40 ms a contact against 0.60 ms a contact)',
    });
    expect(choosePresencePath({ list: 1.66, perContact: 0.58 }, CUPS).path).toBe('per-contact');
  });

  it('after the list was refused or stalled, goes per contact even where the list would come first', () => {
    expect(choosePresencePath({ list: Infinity }, CUPS).path).toBe('per-contact');
    expect(choosePresencePath({ list: Infinity, perContact: 5 }, CUPS).path).toBe('per-contact');
  });

  it('measures per contact once when only the list was measured, and keeps per contact when only it was', () => {
    const once = choosePresencePath({ list: 0.9 }, CUPS);
    expect(once.path).toBe('per-contact');
    expect(once.reason).toMatch(/only the list was measured \(0\.90 ms a contact\)/);
    expect(choosePresencePath({ perContact: 0.6 }, CUPS).path).toBe('per-contact');
  });
});

describe('PresencePaths', () => {
  it('keeps the latest figure a member of each path, by server and list, and remembers a failed list', () => {
    const paths = new PresencePaths();
    const a = 'tcp cups-a:5060 sip:alex-list@a.test';
    const b = 'tcp cups-b:5060 sip:alex-list@b.test';
    expect(paths.choose(a, CUPS).path).toBe('list');
    paths.measured(a, 'list', 1000, 1660);
    expect(paths.get(a)).toEqual({ list: 1.66 });
    // Only the list known: per contact is measured next.
    expect(paths.choose(a, CUPS).path).toBe('per-contact');
    paths.measured(a, 'per-contact', 1000, 600);
    expect(paths.choose(a, CUPS).path).toBe('per-contact');
    // A later, faster list sign-in replaces the figure, and the list wins again.
    paths.measured(a, 'list', 2000, 800);
    expect(paths.choose(a, CUPS)).toMatchObject({ path: 'list' });
    // Another server knows nothing of it.
    expect(paths.get(b)).toEqual({});
    paths.listFailed(b);
    expect(paths.choose(b, CUPS).path).toBe('per-contact');
    // An empty list measures nothing.
    paths.measured(b, 'per-contact', 0, 10);
    expect(paths.get(b)).toEqual({ list: Infinity });
  });
});

describe('PresencePaths kept across restarts', () => {
  const LIST = 'tcp:cups.example.com:5060 sip:alex-list@example.com';

  it('hands every change to its keeper in a JSON-safe shape, and a new run starts from it', () => {
    let kept: StoredPathFigures[] = [];
    const first = new PresencePaths([], (all) => (kept = all));
    first.measured(LIST, 'per-contact', 200, 120);
    first.listFailed(LIST);
    expect(kept).toEqual([{ key: LIST, listFailed: true, perContact: 0.6 }]);
    expect(JSON.parse(JSON.stringify(kept))).toEqual(kept);

    // The next run: the stalled list is not tried again, even on a server that would get it.
    const next = new PresencePaths(JSON.parse(JSON.stringify(kept)) as StoredPathFigures[]);
    expect(next.get(LIST)).toEqual({ list: Infinity, perContact: 0.6 });
    expect(next.choose(LIST, CUPS)).toEqual({ path: 'per-contact', reason: 'the list was refused or stalled at an earlier sign-in' });
  });

  it(`forgets the least recently measured beyond ${MAX_PATH_FIGURES} servers and lists`, () => {
    let kept: StoredPathFigures[] = [];
    const paths = new PresencePaths([], (all) => (kept = all));
    for (let i = 0; i < MAX_PATH_FIGURES + 5; i++) paths.measured(`server${i} list`, 'list', 10, 10);
    paths.measured('server5 list', 'per-contact', 10, 20); // measured again: now the most recent
    expect(kept).toHaveLength(MAX_PATH_FIGURES);
    expect(kept[0]?.key).toBe('server6 list');
    expect(kept.at(-1)).toEqual({ key: 'server5 list', list: 1, perContact: 2 });
    expect(new PresencePaths(kept).get('server0 list')).toEqual({});
  });

  it('the settings keep the usable entries of a damaged stored list and drop the rest', () => {
    const { settings, problems } = readSettings({
      presencePathFigures: [
        { key: LIST, perContact: 0.6, listFailed: true },
        { key: '', perContact: 1 },
        { key: 'x', list: -3 },
        { key: 'y', list: 'fast' },
        'not an entry',
      ],
    });
    expect(settings.presencePathFigures).toEqual([{ key: LIST, perContact: 0.6, listFailed: true }]);
    expect(problems).toEqual(['presencePathFigures: 4 of 5 entries were not usable and were dropped']);
  });
});
