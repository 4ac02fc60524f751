/** Which group header the buddy list keeps pinned, and the rows the virtualizer renders with it. */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../renderer/src/buddy-model';
import { groupLayout, headerOf, rangeWithPinnedHeader } from '../../renderer/src/pinned-group';
import type { Contact } from '../../shared/domain';

const contact = (id: string): Contact => ({ personaId: id, uri: `sip:${id}@x`, nickname: '', displayName: id, index: 0, displayOnPhone: false, numbers: [] });
const header = (group: string, collapsed = false): Row => ({ kind: 'group', key: `g:${group}`, group, online: 0, total: 0, collapsed });
const member = (group: string, id: string): Row => ({ kind: 'contact', key: `c:${group}:${id}`, group, contact: contact(id) });

// 0 A, 1-3 A's contacts, 4 B (collapsed), 5 C, 6-7 C's contacts
const rows: Row[] = [
  header('A'),
  member('A', 'a1'),
  member('A', 'a2'),
  member('A', 'a3'),
  header('B', true),
  header('C'),
  member('C', 'c1'),
  member('C', 'c2'),
];
const size = (row: Row) => (row.kind === 'group' ? 32 : 46);

describe('groupLayout', () => {
  it('gives each group header its offset and the height of its whole group', () => {
    const layout = groupLayout(rows, size);
    expect(layout.headers).toEqual([0, 4, 5]);
    expect([...layout.starts]).toEqual([
      [0, 0],
      [4, 32 + 3 * 46],
      [5, 2 * 32 + 3 * 46],
    ]);
    expect([...layout.spans]).toEqual([
      [0, 32 + 3 * 46],
      [4, 32],
      [5, 32 + 2 * 46],
    ]);
  });

  it('is empty for an empty list', () => {
    expect(groupLayout([], size)).toEqual({ headers: [], starts: new Map(), spans: new Map() });
  });
});

describe('headerOf', () => {
  const headers = [0, 4, 5, 40, 1000];
  it('finds the header of the group a row is in, the header itself included', () => {
    expect([0, 3, 4, 5, 39, 40, 999, 1000, 4000].map((i) => headerOf(headers, i))).toEqual([0, 0, 4, 5, 5, 40, 40, 1000, 1000]);
  });
  it('finds none before the first header or without headers', () => {
    expect(headerOf([3], 1)).toBeUndefined();
    expect(headerOf([], 10)).toBeUndefined();
  });
});

describe('rangeWithPinnedHeader', () => {
  const headers = [0, 100, 200];
  it('adds the header of the first visible row’s group when the range has scrolled past it', () => {
    expect(rangeWithPinnedHeader(headers, { startIndex: 150, endIndex: 160, overscan: 2, count: 300 })).toEqual([
      100,
      ...Array.from({ length: 15 }, (_, i) => 148 + i),
    ]);
  });
  it('adds nothing when the header is among the rows already', () => {
    expect(rangeWithPinnedHeader(headers, { startIndex: 101, endIndex: 105, overscan: 2, count: 300 })).toEqual([99, 100, 101, 102, 103, 104, 105, 106, 107]);
    expect(rangeWithPinnedHeader(headers, { startIndex: 0, endIndex: 3, overscan: 0, count: 300 })).toEqual([0, 1, 2, 3]);
  });
  it('pins the header of a group only while one of its rows is the first visible', () => {
    // Row 200 is the next group's header: once it is first, it replaces the header of 100.
    expect(rangeWithPinnedHeader(headers, { startIndex: 199, endIndex: 205, overscan: 0, count: 300 })[0]).toBe(100);
    expect(rangeWithPinnedHeader(headers, { startIndex: 200, endIndex: 205, overscan: 0, count: 300 })[0]).toBe(200);
    expect(rangeWithPinnedHeader(headers, { startIndex: 230, endIndex: 235, overscan: 0, count: 300 })[0]).toBe(200);
  });
});
