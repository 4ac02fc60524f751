import { useEffect, useState, type FormEvent } from 'react';
import type { AppError, ServerKind, SessionState } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { CertificatePrompt } from './CertificatePrompt';

export function SignIn({ api, session, defaults }: { api: DeskApi; session: SessionState; defaults: { server: string; user: string; kind?: ServerKind } }) {
  const [kind, setKind] = useState<ServerKind>(defaults.kind ?? 'cups');
  const [server, setServer] = useState(defaults.server);
  const [user, setUser] = useState(defaults.user);
  const [password, setPassword] = useState('');
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
      await api.invoke('session:sign-in', { kind, server, user, password, force, ...(canRemember ? { remember } : {}) });
      setPassword('');
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
      <h1>Presence Desk</h1>
      <fieldset className="server-kind" data-testid="server-kind">
        <legend>Server</legend>
        <label>
          <input type="radio" name="kind" value="cups" checked={kind === 'cups'} onChange={() => setKind('cups')} />
          Cisco Unified Presence
        </label>
        <label>
          <input type="radio" name="kind" value="simple" data-testid="kind-simple" checked={kind === 'simple'} onChange={() => setKind('simple')} />
          Any SIMPLE server (SIP only)
        </label>
      </fieldset>
      {kind === 'cups' ? (
        <>
          <label>
            Server
            <input value={server} onChange={(e) => setServer(e.target.value)} placeholder="cups.example.com" autoComplete="url" required />
          </label>
          <label>
            User name
            <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" required />
          </label>
        </>
      ) : (
        <>
          <label>
            SIP address
            <input
              value={user}
              onChange={(e) => setUser(e.target.value)}
              placeholder="alice@example.com"
              autoComplete="username"
              data-testid="sip-address"
              required
            />
          </label>
          <label>
            Outbound proxy (optional)
            <input value={server} onChange={(e) => setServer(e.target.value)} placeholder="found from the address's domain" data-testid="outbound-proxy" />
          </label>
        </>
      )}
      <label>
        Password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required autoFocus={!!user} />
      </label>
      {canRemember && (
        <label className="remember">
          <input type="checkbox" data-testid="remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember me on this computer
        </label>
      )}
      {error && (
        <div className="error" role="alert" data-testid="sign-in-error" data-code={error.code}>
          {error.message}
          {error.code === 'already-signed-in' && (
            <button type="button" onClick={() => void signIn(true)}>
              Sign in here instead
            </button>
          )}
        </div>
      )}
      {certificate && <CertificatePrompt key={certificate.fingerprint256} api={api} certificate={certificate} onTrusted={() => void signIn()} />}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
