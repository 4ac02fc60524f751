import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '../../../shared/domain';
import { ladderRows, ladderText } from '../../../renderer/src/diagnostics/ladder-model';

const at = Date.UTC(2026, 11, 2, 9, 0, 0);
const entry = (id: number, protocol: TraceSummary['protocol'], direction: 'out' | 'in', summary: string): TraceSummary => ({
  id,
  at: at + id,
  protocol,
  direction,
  peer: 'x',
  summary,
  bytes: 1,
});

describe('ladder model', () => {
  it('puts each protocol’s server in its column, requests from Presence Desk and answers back', () => {
    const rows = ladderRows([
      entry(1, 'sip', 'out', 'REGISTER sip:example.com'),
      entry(2, 'sip', 'in', '401 Unauthorized (REGISTER)'),
      entry(3, 'soap', 'out', 'login'),
      entry(4, 'webdialer', 'out', 'makeCallSoap'),
      entry(5, 'cti', 'in', 'DeliveredEvent'),
      entry(6, 'directory', 'in', 'searchResultDone: success, 6 entries'),
    ]);
    expect(rows.map((r) => [r.from, r.to])).toEqual([
      [0, 1],
      [1, 0],
      [0, 2],
      [0, 3],
      [4, 0],
      [5, 0],
    ]);
  });

  it('writes only the columns used, each arrow between its two lines, the whole summary after the ladder', () => {
    const text = ladderText(ladderRows([entry(1, 'sip', 'out', 'REGISTER sip:example.com'), entry(2, 'directory', 'in', 'searchResultDone: success')]));
    const [head, first, second] = text.split('\n');
    expect(head).toBe('time          Presence Desk   SIP server      Directory');
    const bars = (line: string) => [...line.slice(14, 14 + 33)].flatMap((c, i) => (c === '|' ? [i] : []));
    // Presence Desk's and the SIP server's lines frame the REGISTER; the directory's answer crosses the SIP server's column.
    expect(bars(first)).toEqual([0, 16, 32]);
    expect(first.slice(14, 31)).toMatch(/^\|-+REGISTER …-*>\|$/);
    expect(first.endsWith('  REGISTER sip:example.com')).toBe(true);
    expect(second.slice(14, 47)).toMatch(/^\|<-+searchResultDone: success-+\|$/);
    expect(second.endsWith('  searchResultDone: success')).toBe(true);
  });
});
