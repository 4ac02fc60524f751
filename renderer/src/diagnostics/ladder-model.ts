/**
 * The ladder (sequence) diagram's model: one column per party — Presence Desk and each server
 * it speaks to — and one arrow per protocol message, from the sender's column to the
 * receiver's. The same rows are drawn as SVG (Ladder.tsx) and written as text for a help desk.
 */
import type { TraceProtocolName, TraceSummary } from '../../../shared/domain';
import { en } from '../../../shared/locales';
import { i18n, locale } from '../i18n';

/**
 * The columns by their English names, which stay the same in every language: they name the
 * columns in the SVG's data attributes and in `PROTOCOL_COLUMN`. What the user reads comes from
 * `columnName`.
 */
export const LADDER_COLUMNS = ['Presence Desk', 'SIP server', 'CUPS', 'WebDialer', 'CTI', 'Directory'] as const;
export type LadderColumn = (typeof LADDER_COLUMNS)[number];
type ServerColumn = Exclude<LadderColumn, 'Presence Desk'>;

/** Each server column's key in the `diagnostics` strings (the app's own column is its name, `common:appName`). */
const COLUMN_KEY: Record<ServerColumn, keyof typeof en.diagnostics.ladder.columns> = {
  'SIP server': 'sip',
  CUPS: 'cups',
  WebDialer: 'webdialer',
  CTI: 'cti',
  Directory: 'directory',
};

/** The words the diagram is written with: the heading of the time column and each column's name. */
export interface LadderNames {
  time: string;
  column(column: LadderColumn): string;
}

/** A column's name in the UI's language (call while rendering a component that uses `useTranslation`). */
export function columnName(column: LadderColumn): string {
  return column === 'Presence Desk' ? i18n.t('common:appName') : i18n.t(`diagnostics:ladder.columns.${COLUMN_KEY[column]}`);
}

/** The diagram's words in the UI's language, for the text export. */
export function ladderNames(): LadderNames {
  return { time: i18n.t('diagnostics:ladder.time'), column: columnName };
}

/**
 * The reference English words, for a caller outside the UI (a script or test that never
 * started i18n): taken from the English strings themselves, so the two cannot drift apart.
 */
export const ENGLISH_NAMES: LadderNames = {
  time: en.diagnostics.ladder.time,
  column: (column) => (column === 'Presence Desk' ? en.common.appName : en.diagnostics.ladder.columns[COLUMN_KEY[column]]),
};

/** Which server a protocol's messages go to and come from. */
export const PROTOCOL_COLUMN: Record<TraceProtocolName, LadderColumn> = {
  sip: 'SIP server',
  soap: 'CUPS',
  webdialer: 'WebDialer',
  cti: 'CTI',
  directory: 'Directory',
  // XCAP (SIMPLE servers' buddy lists and rules) is served by the SIP server's own HTTP side.
  xcap: 'SIP server',
};

export interface LadderRow {
  id: number;
  at: number;
  from: number;
  to: number;
  label: string;
  protocol: TraceProtocolName;
}

export function ladderRows(entries: readonly TraceSummary[]): LadderRow[] {
  return entries.map((e) => {
    const server = LADDER_COLUMNS.indexOf(PROTOCOL_COLUMN[e.protocol]);
    return { id: e.id, at: e.at, from: e.direction === 'out' ? 0 : server, to: e.direction === 'out' ? server : 0, label: e.summary, protocol: e.protocol };
  });
}

/** "14:02:11.020": a 24-hour clock to the millisecond, the digits the UI's language writes. */
export function clock(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleTimeString(locale(), { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** `label` cut to `width` characters, with an ellipsis when cut. */
export function fit(label: string, width: number): string {
  if (width <= 1) return '';
  return label.length <= width ? label : `${label.slice(0, width - 1)}…`;
}

const TEXT_COLUMN = 16;

/**
 * The diagram as monospace text: a header with the columns used, then one line per message
 * with its arrow between the two columns and the whole summary after the ladder. The heading
 * is written in `names` (the UI's language from `ladderNames()`; English when none is given).
 *
 * ```
 *  time          Presence Desk   SIP server
 *  14:02:11.020  |---REGISTER--->|            REGISTER sip:example.com
 *  14:02:11.031  |<-401 Unauthor-|            401 Unauthorized (REGISTER)
 * ```
 */
export function ladderText(rows: readonly LadderRow[], names: LadderNames = ENGLISH_NAMES): string {
  const used = [...new Set([0, ...rows.flatMap((r) => [r.from, r.to])])].sort((a, b) => a - b);
  const position = new Map(used.map((c, i) => [c, i]));
  const width = used.length * TEXT_COLUMN;
  const head = `${names.time.padEnd(14)}${used.map((c) => names.column(LADDER_COLUMNS[c]).padEnd(TEXT_COLUMN)).join('')}`.trimEnd();
  const lines = rows.map((r) => {
    const left = Math.min(position.get(r.from)!, position.get(r.to)!) * TEXT_COLUMN;
    const right = Math.max(position.get(r.from)!, position.get(r.to)!) * TEXT_COLUMN;
    const inner = right - left - 1;
    const text = fit(r.label, inner - 5);
    const dashes = inner - 2 - text.length;
    const body =
      r.from < r.to
        ? `${'-'.repeat(Math.ceil(dashes / 2) + 1)}${text}${'-'.repeat(Math.floor(dashes / 2))}>`
        : `<${'-'.repeat(Math.ceil(dashes / 2))}${text}${'-'.repeat(Math.floor(dashes / 2) + 1)}`;
    const line = [...' '.repeat(width)];
    for (const c of used) line[position.get(c)! * TEXT_COLUMN] = '|';
    line.splice(left + 1, inner, ...body);
    return `${clock(r.at).padEnd(14)}${line.join('')}  ${r.label}`;
  });
  return [head, ...lines].join('\n') + '\n';
}
