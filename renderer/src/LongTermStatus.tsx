import { useEffect, useState, type FormEvent } from 'react';
import type { LongTermStatus as Status } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';

/** "On vacation until 3 Dec": the note, and the last day in the user's own words. */
export function longTermText(status: Status): string {
  if (!status.until) return status.note;
  const day = new Date(`${status.until}T12:00:00`);
  return `${status.note} until ${day.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })}`;
}

/**
 * The long-term status under the own-status controls: a status the server keeps until it is
 * cleared (out of office, on vacation), beside the everyday one.
 */
export function LongTermStatus({ api, onError }: { api: DeskApi; onError: (message: string) => void }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const off = api.on('longterm:changed', (s) => setStatus(s));
    api
      .invoke('longterm:get')
      .then((s) => live && setStatus(s))
      .catch((e) => live && onError(errorText(e).message));
    return () => {
      live = false;
      off();
    };
  }, [api, onError]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setStatus(await api.invoke('longterm:set', { note, ...(until ? { until } : {}) }));
      setEditing(false);
    } catch (err) {
      setError(errorText(err).message);
    } finally {
      setBusy(false);
    }
  };
  const clear = () => {
    const before = status;
    setStatus(null);
    api.invoke('longterm:clear').catch((e) => {
      setStatus(before);
      onError(errorText(e).message);
    });
  };

  if (editing) {
    return (
      <form className="long-term-form" data-testid="long-term-form" onSubmit={(e) => void submit(e)}>
        <input
          data-testid="long-term-note"
          aria-label="Long-term status"
          placeholder="On vacation"
          value={note}
          maxLength={256}
          onChange={(e) => setNote(e.target.value)}
          autoFocus
        />
        <label>
          until
          <input data-testid="long-term-until" type="date" aria-label="Last day" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        {error && (
          <p className="long-term-error" role="alert" data-testid="long-term-error">
            {error}
          </p>
        )}
        <div className="long-term-buttons">
          <button type="button" className="link" onClick={() => setEditing(false)}>
            Cancel
          </button>
          <button type="submit" data-testid="long-term-save" disabled={busy || !note.trim()}>
            Set
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="long-term" data-testid="long-term" data-set={status ? 'true' : 'false'}>
      {status ? (
        <>
          <span className="long-term-text" data-testid="long-term-text" title="Long-term status, kept by the server until you clear it">
            {longTermText(status)}
          </span>
          <button className="link" data-testid="long-term-clear" onClick={clear}>
            Clear
          </button>
        </>
      ) : (
        <button
          className="link"
          data-testid="long-term-open"
          onClick={() => {
            setNote('');
            setUntil('');
            setError(undefined);
            setEditing(true);
          }}
        >
          Set a long-term status…
        </button>
      )}
    </div>
  );
}
