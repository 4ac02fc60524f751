import { describe, expect, it } from 'vitest';
import type { Availability, Contact, ContactGroup, Presence } from '../../shared/domain';
import { filterGroups, flattenRows, indexGroups, naiveFilter, presenceProgress, type Row } from '../../renderer/src/buddy-model';

const contact = (id: string, displayName: string, numbers: string[] = [], nickname = ''): Contact => ({
  personaId: id,
  uri: `sip:${id}@example.com`,
  nickname,
  displayName,
  index: 0,
  displayOnPhone: false,
  numbers,
});
const p = (availability: Availability, updatedAt = 1): Presence => ({ availability, note: '', updatedAt, devices: [] });

const groups: ContactGroup[] = [
  {
    name: 'Product team',
    index: 1,
    contacts: [
      contact('sam', 'Sam Okafor', ['+1 408 555 0102']),
      contact('maria', 'Maria Chen', ['+1 (408) 555-0101'], 'Maria C'),
      contact('priya', 'priya natarajan'),
    ],
  },
  { name: 'Support desk', index: 2, contacts: [contact('omar', 'Omar Haddad', ['+49 30 555 0105']), contact('lena', 'Lena Fischer')] },
  { name: 'Empty', index: 3, contacts: [] },
];
const index = indexGroups(groups);
const none = new Set<string>();
const names = (rows: Row[]) => rows.map((r) => (r.kind === 'group' ? `# ${r.group} ${r.online}/${r.total}` : r.contact.personaId));
const find = (q: string) => names(flattenRows(filterGroups(index, q), { sort: 'name', collapsed: none, presence: {} }));

