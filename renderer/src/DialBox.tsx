import { useEffect, useState } from 'react';
import type { DialPlan, ServerCertificate } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { CertificatePrompt } from './CertificatePrompt';

/** Type or paste a number: a live preview says what will be dialed and by which rule. */
export function DialBox({ api }: { api: DeskApi }) {
  const [number, setNumber] = useState('');
  const [plan, setPlan] = useState<DialPlan | undefined>();
  const [result, setResult] = useState<{ ok: boolean; text: string; certificate?: ServerCertificate } | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    if (!number.trim()) {
      setPlan(undefined);
      return;
    }
    api.invoke('dial:preview', number).then((p) => current && setPlan(p)).catch(() => current && setPlan(undefined));
    return () => {
      current = false;
    };
  }, [api, number]);

  const call = async () => {
    setBusy(true);
    setResult(undefined);
    try {
      const entry = await api.invoke('dial:call', number);
      setResult({ ok: true, text: `Calling ${entry.dialed ?? number} on your phone…` });
      setNumber('');
    } catch (e) {
      const error = errorText(e);
      setResult({ ok: false, text: error.message, ...(error.code === 'tls' && error.certificate ? { certificate: error.certificate } : {}) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dial-box">
      <div className="dial-row">
        <input
          data-testid="dial-input"
          aria-label="Number to dial"
          placeholder="Dial a number"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && plan && !plan.error && void call()}
        />
        <button data-testid="dial-call" onClick={() => void call()} disabled={busy || !plan || !!plan.error}>
          Call
        </button>
      </div>
      {plan && (
        <p className={`dial-preview ${plan.error ? 'dial-preview-error' : ''}`} data-testid="dial-preview" title={plan.steps.join(' → ')}>
          {plan.error ?? plan.explanation}
        </p>
      )}
      {result && (
        <p className={result.ok ? 'dial-ok' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="dial-result" data-ok={result.ok}>
          {result.text}
        </p>
      )}
      {result?.certificate && <CertificatePrompt key={result.certificate.fingerprint256} api={api} certificate={result.certificate} onTrusted={() => void call()} />}
    </div>
  );
}
