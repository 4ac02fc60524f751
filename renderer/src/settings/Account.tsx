import type { SectionProps } from '.';

/** Who is signed in where, and how long before Away is set automatically. */
export function AccountSection({ snapshot }: SectionProps) {
  const { session, idleAwayMinutes } = snapshot;
  return (
    <dl className="settings-facts">
      <dt>User</dt>
      <dd data-testid="settings-user">{session.user ?? '—'}</dd>
      <dt>SIP address</dt>
      <dd>{session.uri ?? '—'}</dd>
      <dt>Server</dt>
      <dd>
        {session.server ?? '—'}
        {session.demo ? ' (demo lab)' : ''}
      </dd>
      <dt>Away when idle</dt>
      <dd>{idleAwayMinutes > 0 ? `after ${idleAwayMinutes} minutes` : 'never'}</dd>
    </dl>
  );
}