describe('buddy list model', () => {
  it('keeps groups in the server order and sorts contacts by name, case-insensitively', () => {
    expect(find('')).toEqual(['# Product team 0/3', 'maria', 'priya', 'sam', '# Support desk 0/2', 'lena', 'omar', '# Empty 0/0']);
  });

  it('offers "Server order": contacts as the server listed them, also while filtering', () => {
    const server = (q: string) =>
      names(flattenRows(filterGroups(index, q), { sort: 'server', collapsed: none, presence: { 'sip:priya@example.com': p('available') } }));
    expect(server('')).toEqual(['# Product team 1/3', 'sam', 'maria', 'priya', '# Support desk 0/2', 'omar', 'lena', '# Empty 0/0']);
    expect(server('a')).toEqual(['# Product team 1/3', 'sam', 'maria', 'priya', '# Support desk 0/2', 'omar', 'lena']);
    expect(server('408')).toEqual(['# Product team 0/2', 'sam', 'maria']);
  });

  it('filters by display name, nickname, SIP URI and number, hiding groups without a match', () => {
    expect(find('okaf')).toEqual(['# Product team 0/1', 'sam']);
    expect(find('maria c')).toEqual(['# Product team 0/1', 'maria']);
    expect(find('lena@example')).toEqual(['# Support desk 0/1', 'lena']);
    expect(find('NATARAJAN')).toEqual(['# Product team 0/1', 'priya']);
    expect(find('+49 30')).toEqual(['# Support desk 0/1', 'omar']);
    expect(find('nobody')).toEqual([]);
  });

  it('matches numbers by their digits whatever the punctuation typed', () => {
    expect(find('408-555-0101')).toEqual(['# Product team 0/1', 'maria']);
    expect(find('4085550102')).toEqual(['# Product team 0/1', 'sam']);
    expect(find('555')).toEqual(['# Product team 0/2', 'maria', 'sam', '# Support desk 0/1', 'omar']);
  });

  it('narrowing a query gives the same result as filtering from scratch', () => {
    let previous = filterGroups(index, '');
    for (const q of ['4', '40', '408', '408 5', '408 55', 'm', 'ma', 'mar', 'mari', '6', '65']) {
      const next = filterGroups(index, q, q.startsWith(previous.query) ? previous : undefined);
      expect(names(flattenRows(next, { sort: 'name', collapsed: none, presence: {} }))).toEqual(find(q));
      previous = next;
    }
    // A query that becomes number-like must not reuse the matches of one that was not.
    const spaced = indexGroups([{ name: 'G', index: 0, contacts: [contact('x', 'X', ['6 50 1'])] }]);
    const short = filterGroups(spaced, '65');
    expect(short.groups).toEqual([]);
    expect(filterGroups(spaced, '650', short).groups.map((g) => g.contacts.length)).toEqual([1]);
  });

  it('agrees with the naive filter on which contacts match', () => {
    for (const q of ['a', 'sip:', 'example.com', '0101', 'chen', 'zz']) {
      const ours = filterGroups(index, q)
        .groups.flatMap((g) => g.contacts.map((c) => c.contact.uri))
        .sort();
      const naive = naiveFilter(groups, q)
        .flatMap((g) => g.contacts.map((c) => c.uri))
        .sort();
      expect(ours).toEqual(naive);
    }
  });

  it('sorts by status with available first, then name within the same status', () => {
    const presence = {
      'sip:sam@example.com': p('available'),
      'sip:maria@example.com': p('away'),
      'sip:priya@example.com': p('available'),
      'sip:omar@example.com': p('offline'),
    };
    const rows = flattenRows(filterGroups(index, ''), { sort: 'status', collapsed: none, presence });
    expect(names(rows)).toEqual(['# Product team 3/3', 'priya', 'sam', 'maria', '# Support desk 0/2', 'omar', 'lena', '# Empty 0/0']);
  });

  it('counts online contacts per group: on the phone and busy count, offline and unknown do not', () => {
    const presence = { 'sip:sam@example.com': p('on-the-phone'), 'sip:maria@example.com': p('busy'), 'sip:priya@example.com': p('offline') };
    expect(find('')[0]).toBe('# Product team 0/3');
    expect(names(flattenRows(filterGroups(index, ''), { sort: 'name', collapsed: none, presence }))[0]).toBe('# Product team 2/3');
  });

  it('hides the rows of a collapsed group but keeps its header and counts; a search opens it', () => {
    const collapsed = new Set(['Product team']);
    expect(names(flattenRows(filterGroups(index, ''), { sort: 'name', collapsed, presence: {} }))).toEqual([
      '# Product team 0/3',
      '# Support desk 0/2',
      'lena',
      'omar',
      '# Empty 0/0',
    ]);
    const header = flattenRows(filterGroups(index, ''), { sort: 'name', collapsed, presence: {} })[0];
    expect(header).toMatchObject({ kind: 'group', collapsed: true });
    expect(names(flattenRows(filterGroups(index, 'sam'), { sort: 'name', collapsed, presence: {} }))).toEqual(['# Product team 0/1', 'sam']);
  });

  it('gives every row a distinct key, also for a contact in two groups', () => {
    const twice = indexGroups([...groups, { name: 'Project X', index: 4, contacts: [contact('maria', 'Maria X')] }]);
    const keys = flattenRows(filterGroups(twice, ''), { sort: 'name', collapsed: none, presence: {} }).map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(10);
  });

  it("sorts names in the UI language's collation, not the system's", () => {
    const nordic: ContactGroup[] = [
      { name: 'Nordic', index: 1, contacts: [contact('zander', 'Zander'), contact('oberg', 'Öberg'), contact('olsen', 'Olsen')] },
    ];
    const order = (language: string) => names(flattenRows(filterGroups(indexGroups(nordic, language), ''), { sort: 'name', collapsed: none, presence: {} }));
    // German files "Ö" with "O"; Swedish places it after "Z": the language passed decides.
    expect(order('de')).toEqual(['# Nordic 0/3', 'oberg', 'olsen', 'zander']);
    expect(order('sv')).toEqual(['# Nordic 0/3', 'olsen', 'zander', 'oberg']);
  });

  it('reports presence loading progress once per person', () => {
    const withDuplicate = [...groups, { name: 'Project X', index: 4, contacts: [contact('maria', 'Maria X')] }];
    expect(presenceProgress(withDuplicate, {})).toEqual({ known: 0, total: 5 });
    expect(presenceProgress(withDuplicate, { 'sip:maria@example.com': p('offline'), 'sip:sam@example.com': p('unknown', 0) })).toEqual({ known: 1, total: 5 });
  });
});
