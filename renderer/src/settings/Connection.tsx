import { useEffect, useState } from 'react';
import type { ConnectionSettings } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';
import { SipConnection } from './SipConnection';

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
  if (!conn) return error ? <p className="error" role="alert">{error}</p> : <p>Reading the connection settings…</p>;
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
          <input
            type="number"
            min={1}
            max={300}
            aria-label="SOAP time limit in seconds"
            data-testid="soap-timeout"
            defaultValue={conn.soapTimeoutSeconds}
            onBlur={(e) => Number(e.target.value) !== conn.soapTimeoutSeconds && run(api.invoke('connection:set', { soapTimeoutSeconds: Number(e.target.value) }))}
          />{' '}
          seconds
        </dd>
        <dt>Largest SOAP answer</dt>
        <dd>
          <input
            type="number"
            min={1}
            max={100}
            aria-label="Largest SOAP answer in MB"
            data-testid="soap-max"
            defaultValue={conn.soapMaxResponseMB}
            onBlur={(e) => Number(e.target.value) !== conn.soapMaxResponseMB && run(api.invoke('connection:set', { soapMaxResponseMB: Number(e.target.value) }))}
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
