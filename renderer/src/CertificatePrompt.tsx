import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerCertificate } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';

/** Shown for a field the certificate leaves empty: a mark, not a word. */
const EMPTY = '—';

/**
 * A server certificate that was refused, shown in full so the user can compare it with what
 * their administrator published, and the one action that trusts exactly it for host:port.
 */
export function CertificatePrompt({ api, certificate, onTrusted }: { api: DeskApi; certificate: ServerCertificate; onTrusted: () => void }) {
  const { t } = useTranslation('session');
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
      {!certificate.changedFrom && <p className="settings-hint">{t('certificate.compare')}</p>}
      {certificate.changedFrom && (
        <p className="cert-warning" data-testid="cert-changed">
          {t('certificate.changed', { hostPort: certificate.hostPort, previous: certificate.changedFrom })}
        </p>
      )}
      <dl className="settings-facts">
        <dt>{t('certificate.fingerprint')}</dt>
        <dd className="cert-fingerprint" data-testid="cert-fingerprint">
          {certificate.fingerprint256}
        </dd>
        <dt>{t('certificate.subject')}</dt>
        <dd data-testid="cert-subject">{certificate.subject || EMPTY}</dd>
        <dt>{t('certificate.issuer')}</dt>
        <dd data-testid="cert-issuer">{certificate.issuer || EMPTY}</dd>
        <dt>{t('certificate.valid')}</dt>
        <dd data-testid="cert-validity">{t('certificate.validity', { from: certificate.validFrom, to: certificate.validTo })}</dd>
      </dl>
      {error && (
        <p className="cert-warning" role="alert">
          {error}
        </p>
      )}
      <button type="button" data-testid="cert-trust" disabled={busy} onClick={() => void trust()}>
        {t('certificate.trust', { hostPort: certificate.hostPort })}
      </button>
    </div>
  );
}
