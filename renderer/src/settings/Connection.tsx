import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionSettings } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';
import { FACT_SEPARATOR } from './labels';
import { SipConnection } from './SipConnection';

/** A whole-number limit saved when the field is left, only if it changed (the core checks the range). */
function LimitInput({ max, label, testId, value, onSave }: { max: number; label: string; testId: string; value: number; onSave: (value: number) => void }) {
  return (
    <input
      type="number"
      min={1}
      max={max}
      aria-label={label}
      data-testid={testId}
      defaultValue={value}
      onBlur={(e) => Number(e.target.value) !== value && onSave(Number(e.target.value))}
    />
  );
}

/** SOAP limits and SIP choices (from the next sign-in) and the server certificates the user chose to trust. */
export function ConnectionSection({ api }: SectionProps) {
  const { t } = useTranslation('settings');
  const [conn, setConn] = useState<ConnectionSettings | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api
      .invoke('connection:get')
      .then(setConn)
      .catch((e) => setError(errorText(e).message));
  }, [api]);
  const run = (p: Promise<ConnectionSettings>) => {
    setError(undefined);
    p.then(setConn).catch((e) => setError(errorText(e).message));
  };
  if (!conn)
    return error ? (
      <p className="error" role="alert">
        {error}
      </p>
    ) : (
      <p className="empty">{t('connection.reading')}</p>
    );
  return (
    <div data-testid="connection-settings">
      {error && (
        <p className="error" role="alert" data-testid="connection-error">
          {error}
        </p>
      )}
      <dl className="settings-facts">
        <dt>{t('connection.soapWait')}</dt>
        <dd>
          <LimitInput
            max={300}
            label={t('connection.soapTimeoutLabel')}
            testId="soap-timeout"
            value={conn.soapTimeoutSeconds}
            onSave={(v) => run(api.invoke('connection:set', { soapTimeoutSeconds: v }))}
          />{' '}
          {t('connection.seconds')}
        </dd>
        <dt>{t('connection.soapMax')}</dt>
        <dd>
          <LimitInput
            max={100}
            label={t('connection.soapMaxLabel')}
            testId="soap-max"
            value={conn.soapMaxResponseMB}
            onSave={(v) => run(api.invoke('connection:set', { soapMaxResponseMB: v }))}
          />{' '}
          {t('connection.megabytes')}
        </dd>
      </dl>
      <p className="settings-hint">{t('connection.fromNextSignIn')}</p>
      <SipConnection api={api} />
      <h3>{t('connection.trustedTitle')}</h3>
      {conn.trustedCertificates.length === 0 && <p>{t('connection.noneTrusted')}</p>}
      <ul className="privacy-watchers">
        {conn.trustedCertificates.map((c) => (
          <li key={c.hostPort} data-testid="trusted-certificate" data-host-port={c.hostPort}>
            <span>
              <strong>{c.hostPort}</strong>
              {FACT_SEPARATOR}
              {c.subject}
              {FACT_SEPARATOR}
              <span className="cert-fingerprint">{c.fingerprint256}</span>
              {FACT_SEPARATOR}
              {t('certificate.validUntil', { date: c.validTo })}
            </span>
            <button className="link" data-testid="trusted-forget" onClick={() => run(api.invoke('tls:forget', c.hostPort))}>
              {t('connection.forget')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
