/**
 * Which group header the buddy list keeps pinned at the top while its group scrolls by.
 *
 * Each rendered header sits in a box as tall as its whole group and sticks to the top of that
 * box, so CSS alone keeps it in view while the group scrolls and lets the next group's header
 * push it out. The virtualizer would drop a header once its row leaves the visible range: the
 * range is therefore widened with the header of the group that the first visible row is in.
 */
import { defaultRangeExtractor, type Range } from '@tanstack/react-virtual';
import type { Row } from './buddy-model';

export interface GroupLayout {
  /** Row indexes of the group headers, ascending. */
  headers: number[];
  /** Offset in px of each header row, by its row index. */
  starts: Map<number, number>;
  /** Height in px of each group (header and contact rows), by its header's row index. */
  spans: Map<number, number>;
}

export function groupLayout(rows: readonly Row[], sizeOf: (row: Row) => number): GroupLayout {
  const headers: number[] = [];
  const starts = new Map<number, number>();
  const spans = new Map<number, number>();
  let top = 0;
  let current: number | undefined;
  rows.forEach((row, i) => {
    if (row.kind === 'group') {
      headers.push(i);
      starts.set(i, top);
      current = i;
    }
    const size = sizeOf(row);
    if (current !== undefined) spans.set(current, (spans.get(current) ?? 0) + size);
    top += size;
  });
  return { headers, starts, spans };
}

/** The header of the group that row `index` belongs to: the last header at or before it. */
export function headerOf(headers: readonly number[], index: number): number | undefined {
  let lo = 0;
  let hi = headers.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (headers[mid] <= index) {
      found = headers[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The virtualizer's rows (visible plus overscan) and the header of the first visible row's group. */
export function rangeWithPinnedHeader(headers: readonly number[], range: Range): number[] {
  const rows = defaultRangeExtractor(range);
  const pinned = headerOf(headers, range.startIndex);
  if (pinned === undefined || rows.includes(pinned)) return rows;
  return [pinned, ...rows];
}
