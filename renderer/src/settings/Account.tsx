import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SERVER_TYPE_LABEL, type CmeSiteInfo } from '../../../shared/domain';
import type { SectionProps } from '.';

/** Who is signed in where, how long before Away is set automatically, and a CME router's site facts. */
export function AccountSection({ api, snapshot }: SectionProps) {
  const { t } = useTranslation('cme');
  const { session, idleAwayMinutes } = snapshot;
  const [site, setSite] = useState<CmeSiteInfo | null>(null);
  useEffect(() => {
    if (session.serverType !== 'cme' || session.phase === 'signed-out') return setSite(null);
    let live = true;
    api.invoke('account:site').then(
      (s) => live && setSite(s),
      () => live && setSite(null),
    );
    return () => {
      live = false;
    };
  }, [api, session.serverType, session.phase]);
  return (
    <>
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
        {session.presenceServer && (
          <>
            <dt>Presence server</dt>
            <dd data-testid="settings-presence-server">{session.presenceServer}</dd>
          </>
        )}
        <dt>Server type</dt>
        <dd data-testid="settings-server-type">{SERVER_TYPE_LABEL[session.serverType ?? 'cups']}</dd>
        {session.detected && <dd data-testid="settings-server-detected">{t(`detected.${session.detected.type}`)}</dd>}
        <dt>Away when idle</dt>
        <dd>{idleAwayMinutes > 0 ? `after ${idleAwayMinutes} minutes` : 'never'}</dd>
      </dl>
      {site && <CmeSite site={site} />}
    </>
  );
}

/** The router's configuration (ISgetGlobal, ISgetPresenceGlobal, ISgetVoiceRegGlobal, ISgetSessionServer). */
function CmeSite({ site }: { site: CmeSiteInfo }) {
  const { t } = useTranslation('cme');
  return (
    <>
      <h3>Site (Cisco Unified CME)</h3>
      <dl className="settings-facts" data-testid="cme-site">
        <dt>Router</dt>
        <dd>
          {site.name} ({site.address})
        </dd>
        <dt>Version</dt>
        <dd>
          CME {site.version}, mode {site.mode}
        </dd>
        <dt>Phones</dt>
        <dd>{site.phones}</dd>
        <dt>Number plan</dt>
        <dd data-testid="cme-number-plan">{site.numberPlan}</dd>
        <dt>Presence</dt>
        <dd data-testid="cme-presence">{site.presence}</dd>
        <dt>SIP registrar</dt>
        <dd>{site.sipRegistrar}</dd>
        {site.sipPresence && (
          <>
            <dt>{t('site.sipPresence')}</dt>
            <dd data-testid="cme-sip-presence">{site.sipPresence}</dd>
          </>
        )}
        {site.sessionServers.length > 0 && (
          <>
            <dt>Session servers</dt>
            <dd>{site.sessionServers.join(', ')}</dd>
          </>
        )}
      </dl>
      {site.problems.length > 0 && (
        <ul className="settings-problems">
          {site.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </>
  );
}
