/**
 * The Diagnostics view: every SIP, SOAP, WebDialer, CTI and directory message of the session
 * as a list (time, direction, protocol, summary), live, with filters by protocol, text and
 * Call-ID, and beside it a ladder diagram of the selected message's dialog (its Call-ID), or of
 * the latest messages listed; a click shows the whole message. Everything shown was masked by the core before it was kept,
 * and every message is a React text node, so nothing in a trace can become markup.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { LiveConfigState, TraceEntry, TraceFilter, TraceProtocolName, TraceSummary } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { errorText } from '../api';
import { deliverExport, downloadBlob } from '../download';
import { formatNumber } from '../i18n';
import { Ladder } from './Ladder';
import { clock, ladderNames, ladderRows, ladderText } from './ladder-model';
import { pngOf, standaloneSvg } from './ladder-image';

/** Rows drawn at once: the newest ones (the core keeps up to its own ring-buffer bound). */
const MAX_ROWS = 1500;
/** Arrows in the ladder when no dialog is chosen: the newest messages listed. */
const LADDER_ROWS = 60;

/** The protocol filter's choices, each with its key under `diagnostics:protocols`. */
const PROTOCOLS = [
  { value: '', key: 'all' },
  { value: 'sip', key: 'sip' },
  { value: 'soap', key: 'soap' },
  { value: 'webdialer', key: 'webdialer' },
  { value: 'directory', key: 'directory' },
  { value: 'cti', key: 'cti' },
] as const satisfies ReadonlyArray<{ value: '' | TraceProtocolName; key: string }>;

/** Between the facts of a message (number, time, peer, size): a symbol, the same in every language. */
const FACT_SEPARATOR = ' · ';
/** A message's direction as an arrow (its words are the arrow's aria-label). */
const DIRECTION_ARROW: Record<TraceSummary['direction'], string> = { out: '→', in: '←' };

function matches(entry: TraceSummary, filter: TraceFilter): boolean {
  if (filter.protocol && entry.protocol !== filter.protocol) return false;
  return !filter.callId || entry.callId === filter.callId;
}

