/**
 * The app's long-term status, privacy, calendar and server-preference handlers over a real
 * CUPS session against the lab CUPS server: what the handlers return is what the lab holds,
 * refusals carry the server's words and name what was being done, bad input is refused
 * before anything is sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LongTermStatus } from '../../../shared/domain';
import { CupsSession } from '../../../core/cups';
import { CupsFeatures, LONG_TERM_NOTE, LONG_TERM_UNTIL, longTermPidf } from '../../../core/cups/features';
import { find, parsePidf } from './features-support';
import { startLabCups, type LabCups } from '../../../lab/cups/server';

let lab: LabCups;
let cups: CupsSession | undefined;
let features: CupsFeatures;
const changes: Array<LongTermStatus | null> = [];

beforeAll(async () => {
  lab = await startLabCups({
    domain: 'lab.test',
    presence: { host: '127.0.0.1', port: 5099, protocol: 'tcp' },
    users: ['alex', 'maria', 'sam'].map((id) => ({ id, password: 'pw', displayName: id })),
  });
  features = new CupsFeatures({ cups: () => cups, entity: () => 'sip:alex@lab.test', onLongTerm: (s) => changes.push(s), log: () => {} });
});
beforeEach(async () => {
  cups = new CupsSession({ server: lab.url, user: 'alex', password: 'pw' });
  await cups.login({ force: true });
});
afterAll(() => lab.close());

const h = () => features.handlers;

describe('long-term status', () => {
  it('publishes a PIDF with the note and end date, remembers it in the user config, and clears both', async () => {
    expect(await h()['longterm:get']()).toBeNull();
    expect(await h()['longterm:set']({ note: '  On vacation ', until: '2026-12-03' })).toEqual({ note: 'On vacation', until: '2026-12-03' });
    const stored = JSON.parse(lab.state('alex').longTermPresence!);
    expect(find(stored, 'note')).toBe('On vacation');
    expect(find(stored, '@until')).toBe('2026-12-03T23:59:59Z');
    expect(lab.state('alex').properties.get(LONG_TERM_NOTE)).toEqual({ value: 'On vacation', isPublic: true });
    expect(await h()['longterm:get']()).toEqual({ note: 'On vacation', until: '2026-12-03' });
    expect(await h()['longterm:clear']()).toBeNull();
    expect(lab.state('alex').longTermPresence).toBeUndefined();
    expect(lab.state('alex').properties.get(LONG_TERM_UNTIL)?.value).toBe('');
    expect(await h()['longterm:get']()).toBeNull();
    expect(changes).toEqual([{ note: 'On vacation', until: '2026-12-03' }, null]);
  });

  it('the published document is PIDF our own parser reads as Away with the note', () => {
    const parsed = parsePidf(longTermPidf('sip:alex@lab.test', { note: 'Out <of> office', until: '2026-12-03' }));
    expect(parsed.devices[0]).toMatchObject({ availability: 'away', note: 'Out <of> office' });
  });

  it('refuses bad input before sending, and a server fault names the step in the server’s words', async () => {
    await expect(h()['longterm:set']({ note: '   ' })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(h()['longterm:set']({ note: 'Away', until: '3 Dec' })).rejects.toMatchObject({
      code: 'invalid-input',
      message: '"3 Dec" is not a date (YYYY-MM-DD).',
    });
    lab.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'publish-pres-status' });
    await expect(h()['longterm:set']({ note: 'Away' })).rejects.toMatchObject({
      code: 'soap-fault',
      message: 'Setting the long-term status failed: Could not connect to database.',
    });
    expect(lab.state('alex').longTermPresence).toBeUndefined();
  });

  it('says to sign in first when signed out', async () => {
    const saved = cups;
    cups = undefined;
    await expect(h()['longterm:get']()).rejects.toMatchObject({ code: 'invalid-input', message: 'Sign in first.' });
    cups = saved;
  });
});

describe('privacy', () => {
  it('adds a rule, adds and removes watchers, deletes the rule; every answer is the lab’s state', async () => {
    let p = await h()['privacy:set-rule']({ name: 'Blocked', visibility: 'none' });
    expect(p.rules).toEqual([{ name: 'Blocked', visibility: 'none', excludedSources: [], watchers: [] }]);
    await h()['privacy:add-watcher']('Blocked', 'maria');
    p = await h()['privacy:add-watcher']('Blocked', 'sip:sam');
    expect(p.rules[0].watchers).toEqual(['maria', 'sam']);
    expect([...lab.state('alex').acl.get('Blocked')!]).toEqual(['maria', 'sam']);
    p = await h()['privacy:remove-watcher']('Blocked', 'maria');
    expect(p.rules[0].watchers).toEqual(['sam']);
    await h()['privacy:set-rule']({ name: 'Blocked', visibility: 'reachability-only' });
    expect(lab.state('alex').presenceRules.get('Blocked')?.visibility).toBe('reachability-only');
    p = await h()['privacy:delete-rule']('Blocked');
    expect(p.rules).toEqual([]);
    expect(lab.state('alex').presenceRules.has('Blocked')).toBe(false);
    expect([...(lab.state('alex').acl.get('Blocked') ?? [])]).toEqual([]);
  });

  it('a watcher the server refuses comes back in its words, naming who and which rule', async () => {
    await h()['privacy:set-rule']({ name: 'Family', visibility: 'all' });
    await expect(h()['privacy:add-watcher']('Family', 'nobody')).rejects.toMatchObject({
      code: 'soap-fault',
      message: 'Adding nobody to "Family" failed: failed',
    });
    await expect(h()['privacy:delete-rule']('Nope')).rejects.toMatchObject({ message: 'Deleting the rule "Nope" failed: Invalid Policy name' });
    await expect(h()['privacy:set-rule']({ name: 'X', visibility: 'everyone' })).rejects.toMatchObject({ code: 'invalid-input' });
    await h()['privacy:delete-rule']('Family');
  });
});

describe('calendar and server preferences', () => {
  it('turns calendaring on and off as the lab stores it', async () => {
    expect(await h()['calendar:set'](true)).toBe(true);
    expect(lab.state('alex').calendaring).toBe(true);
    expect(await h()['calendar:get']()).toBe(true);
    expect(await h()['calendar:set'](false)).toBe(false);
    expect(lab.state('alex').calendaring).toBe(false);
  });

  it('lists and saves preferences (the long-term status note is not listed)', async () => {
    const prefs = await h()['preferences:set']({ name: 'Preferred.Contact', value: 'email', isPublic: true });
    expect(prefs).toContainEqual({ name: 'Preferred.Contact', value: 'email', isPublic: true });
    expect(prefs.some((p) => p.name.startsWith('PresenceDesk.'))).toBe(false);
    expect(lab.state('alex').properties.get('Preferred.Contact')).toEqual({ value: 'email', isPublic: true });
    await expect(h()['preferences:set']({ name: '<bad>', value: '', isPublic: false })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('presence rules round trip', () => {
  // The reachability part of the guide's Example 43 (made well-formed), as another client set it.
  const CONDITIONS =
    '<pr:cond><pr:epas-reachability source="cupc"></pr:epas-reachability></pr:cond>' +
    '<pr:when reachability-status="away"><pr:epas-status source="cupc" status="away"></pr:epas-status>' +
    '<pr:not><pr:epas-status source="Cell Phone" status="busy"></pr:epas-status></pr:not></pr:when>';

  it('a save from the Privacy view keeps the conditions and filters it does not edit, and shows them in words', async () => {
    await cups!.setPresenceRules([
      { name: 'reach', visibility: 'all', excludedSources: ['cupc'], reachability: CONDITIONS, filterExtra: '<pr:mood>hidden</pr:mood>' },
    ]);
    const shown = (await h()['privacy:get']()).rules.find((r) => r.name === 'reach');
    expect(shown).toMatchObject({ visibility: 'all', excludedSources: ['cupc'], reachability: 'when away (3 conditions)' });

    await h()['privacy:set-rule']({ name: 'reach', visibility: 'reachability-only', excludedSources: ['Cell Phone'] });
    const stored = lab.state('alex').presenceRules.get('reach')!;
    expect(stored).toMatchObject({ visibility: 'reachability-only', excludedSources: ['Cell Phone'], filterExtra: '<pr:mood>hidden</pr:mood>' });
    // Read back by the client, the conditions are the ones another client set.
    expect((await cups!.getPresenceRules()).rules.find((r) => r.name === 'reach')?.reachability).toBe(CONDITIONS);

    await h()['privacy:set-rule']({ name: 'reach', visibility: 'all', clearReachability: true });
    expect(lab.state('alex').presenceRules.get('reach')?.reachability).toBeUndefined();
    expect(lab.state('alex').presenceRules.get('reach')?.filterExtra).toBe('<pr:mood>hidden</pr:mood>');
    await h()['privacy:delete-rule']('reach');
  });

  it('edits conditions from the Privacy view: the lab holds them, they read back, their and/or groups stay', async () => {
    // One condition as another client set it, with a group the view does not edit.
    const nested =
      '<pr:cond><pr:epas-reachability source="cupc"></pr:epas-reachability>' +
      '<pr:when reachability-status="away"><pr:epas-status source="cupc" status="away"></pr:epas-status>' +
      '<pr:not><pr:epas-status source="Cell Phone" status="busy"></pr:epas-status></pr:not></pr:when></pr:cond>';
    await cups!.setPresenceRules([{ name: 'edit', visibility: 'all', excludedSources: [], reachability: nested, filterExtra: '<pr:mood>hidden</pr:mood>' }]);
    const read = (await h()['privacy:get']()).rules.find((r) => r.name === 'edit')!;
    expect(read.conditions).toEqual({
      sources: ['cupc'],
      when: [{ reachabilityStatus: 'away', statuses: [{ source: 'cupc', status: 'away' }], nested: 1, index: 0 }],
    });

    const saved = await h()['privacy:set-rule']({
      name: 'edit',
      visibility: 'all',
      conditions: {
        sources: ['Cell Phone'],
        when: [
          { ...read.conditions!.when[0], reachabilityStatus: 'busy' },
          { reachabilityStatus: 'away', statuses: [{ source: 'Cell Phone', status: 'on-the-phone' }] },
        ],
      },
    });
    expect(saved.rules.find((r) => r.name === 'edit')?.conditions).toEqual({
      sources: ['Cell Phone'],
      when: [
        { reachabilityStatus: 'busy', statuses: [{ source: 'cupc', status: 'away' }], nested: 1, index: 0 },
        { reachabilityStatus: 'away', statuses: [{ source: 'Cell Phone', status: 'on-the-phone' }], index: 1 },
      ],
    });
    const stored = lab.state('alex').presenceRules.get('edit')!;
    expect(stored.reachability).toContain('<pr:not><pr:epas-status source="Cell Phone" status="busy"></pr:epas-status></pr:not>');
    expect(stored.filterExtra).toBe('<pr:mood>hidden</pr:mood>');

    // A bad value is refused in words and the lab keeps what it had.
    await expect(
      h()['privacy:set-rule']({ name: 'edit', visibility: 'all', conditions: { sources: [], when: [{ reachabilityStatus: 'out to lunch', statuses: [] }] } }),
    ).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/Condition 1 has no status to test/) });
    expect(lab.state('alex').presenceRules.get('edit')?.reachability).toBe(stored.reachability);

    // Removing every condition leaves the rule without any.
    await h()['privacy:set-rule']({ name: 'edit', visibility: 'all', conditions: { sources: [], when: [] } });
    expect(lab.state('alex').presenceRules.get('edit')?.reachability).toBeUndefined();
    await h()['privacy:delete-rule']('edit');
  });
});
