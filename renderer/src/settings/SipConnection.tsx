import { useEffect, useState } from 'react';
import type { SipConnectionSettings } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { errorText } from '../api';

const TRANSPORTS: Array<{ value: SipConnectionSettings['sipTransport']; label: string }> = [
  { value: 'auto', label: 'Automatic (as the server configures it)' },
  { value: 'udp', label: 'UDP' },
  { value: 'tcp', label: 'TCP' },
  { value: 'tls', label: 'TLS' },
];

type ListMode = 'off' | 'auto' | 'uri';
const modeOf = (list: string): ListMode => (list === '' ? 'off' : list === 'auto' ? 'auto' : 'uri');

/**
 * The SIP side of Settings → Connection: transport, an extra certificate trusted for SIP over
 * TLS, and presence through one event-list subscription. The core checks every value and
 * refuses with words; the refusal is shown next to the fields and nothing changes.
 */
export function SipConnection({ api }: { api: DeskApi }) {
  const [sip, setSip] = useState<SipConnectionSettings | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const [mode, setMode] = useState<ListMode>('off');
  const [listUri, setListUri] = useState('');
  const [pem, setPem] = useState('');
  const [xcapRoot, setXcapRoot] = useState('');
  const [dnsServers, setDnsServers] = useState('');

  const show = (next: SipConnectionSettings) => {
    setSip(next);
    setMode(modeOf(next.presenceList));
    setListUri(modeOf(next.presenceList) === 'uri' ? next.presenceList : '');
    setXcapRoot(next.xcapRoot);
    setDnsServers(next.dnsServers);
  };
  useEffect(() => {
    api
      .invoke('connection:sip')
      .then(show)
      .catch((e) => setError(errorText(e).message));
  }, [api]);

  const save = (
    patch: { sipTransport?: string; sipTrustedCertificate?: string; presenceList?: string; xcapRoot?: string; dnsServers?: string },
    what: string,
  ) => {
    setError(undefined);
    setSaved(undefined);
    return api
      .invoke('connection:set-sip', patch)
      .then((next) => {
        show(next);
        setSaved(`${what} Used from the next sign-in.`);
        return true;
      })
      .catch((e) => {
        setError(errorText(e).message);
        return false;
      });
  };
  // The radio shows the choice at once; a refusal puts back what is saved.
  const chooseList = (next: ListMode, value: string, what: string) => {
    setMode(next);
    void save({ presenceList: value }, what).then((ok) => !ok && sip && setMode(modeOf(sip.presenceList)));
  };

  if (!sip)
    return error ? (
      <p className="error" role="alert">
        {error}
      </p>
    ) : (
      <p>Reading the SIP settings…</p>
    );
  return (
    <div data-testid="sip-settings" className="sip-settings">
      <h3>SIP</h3>
      <dl className="settings-facts">
        <dt>
          <label htmlFor="sip-transport">Transport</label>
        </dt>
        <dd>
          <select
            id="sip-transport"
            data-testid="sip-transport"
            value={sip.sipTransport}
            onChange={(e) => void save({ sipTransport: e.target.value }, 'Transport saved.')}
          >
            {TRANSPORTS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </dd>
        <dt id="presence-list-label">Contacts&apos; presence</dt>
        <dd>
          <div role="radiogroup" aria-labelledby="presence-list-label" className="sip-list-choice">
            <label>
              <input
                type="radio"
                name="presence-list"
                data-testid="presence-list-off"
                checked={mode === 'off'}
                onChange={() => chooseList('off', '', 'Presence per contact saved.')}
              />{' '}
              One subscription per contact
            </label>
            <label>
              <input
                type="radio"
                name="presence-list"
                data-testid="presence-list-auto"
                checked={mode === 'auto'}
                onChange={() => chooseList('auto', 'auto', 'Automatic presence list saved.')}
              />{' '}
              Event list (automatic: sip:&lt;user&gt;-list@&lt;domain&gt;)
            </label>
            <label>
              <input type="radio" name="presence-list" data-testid="presence-list-uri-choice" checked={mode === 'uri'} onChange={() => setMode('uri')} /> Event
              list at this address:
            </label>
            {mode === 'uri' && (
              <form
                className="sip-list-uri"
                onSubmit={(e) => {
                  e.preventDefault();
                  void save({ presenceList: listUri }, 'Presence list saved.');
                }}
              >
                <input
                  aria-label="Presence list address"
                  data-testid="presence-list-uri"
                  placeholder="sip:alex-list@example.com"
                  value={listUri}
                  maxLength={512}
                  onChange={(e) => setListUri(e.target.value)}
                />
                <button type="submit" data-testid="presence-list-save">
                  Save
                </button>
              </form>
            )}
          </div>
        </dd>
      </dl>
      <h4>SIMPLE servers (signing in with a SIP address)</h4>
      <form
        className="sip-simple-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ xcapRoot, dnsServers }, 'XCAP and DNS saved.');
        }}
      >
        <label>
          XCAP root (empty: found through DNS)
          <input
            data-testid="xcap-root"
            placeholder="https://xcap.example.com/xcap-root"
            value={xcapRoot}
            maxLength={2048}
            onChange={(e) => setXcapRoot(e.target.value)}
          />
        </label>
        <label>
          DNS servers (empty: the system&apos;s)
          <input
            data-testid="dns-servers"
            placeholder="192.0.2.53, 192.0.2.54:5353"
            value={dnsServers}
            maxLength={1024}
            onChange={(e) => setDnsServers(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="simple-save">
          Save
        </button>
      </form>
      <h4>Certificate trusted for SIP over TLS</h4>
      {sip.sipCertificates.length === 0 ? (
        <p data-testid="sip-certificate-none">None: the presence server&apos;s certificate is checked against the system&apos;s trusted roots only.</p>
      ) : (
        <ul className="privacy-watchers">
          {sip.sipCertificates.map((c) => (
            <li key={c.fingerprint256} data-testid="sip-certificate">
              <span>
                <strong>{c.subject}</strong> · issued by {c.issuer} · <span className="cert-fingerprint">{c.fingerprint256}</span> · valid until {c.validTo}
              </span>
            </li>
          ))}
        </ul>
      )}
      {sip.sipCertificates.length > 0 && (
        <button className="link" data-testid="sip-certificate-clear" onClick={() => void save({ sipTrustedCertificate: '' }, 'Certificate cleared.')}>
          Stop trusting this certificate
        </button>
      )}
      <form
        className="sip-certificate-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ sipTrustedCertificate: pem }, 'Certificate trusted.').then((ok) => ok && setPem(''));
        }}
      >
        <label htmlFor="sip-certificate-pem">
          Paste a private CA&apos;s certificate or the server&apos;s own (PEM); it is trusted in addition to the system&apos;s roots.
        </label>
        <textarea
          id="sip-certificate-pem"
          data-testid="sip-certificate-pem"
          rows={4}
          spellCheck={false}
          placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
          value={pem}
          onChange={(e) => setPem(e.target.value)}
        />
        <button type="submit" data-testid="sip-certificate-save" disabled={!pem.trim()}>
          Trust this certificate
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="sip-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="settings-hint" role="status" data-testid="sip-saved">
          {saved}
        </p>
      )}
      <p className="settings-hint">The transport, certificate, presence list, XCAP root and DNS servers are used from the next sign-in.</p>
    </div>
  );
}
