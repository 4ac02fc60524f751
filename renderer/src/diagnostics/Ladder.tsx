/**
 * The ladder diagram of the messages chosen in Diagnostics, as SVG drawn by React: every label
 * is a text node (nothing from a trace becomes markup). A click on an arrow opens its message.
 * Column names are in the UI's language; the data attributes keep the columns' English names,
 * which stay the same whatever the language.
 */
import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LADDER_COLUMNS, clock, columnName, fit, type LadderRow } from './ladder-model';

const TIME_WIDTH = 84;
const COLUMN = 94;
const HEAD = 40;
const ROW = 26;
/** Width of one character of a label (11 px monospace). */
const CHAR_WIDTH = 6.7;

export const columnX = (column: number) => TIME_WIDTH + COLUMN / 2 + column * COLUMN;

export const Ladder = forwardRef<SVGSVGElement, { rows: LadderRow[]; selected?: number; title: string; onOpen: (id: number) => void }>(function Ladder(
  { rows, selected, title, onOpen },
  ref,
) {
  // Subscribed so that a language change redraws the column names and the arrows' titles.
  const { t } = useTranslation(['diagnostics', 'common']);
  const width = TIME_WIDTH + LADDER_COLUMNS.length * COLUMN;
  const height = HEAD + rows.length * ROW + 12;
  return (
    <svg
      ref={ref}
      className="ladder"
      xmlns="http://www.w3.org/2000/svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      data-testid="ladder"
      data-rows={rows.length}
    >
      <title>{title}</title>
      <defs>
        <marker
          id="ladder-head"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerUnits="userSpaceOnUse"
          markerWidth="9"
          markerHeight="9"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" className="ladder-head" />
        </marker>
      </defs>
      <rect className="ladder-bg" x={0} y={0} width={width} height={height} />
      {LADDER_COLUMNS.map((name, i) => (
        <g key={name} data-testid="ladder-column" data-column={name} data-x={columnX(i)}>
          <text className="ladder-column" x={columnX(i)} y={20} textAnchor="middle">
            {columnName(name)}
          </text>
          <line className="ladder-life" x1={columnX(i)} x2={columnX(i)} y1={28} y2={height - 4} />
        </g>
      ))}
      {rows.map((r, i) => {
        const y = HEAD + i * ROW + 16;
        const x1 = columnX(r.from);
        const x2 = columnX(r.to);
        // The label starts over the arrow and may run on to the right edge, across columns not in this exchange.
        const left = Math.min(x1, x2);
        return (
          <g
            key={r.id}
            className={`ladder-arrow ladder-${r.protocol} ${r.from === 0 ? 'ladder-out' : 'ladder-in'} ${selected === r.id ? 'ladder-selected' : ''}`}
            data-testid="ladder-arrow"
            data-id={r.id}
            data-from={LADDER_COLUMNS[r.from]}
            data-to={LADDER_COLUMNS[r.to]}
            data-x1={x1}
            data-x2={x2}
            data-summary={r.label}
            onClick={() => onOpen(r.id)}
          >
            <title>
              {t('ladder.arrow', { time: clock(r.at), from: columnName(LADDER_COLUMNS[r.from]), to: columnName(LADDER_COLUMNS[r.to]), label: r.label })}
            </title>
            {/* The whole row takes the click, not only the thin line and its letters. */}
            <rect className="ladder-hit" x={0} y={y - ROW / 2 - 4} width={width} height={ROW} />
            <text className="ladder-time" x={4} y={y + 4}>
              {clock(r.at)}
            </text>
            <line x1={x1} x2={x2} y1={y} y2={y} className="ladder-line" markerEnd="url(#ladder-head)" />
            <text className="ladder-label" x={left + 8} y={y - 5}>
              {fit(r.label, Math.floor((width - left - 12) / CHAR_WIDTH))}
            </text>
          </g>
        );
      })}
    </svg>
  );
});
