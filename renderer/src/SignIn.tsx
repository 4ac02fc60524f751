import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SERVER_TYPES, type AppError, type ServerType, type SessionState } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { serverTypeOf } from '../../shared/server-type';
import { errorText } from './api';
import { CertificatePrompt } from './CertificatePrompt';
import { ErrorHeadline } from './ErrorHeadline';

/** Example addresses, the same in every language (they are addresses, not words). */
const PLACEHOLDER: Record<ServerType | 'auto', string> = {
  cups: 'cups.example.com',
  cme: 'router.example.com',
  simple: 'alice@example.com',
  auto: 'server.example.com',
};

/** The form's choice: a server type, or `auto` (the app finds it from the address: detect-server.ts). */
type TypeChoice = ServerType | 'auto';

export function SignIn({
  api,
  session,
  defaults,
}: {
  api: DeskApi;
  session: SessionState;
  defaults: { server: string; user: string; serverType?: ServerType };
}) {
  const [server, setServer] = useState(defaults.server);
  // Chosen by the user, else what the address says (`…/ios_xml_app/cme` is a CME router), else the last one used.
  const [serverType, setServerType] = useState<TypeChoice>(session.serverType ?? defaults.serverType ?? serverTypeOf(defaults.server) ?? 'cups');
  const [typeChosen, setTypeChosen] = useState(false);
  const changeServer = (value: string) => {
    setServer(value);
    const detected = serverTypeOf(value);
    if (detected && !typeChosen) setServerType(detected);
  };
  const { t } = useTranslation(['session', 'common', 'cme']);
  const [user, setUser] = useState(defaults.user);
  const [password, setPassword] = useState('');
  // CME: the router's SIP presence login, only where it differs from the user name and password.
  const [sipUser, setSipUser] = useState('');
  const [sipPassword, setSipPassword] = useState('');
  const [error, setError] = useState<AppError | undefined>(session.error);
  const busy = session.phase === 'signing-in';
  // "Remember me" only where the host keeps the password in the OS keychain (Electron safeStorage).
  const [canRemember, setCanRemember] = useState(false);
  const [remember, setRemember] = useState(false);
  useEffect(() => {
    api.invoke('app:info').then(
      (info) => setCanRemember(info.canRememberPassword === true),
      () => undefined,
    );
  }, [api]);
  // The invoke error names the failure; the session state carries the certificate presented.
  const certificate = error?.code === 'tls' ? (error.certificate ?? (session.error?.code === 'tls' ? session.error.certificate : undefined)) : undefined;

  const signIn = async (force = false) => {
    setError(undefined);
    try {
      const sip = serverType === 'cme' && sipUser.trim() ? { sipUser, ...(sipPassword ? { sipPassword } : {}) } : {};
      await api.invoke('session:sign-in', {
        server,
        ...(serverType === 'auto' ? {} : { serverType }),
        user,
        password,
        force,
        ...sip,
        ...(canRemember ? { remember } : {}),
      });
      setPassword('');
      setSipPassword('');
    } catch (e) {
      setError(errorText(e));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void signIn();
  };

  return (
    <form className="sign-in" onSubmit={submit} data-testid="sign-in">
      <h1>{t('common:appName')}</h1>
      <label>
        {t('signIn.serverType')}
        <select
          data-testid="server-type"
          value={serverType}
          onChange={(e) => {
            setServerType(e.target.value as TypeChoice);
            setTypeChosen(true);
          }}
        >
          {SERVER_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`serverType.${type}`)}
            </option>
          ))}
          <option value="auto">{t('cme:detect.option')}</option>
        </select>
      </label>
      {serverType === 'auto' && session.detected && (
        <p className="hint" data-testid="server-detected" data-type={session.detected.type}>
          {t(`cme:detected.${session.detected.type}`)}
        </p>
      )}
      {serverType === 'simple' ? (
        <>
          <label>
            {t('signIn.sipAddress')}
            <input
              value={user}
              onChange={(e) => setUser(e.target.value)}
              placeholder={PLACEHOLDER.simple}
              autoComplete="username"
              data-testid="sip-address"
              required
            />
          </label>
          <label>
            {t('signIn.outboundProxy')}
            <input value={server} onChange={(e) => setServer(e.target.value)} placeholder={t('signIn.outboundProxyPlaceholder')} data-testid="outbound-proxy" />
          </label>
        </>
      ) : (
        <>
          <label>
            {t('signIn.server')}
            <input value={server} onChange={(e) => changeServer(e.target.value)} placeholder={PLACEHOLDER[serverType]} autoComplete="url" required />
          </label>
          <label>
            {t('signIn.userName')}
            <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" required />
          </label>
        </>
      )}
      <label>
        {t('signIn.password')}
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required autoFocus={!!user} />
      </label>
      {serverType === 'cme' && (
        <details className="sip-login" data-testid="cme-sip-login">
          <summary>{t('cme:sipLogin.summary')}</summary>
          <label>
            {t('cme:sipLogin.user')}
            <input value={sipUser} onChange={(e) => setSipUser(e.target.value)} autoComplete="off" data-testid="cme-sip-user" />
          </label>
          <label>
            {t('cme:sipLogin.password')}
            <input type="password" value={sipPassword} onChange={(e) => setSipPassword(e.target.value)} autoComplete="off" data-testid="cme-sip-password" />
          </label>
        </details>
      )}
      {canRemember && (
        <label className="remember">
          <input type="checkbox" data-testid="remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          {t('signIn.remember')}
        </label>
      )}
      {error && (
        // The translated headline, then the core's words (the element tests and support read).
        <div className="error" role="alert">
          {/* One column, headline above the details, beside the "Sign in here instead" button. */}
          <div>
            <ErrorHeadline code={error.code} />
            <span data-testid="sign-in-error" data-code={error.code}>
              {error.message}
            </span>
          </div>
          {error.code === 'already-signed-in' && (
            <button type="button" onClick={() => void signIn(true)}>
              {t('signIn.signInHere')}
            </button>
          )}
        </div>
      )}
      {certificate && <CertificatePrompt key={certificate.fingerprint256} api={api} certificate={certificate} onTrusted={() => void signIn()} />}
      <button type="submit" disabled={busy}>
        {busy ? t('signIn.signingIn') : t('signIn.signIn')}
      </button>
    </form>
  );
}
