import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from './api';

export interface DialogRequest {
  title: string;
  label: string;
  initial?: string;
  /** A second, optional field (e.g. nickname when adding a contact). */
  second?: { label: string; initial?: string };
  submit: string;
  onSubmit: (value: string, second: string) => Promise<unknown>;
}

/**
 * The frame every in-app dialog shares: title, fields, the error of the last attempt, and
 * Cancel / submit. It closes only when `onSubmit` succeeds, so a failure stays in the
 * dialog with what the user typed; submit is disabled while a request is out, so one click
 * is one request.
 */
export function DialogForm({
  title,
  testId,
  submitLabel,
  canSubmit,
  onSubmit,
  onClose,
  children,
}: {
  title: string;
  testId: string;
  submitLabel: string;
  canSubmit: boolean;
  onSubmit: () => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation('common');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
      onClose();
    } catch (err) {
      setError(errorText(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="dialog" role="dialog" aria-label={title} onSubmit={submit} data-testid={testId}>
        <h3>{title}</h3>
        {children}
        {error && (
          <p className="error" role="alert" data-testid="dialog-error">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" className="link" onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" disabled={busy || !canSubmit} data-testid="dialog-submit">
            {submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}

/** A small in-app dialog (Electron has no window.prompt) asking for one or two values. */
export function Dialog({ request, onClose }: { request: DialogRequest; onClose: () => void }) {
  const [value, setValue] = useState(request.initial ?? '');
  const [second, setSecond] = useState(request.second?.initial ?? '');
  return (
    <DialogForm
      title={request.title}
      testId="dialog"
      submitLabel={request.submit}
      canSubmit={!!value.trim()}
      onSubmit={() => request.onSubmit(value, second)}
      onClose={onClose}
    >
      <label>
        {request.label}
        <input autoFocus value={value} onChange={(e) => setValue(e.target.value)} data-testid="dialog-input" />
      </label>
      {request.second && (
        <label>
          {request.second.label}
          <input value={second} onChange={(e) => setSecond(e.target.value)} data-testid="dialog-second" />
        </label>
      )}
    </DialogForm>
  );
}
