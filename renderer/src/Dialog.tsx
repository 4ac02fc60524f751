import { useState, type FormEvent } from 'react';

export interface DialogRequest {
  title: string;
  label: string;
  initial?: string;
  /** A second, optional field (e.g. nickname when adding a contact). */
  second?: { label: string; initial?: string };
  submit: string;
  onSubmit: (value: string, second: string) => Promise<unknown>;
}

/** A small in-app dialog (Electron has no window.prompt); errors stay in the dialog. */
export function Dialog({ request, onClose }: { request: DialogRequest; onClose: () => void }) {
  const [value, setValue] = useState(request.initial ?? '');
  const [second, setSecond] = useState(request.second?.initial ?? '');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await request.onSubmit(value, second);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="dialog" role="dialog" aria-label={request.title} onSubmit={submit} data-testid="dialog">
        <h3>{request.title}</h3>
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
        {error && (
          <p className="error" role="alert" data-testid="dialog-error">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" className="link" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy || !value.trim()} data-testid="dialog-submit">
            {request.submit}
          </button>
        </div>
      </form>
    </div>
  );
}
