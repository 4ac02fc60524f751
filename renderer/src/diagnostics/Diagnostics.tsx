/**
 * The Diagnostics view: every SIP, SOAP, WebDialer, CTI and directory message of the session
 * as a list (time, direction, protocol, summary), live, with filters by protocol, text and
 * Call-ID, and beside it a ladder diagram of the selected message's dialog (its Call-ID), or of
 * the latest messages listed; a click shows the whole message. Everything shown was masked by the core before it was kept,
 * and every message is a React text node, so nothing in a trace can become markup.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TraceEntry, TraceFilter, TraceProtocolName, TraceSummary } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { errorText } from '../api';
import { deliverExport, downloadBlob } from '../download';
import { Ladder } from './Ladder';
import { clock, ladderRows, ladderText } from './ladder-model';
import { pngOf, standaloneSvg } from './ladder-image';

/** Rows drawn at once: the newest ones (the core keeps up to its own ring-buffer bound). */
const MAX_ROWS = 1500;
/** Arrows in the ladder when no dialog is chosen: the newest messages listed. */
const LADDER_ROWS = 60;

const PROTOCOLS: Array<{ value: '' | TraceProtocolName; label: string }> = [
  { value: '', label: 'All protocols' },
  { value: 'sip', label: 'SIP' },
  { value: 'soap', label: 'CUPS SOAP' },
  { value: 'webdialer', label: 'WebDialer' },
  { value: 'directory', label: 'Directory' },
  { value: 'cti', label: 'CTI (phone)' },
];

function matches(entry: TraceSummary, filter: TraceFilter): boolean {
  if (filter.protocol && entry.protocol !== filter.protocol) return false;
  return !filter.callId || entry.callId === filter.callId;
}

export function Diagnostics({ api, onClose }: { api: DeskApi; onClose: () => void }) {
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
      title: dialog ? `Ladder of Call-ID ${dialog}: ${chosen.length} messages` : `Ladder of the latest ${chosen.length} messages`,
    };
  }, [entries, dialog]);
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  const exportLadder = (kind: 'text' | 'svg' | 'png') => {
    setStatus(undefined);
    const name = `presence-desk-ladder-${stamp()}`;
    if (kind === 'text') {
      setStatus(deliverExport({ fileName: `${name}.txt`, mimeType: 'text/plain', text: `${ladder.title}\n\n${ladderText(ladder.rows)}` }));
      return;
    }
    const svg = ladderRef.current;
    if (!svg) return;
    const text = standaloneSvg(svg);
    if (kind === 'svg') {
      downloadBlob(new Blob([text], { type: 'image/svg+xml' }), `${name}.svg`);
      setStatus(`Downloaded ${name}.svg`);
      return;
    }
    pngOf(text, svg.width.baseVal.value, svg.height.baseVal.value)
      .then((png) => {
        downloadBlob(png, `${name}.png`);
        setStatus(`Downloaded ${name}.png`);
      })
      .catch((e: Error) => setError(`The image could not be made: ${e.message}`));
  };

  const exportTrace = () => {
    setStatus(undefined);
    api
      .invoke('diagnostics:export', filter)
      .then((file) => setStatus(deliverExport(file)))
      .catch((e) => setError(errorText(e).message));
  };

  return (
    <div className="diagnostics" role="dialog" aria-label="Diagnostics" data-testid="diagnostics">
      <div className="diagnostics-bar">
        <h2>Diagnostics</h2>
        <select aria-label="Protocol" data-testid="diag-protocol" value={protocol} onChange={(e) => setProtocol(e.target.value as '' | TraceProtocolName)}>
          {PROTOCOLS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Text in messages"
          placeholder="Text in messages"
          data-testid="diag-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <input type="search" aria-label="Call-ID" placeholder="Call-ID" data-testid="diag-callid" value={callId} onChange={(e) => setCallId(e.target.value)} />
        <button
          data-testid="diag-export"
          onClick={exportTrace}
          title="Save the messages shown as a text file for your help desk. Passwords and keys are masked; message texts are included."
        >
          Export…
        </button>
        <button className="link" data-testid="diag-close" onClick={onClose}>
          Close
        </button>
      </div>
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
        <ol className="diagnostics-list" aria-label="Protocol messages" data-testid="diag-list" data-count={entries?.length ?? 0}>
          {entries === undefined && <li className="empty">Loading…</li>}
          {entries?.length === 0 && <li className="empty">No messages{filter.protocol || filter.text || filter.callId ? ' match the filters' : ' yet'}.</li>}
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
                <span className="diag-arrow" aria-label={e.direction === 'out' ? 'sent' : 'received'}>
                  {e.direction === 'out' ? '→' : '←'}
                </span>
                <span className={`diag-proto diag-proto-${e.protocol}`}>{e.protocol.toUpperCase()}</span>
                <span className="diag-summary">{e.summary}</span>
              </button>
            </li>
          ))}
        </ol>
        <section className="diagnostics-detail" aria-label="Message" data-testid="diag-detail">
          <div className="ladder-bar">
            <h3>{ladder.title}</h3>
            <button data-testid="ladder-export-text" onClick={() => exportLadder('text')} disabled={ladder.rows.length === 0}>
              Save as text
            </button>
            <button data-testid="ladder-export-svg" onClick={() => exportLadder('svg')} disabled={ladder.rows.length === 0}>
              SVG
            </button>
            <button data-testid="ladder-export-png" onClick={() => exportLadder('png')} disabled={ladder.rows.length === 0}>
              PNG
            </button>
          </div>
          <div className="ladder-scroll" tabIndex={0} aria-label="Ladder diagram">
            <Ladder ref={ladderRef} rows={ladder.rows} selected={selected?.id} title={ladder.title} onOpen={open} />
          </div>
          {selected ? (
            <>
              <p className="diag-facts">
                #{selected.id} · {new Date(selected.at).toISOString()} · {selected.direction === 'out' ? 'to' : 'from'} {selected.peer} · {selected.bytes} bytes
                {selected.callId && (
                  <>
                    {' · '}
                    <button
                      className="link"
                      data-testid="diag-follow-call"
                      onClick={() => setCallId(selected.callId!)}
                      title="Show only this dialog's messages"
                    >
                      Call-ID {selected.callId}
                    </button>
                  </>
                )}
              </p>
              <pre className="diag-text" data-testid="diag-message">
                {selected.text}
              </pre>
            </>
          ) : (
            <p className="empty">Choose a message to see it in full. Passwords, digest responses and session keys are masked.</p>
          )}
        </section>
      </div>
    </div>
  );
}