export function Diagnostics({ api, onClose, liveConfig }: { api: DeskApi; onClose: () => void; liveConfig?: LiveConfigState }) {
  const { t } = useTranslation(['diagnostics', 'common']);
  const [protocol, setProtocol] = useState<'' | TraceProtocolName>('');
  const [text, setText] = useState('');
  const [callId, setCallId] = useState('');
  const [entries, setEntries] = useState<TraceSummary[] | undefined>();
  const [selected, setSelected] = useState<TraceEntry | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  /** Bumped when new messages arrive under a text filter: only the core can search their text. */
  const [reload, setReload] = useState(0);
  const reloadPending = useRef(false);
  const filter = useMemo<TraceFilter>(
    () => ({ ...(protocol ? { protocol } : {}), ...(text.trim() ? { text: text.trim() } : {}), ...(callId.trim() ? { callId: callId.trim() } : {}) }),
    [protocol, text, callId],
  );
  const filterRef = useRef(filter);
  filterRef.current = filter;

  useEffect(() => {
    let current = true;
    // Debounced so typing in the text filter does not send one request per key.
    const timer = setTimeout(() => {
      api
        .invoke('diagnostics:list', { ...filter, limit: MAX_ROWS })
        .then((list) => {
          reloadPending.current = false;
          if (current) setEntries(list);
        })
        .catch((e) => {
          reloadPending.current = false;
          if (current) setError(errorText(e).message);
        });
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, filter, reload]);

  // Live entries are sent only while a view follows the trace (the core summarises none otherwise).
  useEffect(() => {
    api.invoke('diagnostics:follow', true).catch(() => undefined);
    return () => void api.invoke('diagnostics:follow', false).catch(() => undefined);
  }, [api]);

  useEffect(
    () =>
      api.on('diagnostics:entry', (entry) => {
        if (!matches(entry, filterRef.current)) return;
        if (filterRef.current.text) {
          // One reload at a time: a steady stream must not keep postponing the debounced request.
          if (!reloadPending.current) {
            reloadPending.current = true;
            setReload((n) => n + 1);
          }
          return;
        }
        setEntries((list) => (list ? [...list, entry].slice(-MAX_ROWS) : list));
      }),
    [api],
  );

  const open = useCallback(
    (id: number) => {
      setError(undefined);
      api.invoke('diagnostics:get', id).then(setSelected, (e) => setError(errorText(e).message));
    },
    [api],
  );

  const ladderRef = useRef<SVGSVGElement>(null);
  // The dialog followed: the Call-ID typed, else the selected message's.
  const dialog = callId.trim() || selected?.callId;
  const ladder = useMemo(() => {
    const list = entries ?? [];
    const chosen = dialog ? list.filter((e) => e.callId === dialog) : list.slice(-LADDER_ROWS);
    return {
      rows: ladderRows(chosen),
      title: dialog ? t('ladder.dialog', { callId: dialog, count: chosen.length }) : t('ladder.latest', { count: chosen.length }),
    };
  }, [entries, dialog, t]);
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  const exportLadder = (kind: 'text' | 'svg' | 'png') => {
    setStatus(undefined);
    const name = `presence-desk-ladder-${stamp()}`;
    if (kind === 'text') {
      setStatus(deliverExport({ fileName: `${name}.txt`, mimeType: 'text/plain', text: `${ladder.title}\n\n${ladderText(ladder.rows, ladderNames())}` }));
      return;
    }
    const svg = ladderRef.current;
    if (!svg) return;
    const text = standaloneSvg(svg);
    if (kind === 'svg') {
      downloadBlob(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`);
      setStatus(t('ladder.downloaded', { fileName: `${name}.svg` }));
      return;
    }
    pngOf(text, svg.width.baseVal.value, svg.height.baseVal.value)
      .then((png) => {
        downloadBlob(png, `${name}.png`);
        setStatus(t('ladder.downloaded', { fileName: `${name}.png` }));
      })
      .catch((e: Error) => setError(t('ladder.imageFailed', { reason: e.message })));
  };

  const exportTrace = () => {
    setStatus(undefined);
    api
      .invoke('diagnostics:export', filter)
      .then((file) => setStatus(deliverExport(file)))
      .catch((e) => setError(errorText(e).message));
  };

  return (
    <div className="diagnostics" role="dialog" aria-label={t('title')} data-testid="diagnostics">
      <div className="diagnostics-bar">
        <h2>{t('title')}</h2>
        <select
          aria-label={t('filters.protocol')}
          data-testid="diag-protocol"
          value={protocol}
          onChange={(e) => setProtocol(e.target.value as '' | TraceProtocolName)}
        >
          {PROTOCOLS.map((p) => (
            <option key={p.value} value={p.value}>
              {t(`protocols.${p.key}`)}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label={t('filters.text')}
          placeholder={t('filters.text')}
          data-testid="diag-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <input
          type="search"
          aria-label={t('filters.callId')}
          placeholder={t('filters.callId')}
          data-testid="diag-callid"
          value={callId}
          onChange={(e) => setCallId(e.target.value)}
        />
        <button data-testid="diag-export" onClick={exportTrace} title={t('export.hint')}>
          {t('export.button')}
        </button>
        <button className="link" data-testid="diag-close" onClick={onClose}>
          {t('common:close')}
        </button>
      </div>
      {liveConfig && liveConfig.mode !== 'off' && (
        <p className="diagnostics-status" data-testid="diag-config-mode" data-mode={liveConfig.mode}>
          {liveConfig.mode === 'notified' ? t('configMode.notified') : t('configMode.polling')} {causeText(liveConfig, t)}
        </p>
      )}
      {status && (
        <p className="diagnostics-status" role="status" data-testid="diag-status">
          {status}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="diagnostics-panes">
        <ol className="diagnostics-list" aria-label={t('list.label')} data-testid="diag-list" data-count={entries?.length ?? 0}>
          {entries === undefined && <li className="empty">{t('common:loading')}</li>}
          {entries?.length === 0 && <li className="empty">{filter.protocol || filter.text || filter.callId ? t('list.emptyFiltered') : t('list.empty')}</li>}
          {entries?.map((e) => (
            <li key={e.id}>
              <button
                className={`diag-row diag-${e.direction} ${selected?.id === e.id ? 'diag-selected' : ''}`}
                data-testid="diag-entry"
                data-protocol={e.protocol}
                data-direction={e.direction}
                data-summary={e.summary}
                data-call-id={e.callId ?? ''}
                aria-pressed={selected?.id === e.id}
                onClick={() => open(e.id)}
              >
                <span className="diag-time">{clock(e.at)}</span>
                <span className="diag-arrow" aria-label={e.direction === 'out' ? t('list.sent') : t('list.received')}>
                  {DIRECTION_ARROW[e.direction]}
                </span>
                <span className={`diag-proto diag-proto-${e.protocol}`}>{e.protocol.toUpperCase()}</span>
                <span className="diag-summary">{e.summary}</span>
              </button>
            </li>
          ))}
        </ol>
        <section className="diagnostics-detail" aria-label={t('detail.label')} data-testid="diag-detail">
          <div className="ladder-bar">
            <h3>{ladder.title}</h3>
            <button data-testid="ladder-export-text" onClick={() => exportLadder('text')} disabled={ladder.rows.length === 0}>
              {t('ladder.saveText')}
            </button>
            <button data-testid="ladder-export-svg" onClick={() => exportLadder('svg')} disabled={ladder.rows.length === 0}>
              {t('ladder.saveSvg')}
            </button>
            <button data-testid="ladder-export-png" onClick={() => exportLadder('png')} disabled={ladder.rows.length === 0}>
              {t('ladder.savePng')}
            </button>
          </div>
          <div className="ladder-scroll" tabIndex={0} aria-label={t('ladder.diagram')}>
            <Ladder ref={ladderRef} rows={ladder.rows} selected={selected?.id} title={ladder.title} onOpen={open} />
          </div>
          {selected ? (
            <>
              <p className="diag-facts">
                #{selected.id}
                {FACT_SEPARATOR}
                {new Date(selected.at).toISOString()}
                {FACT_SEPARATOR}
                {selected.direction === 'out' ? t('detail.sentTo', { peer: selected.peer }) : t('detail.receivedFrom', { peer: selected.peer })}
                {FACT_SEPARATOR}
                {t('detail.bytes', { count: selected.bytes, bytes: formatNumber(selected.bytes) })}
                {selected.callId && (
                  <>
                    {FACT_SEPARATOR}
                    <button className="link" data-testid="diag-follow-call" onClick={() => setCallId(selected.callId!)} title={t('detail.followCall')}>
                      {t('detail.callId', { callId: selected.callId })}
                    </button>
                  </>
                )}
              </p>
              <pre className="diag-text" data-testid="diag-message">
                {selected.text}
              </pre>
            </>
          ) : (
            <p className="empty">{t('detail.choose')}</p>
          )}
        </section>
      </div>
    </div>
  );
}

/** Why changes arrive as they do, in the UI's language; the core's English words when it gave no facts. */
function causeText(state: LiveConfigState, t: TFunction<['diagnostics', 'common']>): string {
  const cause = state.cause;
  if (!cause) return state.reason;
  switch (cause.kind) {
    case 'signing-in':
      return t('configCause.signing-in');
    case 'waiting':
    case 'notified':
      return t(`configCause.${cause.kind}`, { event: cause.event });
    case 'turned-off':
      return t('configCause.turned-off', { seconds: cause.seconds });
    case 'refused':
      return t('configCause.refused', { reason: cause.serverReason ?? t('configCause.noReason'), seconds: cause.seconds });
  }
}
