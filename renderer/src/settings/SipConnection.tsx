import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SipConnectionSettings } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { errorText } from '../api';
import { FACT_SEPARATOR } from './labels';

/** The transports offered; the protocols keep their names in every language, "automatic" is translated. */
const TRANSPORTS: Array<SipConnectionSettings['sipTransport']> = ['auto', 'udp', 'tcp', 'tls'];

/** Example values in the fields: addresses and a PEM frame, data that reads the same in every language. */
const EXAMPLE = {
  listUri: 'sip:alex-list@example.com',
  xcapRoot: 'https://xcap.example.com/xcap-root',
  dnsServers: '192.0.2.53, 192.0.2.54:5353',
  pem: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
};

/** What a save confirms (a key under settings:sip.saved), kept rather than its words so that a language change redraws it. */
type Saved = 'transport' | 'perContact' | 'autoList' | 'list' | 'xcapAndDns' | 'certificateCleared' | 'certificateTrusted';

type ListMode = 'off' | 'auto' | 'uri';
const modeOf = (list: string): ListMode => (list === '' ? 'off' : list === 'auto' ? 'auto' : 'uri');

/**
 * The SIP side of Settings → Connection: transport, an extra certificate trusted for SIP over
 * TLS, and presence through one event-list subscription. The core checks every value and
 * refuses with words; the refusal is shown next to the fields and nothing changes.
 */
export function SipConnection({ api }: { api: DeskApi }) {
  const { t } = useTranslation(['settings', 'common']);
  const [sip, setSip] = useState<SipConnectionSettings | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<Saved | undefined>();
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
    what: Saved,
  ) => {
    setError(undefined);
    setSaved(undefined);
    return api
      .invoke('connection:set-sip', patch)
      .then((next) => {
        show(next);
        setSaved(what);
        return true;
      })
      .catch((e) => {
        setError(errorText(e).message);
        return false;
      });
  };
  // The radio shows the choice at once; a refusal puts back what is saved.
  const chooseList = (next: ListMode, value: string, what: Saved) => {
    setMode(next);
    void save({ presenceList: value }, what).then((ok) => !ok && sip && setMode(modeOf(sip.presenceList)));
  };

  if (!sip)
    return error ? (
      <p className="error" role="alert">
        {error}
      </p>
    ) : (
      <p className="empty">{t('sip.reading')}</p>
    );
  return (
    <div data-testid="sip-settings" className="sip-settings">
      <h3>{t('sip.title')}</h3>
      <dl className="settings-facts">
        <dt>
          <label htmlFor="sip-transport">{t('sip.transport')}</label>
        </dt>
        <dd>
          <select
            id="sip-transport"
            data-testid="sip-transport"
            value={sip.sipTransport}
            onChange={(e) => void save({ sipTransport: e.target.value }, 'transport')}
          >
            {TRANSPORTS.map((transport) => (
              <option key={transport} value={transport}>
                {transport === 'auto' ? t('sip.transportAuto') : transport.toUpperCase()}
              </option>
            ))}
          </select>
        </dd>
        <dt id="presence-list-label">{t('sip.contactsPresence')}</dt>
        <dd>
          <div role="radiogroup" aria-labelledby="presence-list-label" className="sip-list-choice">
            <label>
              <input
                type="radio"
                name="presence-list"
                data-testid="presence-list-off"
                checked={mode === 'off'}
                onChange={() => chooseList('off', '', 'perContact')}
              />{' '}
              {t('sip.listOff')}
            </label>
            <label>
              <input
                type="radio"
                name="presence-list"
                data-testid="presence-list-auto"
                checked={mode === 'auto'}
                onChange={() => chooseList('auto', 'auto', 'autoList')}
              />{' '}
              {t('sip.listAuto')}
            </label>
            <label>
              <input type="radio" name="presence-list" data-testid="presence-list-uri-choice" checked={mode === 'uri'} onChange={() => setMode('uri')} />{' '}
              {t('sip.listAtAddress')}
            </label>
            {mode === 'uri' && (
              <form
                className="sip-list-uri"
                onSubmit={(e) => {
                  e.preventDefault();
                  void save({ presenceList: listUri }, 'list');
                }}
              >
                <input
                  aria-label={t('sip.listAddress')}
                  data-testid="presence-list-uri"
                  placeholder={EXAMPLE.listUri}
                  value={listUri}
                  maxLength={512}
                  onChange={(e) => setListUri(e.target.value)}
                />
                <button type="submit" data-testid="presence-list-save">
                  {t('common:save')}
                </button>
              </form>
            )}
          </div>
        </dd>
      </dl>
      <h4>{t('sip.simpleTitle')}</h4>
      <form
        className="sip-simple-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ xcapRoot, dnsServers }, 'xcapAndDns');
        }}
      >
        <label>
          {t('sip.xcapRoot')}
          <input data-testid="xcap-root" placeholder={EXAMPLE.xcapRoot} value={xcapRoot} maxLength={2048} onChange={(e) => setXcapRoot(e.target.value)} />
        </label>
        <label>
          {t('sip.dnsServers')}
          <input
            data-testid="dns-servers"
            placeholder={EXAMPLE.dnsServers}
            value={dnsServers}
            maxLength={1024}
            onChange={(e) => setDnsServers(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="simple-save">
          {t('common:save')}
        </button>
      </form>
      <h4>{t('sip.certificateTitle')}</h4>
      {sip.sipCertificates.length === 0 ? (
        <p data-testid="sip-certificate-none">{t('sip.noCertificate')}</p>
      ) : (
        <ul className="privacy-watchers">
          {sip.sipCertificates.map((c) => (
            <li key={c.fingerprint256} data-testid="sip-certificate">
              <span>
                <strong>{c.subject}</strong>
                {FACT_SEPARATOR}
                {t('certificate.issuedBy', { issuer: c.issuer })}
                {FACT_SEPARATOR}
                <span className="cert-fingerprint">{c.fingerprint256}</span>
                {FACT_SEPARATOR}
                {t('certificate.validUntil', { date: c.validTo })}
              </span>
            </li>
          ))}
        </ul>
      )}
      {sip.sipCertificates.length > 0 && (
        <button className="link" data-testid="sip-certificate-clear" onClick={() => void save({ sipTrustedCertificate: '' }, 'certificateCleared')}>
          {t('sip.stopTrusting')}
        </button>
      )}
      <form
        className="sip-certificate-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ sipTrustedCertificate: pem }, 'certificateTrusted').then((ok) => ok && setPem(''));
        }}
      >
        <label htmlFor="sip-certificate-pem">{t('sip.pasteCertificate')}</label>
        <textarea
          id="sip-certificate-pem"
          data-testid="sip-certificate-pem"
          rows={4}
          spellCheck={false}
          placeholder={EXAMPLE.pem}
          value={pem}
          onChange={(e) => setPem(e.target.value)}
        />
        <button type="submit" data-testid="sip-certificate-save" disabled={!pem.trim()}>
          {t('sip.trust')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="sip-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="settings-hint" role="status" data-testid="sip-saved">
          {t(`sip.saved.${saved}`)}
        </p>
      )}
      <p className="settings-hint">{t('sip.fromNextSignIn')}</p>
    </div>
  );
}
