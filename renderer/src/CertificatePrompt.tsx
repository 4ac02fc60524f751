import { useState } from 'react';
import type { ServerCertificate } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';

/**
 * A server certificate that was refused, shown in full so the user can compare it with what
 * their administrator published, and the one action that trusts exactly it for host:port.
 */
export function CertificatePrompt({ api, certificate, onTrusted }: { api: DeskApi; certificate: ServerCertificate; onTrusted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const trust = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.invoke('tls:trust', certificate.hostPort, certificate.fingerprint256);
      onTrusted();
    } catch (e) {
      setError(errorText(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="cert-prompt" data-testid="cert-prompt" data-changed={certificate.changedFrom ? 'true' : 'false'}>
      {!certificate.changedFrom && <p className="settings-hint">Compare the fingerprint with the one your administrator gave you before you trust it.</p>}
      {certificate.changedFrom && (
        <p className="cert-warning" data-testid="cert-changed">
          This is not the certificate you trusted for {certificate.hostPort} (that one was {certificate.changedFrom}). Trust it only if your administrator
          replaced the server&apos;s certificate.
        </p>
      )}
      <dl className="settings-facts">
        <dt>SHA-256</dt>
        <dd className="cert-fingerprint" data-testid="cert-fingerprint">
          {certificate.fingerprint256}
        </dd>
        <dt>Subject</dt>
        <dd data-testid="cert-subject">{certificate.subject || '—'}</dd>
        <dt>Issuer</dt>
        <dd data-testid="cert-issuer">{certificate.issuer || '—'}</dd>
        <dt>Valid</dt>
        <dd data-testid="cert-validity">
          {certificate.validFrom} – {certificate.validTo}
        </dd>
      </dl>
      {error && (
        <p className="cert-warning" role="alert">
          {error}
        </p>
      )}
      <button type="button" data-testid="cert-trust" disabled={busy} onClick={() => void trust()}>
        Trust this certificate for {certificate.hostPort}
      </button>
    </div>
  );
}
