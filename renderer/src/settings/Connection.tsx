import { useEffect, useState } from 'react';
import type { ConnectionSettings } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';
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
      <p>Reading the connection settings…</p>
    );
  return (
    <div data-testid="connection-settings">
      {error && (
        <p className="error" role="alert" data-testid="connection-error">
          {error}
        </p>
      )}
      <dl className="settings-facts">
        <dt>Wait for a SOAP answer</dt>
        <dd>
          <LimitInput
            max={300}
            label="SOAP time limit in seconds"
            testId="soap-timeout"
            value={conn.soapTimeoutSeconds}
            onSave={(v) => run(api.invoke('connection:set', { soapTimeoutSeconds: v }))}
          />{' '}
          seconds
        </dd>
        <dt>Largest SOAP answer</dt>
        <dd>
          <LimitInput
            max={100}
            label="Largest SOAP answer in MB"
            testId="soap-max"
            value={conn.soapMaxResponseMB}
            onSave={(v) => run(api.invoke('connection:set', { soapMaxResponseMB: v }))}
          />{' '}
          MB
        </dd>
      </dl>
      <p className="settings-hint">These apply from the next sign-in.</p>
      <SipConnection api={api} />
      <h3>Trusted server certificates (HTTPS)</h3>
      {conn.trustedCertificates.length === 0 && <p>None: every server&apos;s certificate is checked against the system&apos;s trusted roots only.</p>}
      <ul className="privacy-watchers">
        {conn.trustedCertificates.map((c) => (
          <li key={c.hostPort} data-testid="trusted-certificate" data-host-port={c.hostPort}>
            <span>
              <strong>{c.hostPort}</strong> · {c.subject} · <span className="cert-fingerprint">{c.fingerprint256}</span> · valid until {c.validTo}
            </span>
            <button className="link" data-testid="trusted-forget" onClick={() => run(api.invoke('tls:forget', c.hostPort))}>
              Forget
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
