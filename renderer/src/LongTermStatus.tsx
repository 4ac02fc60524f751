import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError, LongTermStatus as Status } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { i18n, locale } from './i18n';

/**
 * "On vacation until 3 Dec" ("Im Urlaub bis 3. Dez."): the user's own note, and the last day.
 * The day and the month's short name come from the UI's language; their order and marks are
 * part of the sentence's translation, so English keeps saying "3 Dec" as it always has.
 * Call while rendering a component that uses `useTranslation`, so a language change redraws it.
 */
export function longTermText(status: Status): string {
  if (!status.until) return status.note;
  const at = new Date(`${status.until}T12:00:00`);
  const parts = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return i18n.t('session:longTerm.text', { note: status.note, day: part('day'), month: part('month') });
}

/**
 * The long-term status under the own-status controls: a status the server keeps until it is
 * cleared (out of office, on vacation), beside the everyday one.
 */
export function LongTermStatus({ api, onError }: { api: DeskApi; onError: (error: AppError) => void }) {
  const { t } = useTranslation(['session', 'common']);
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
      .catch((e) => live && onError(errorText(e)));
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
      onError(errorText(e));
    });
  };

  if (editing) {
    return (
      <form className="long-term-form" data-testid="long-term-form" onSubmit={(e) => void submit(e)}>
        <input
          data-testid="long-term-note"
          aria-label={t('longTerm.label')}
          placeholder={t('longTerm.placeholder')}
          value={note}
          maxLength={256}
          onChange={(e) => setNote(e.target.value)}
          autoFocus
        />
        <label>
          {t('longTerm.until')}
          <input data-testid="long-term-until" type="date" aria-label={t('longTerm.lastDay')} value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        {error && (
          <p className="long-term-error" role="alert" data-testid="long-term-error">
            {error}
          </p>
        )}
        <div className="long-term-buttons">
          <button type="button" className="link" onClick={() => setEditing(false)}>
            {t('common:cancel')}
          </button>
          <button type="submit" data-testid="long-term-save" disabled={busy || !note.trim()}>
            {t('longTerm.set')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="long-term" data-testid="long-term" data-set={status ? 'true' : 'false'}>
      {status ? (
        <>
          <span className="long-term-text" data-testid="long-term-text" title={t('longTerm.hint')}>
            {longTermText(status)}
          </span>
          <button className="link" data-testid="long-term-clear" onClick={clear}>
            {t('longTerm.clear')}
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
          {t('longTerm.open')}
        </button>
      )}
    </div>
  );
}
