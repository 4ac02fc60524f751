/**
 * The ladder diagram's words follow the UI's language: the column names drawn and written in
 * the text export, and its time heading. The columns' English names stay as their identity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceSummary } from '../../../shared/domain';
import { chooseLanguage, startI18n } from '../../../renderer/src/i18n';
import { ENGLISH_NAMES, LADDER_COLUMNS, clock, columnName, ladderNames, ladderRows, ladderText } from '../../../renderer/src/diagnostics/ladder-model';

const at = new Date(2026, 11, 2, 21, 5, 7, 42).getTime();
const entry = (id: number, protocol: TraceSummary['protocol'], direction: 'out' | 'in', summary: string): TraceSummary => ({
  id,
  at,
  protocol,
  direction,
  peer: 'x',
  summary,
  bytes: 1,
});
const rows = ladderRows([entry(1, 'sip', 'out', 'REGISTER sip:example.com'), entry(2, 'directory', 'in', 'searchResultDone: success')]);

beforeAll(() => startI18n('en'));
afterAll(() => chooseLanguage('en'));

describe('ladder words', () => {
  it('are the English names in English, the same as the reference words', () => {
    expect(LADDER_COLUMNS.map(columnName)).toEqual(['Presence Desk', 'SIP server', 'CUPS', 'WebDialer', 'CTI', 'Directory']);
    expect(LADDER_COLUMNS.map(ENGLISH_NAMES.column)).toEqual(LADDER_COLUMNS.map(columnName));
    expect(ladderText(rows, ladderNames()).split('\n')[0]).toBe('time          Presence Desk   SIP server      Directory');
  });

  it('are German in German, in the drawing and in the text export, with a 24-hour clock', async () => {
    await chooseLanguage('de');
    expect(LADDER_COLUMNS.map(columnName)).toEqual(['Presence Desk', 'SIP-Server', 'CUPS', 'WebDialer', 'CTI', 'Verzeichnis']);
    const [head, first] = ladderText(rows, ladderNames()).split('\n');
    expect(head).toBe('Zeit          Presence Desk   SIP-Server      Verzeichnis');
    expect(clock(at)).toBe('21:05:07.042');
    expect(first.startsWith('21:05:07.042  |')).toBe(true);
    // The protocol's own words (methods, status lines) stay as the server wrote them.
    expect(first.endsWith('  REGISTER sip:example.com')).toBe(true);
  });
});
