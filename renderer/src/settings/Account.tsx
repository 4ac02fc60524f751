import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CmeSiteInfo } from '../../../shared/domain';
import type { SectionProps } from '.';
import { serverTypeLabel } from './labels';

/** Shown for a fact not known yet (signed out): a mark, not a word, in every language. */
const NOT_KNOWN = '—';

/** Who is signed in where, how long before Away is set automatically, and a CME router's site facts. */
export function AccountSection({ api, snapshot }: SectionProps) {
  const { t } = useTranslation(['settings', 'cme']);
  const { session, idleAwayMinutes } = snapshot;
  const serverType = session.serverType ?? 'cups';
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
        <dt>{t('account.user')}</dt>
        <dd data-testid="settings-user">{session.user ?? NOT_KNOWN}</dd>
        <dt>{t('account.sipAddress')}</dt>
        <dd>{session.uri ?? NOT_KNOWN}</dd>
        <dt>{t('account.server')}</dt>
        <dd>{session.demo ? t('account.serverInDemoLab', { server: session.server ?? NOT_KNOWN }) : (session.server ?? NOT_KNOWN)}</dd>
        {session.presenceServer && (
          <>
            <dt>{t('account.presenceServer')}</dt>
            <dd data-testid="settings-presence-server">{session.presenceServer}</dd>
          </>
        )}
        <dt>{t('account.typeOfServer')}</dt>
        <dd data-testid="settings-server-type">{serverTypeLabel(serverType)}</dd>
        {session.detected && <dd data-testid="settings-server-detected">{t(`cme:detected.${session.detected.type}`)}</dd>}
        <dt>{t('account.awayWhenIdle')}</dt>
        <dd>{idleAwayMinutes > 0 ? t('account.awayAfter', { count: idleAwayMinutes }) : t('account.awayNever')}</dd>
      </dl>
      {site && <CmeSite site={site} />}
    </>
  );
}

/**
 * The router's configuration (ISgetGlobal, ISgetPresenceGlobal, ISgetVoiceRegGlobal, ISgetSessionServer).
 * The values are shown as the core describes them; only the headings are the UI's.
 */
function CmeSite({ site }: { site: CmeSiteInfo }) {
  const { t } = useTranslation(['settings', 'cme']);
  return (
    <>
      <h3>{t('cmeSite.title')}</h3>
      <dl className="settings-facts" data-testid="cme-site">
        <dt>{t('cmeSite.router')}</dt>
        <dd>
          {site.name} ({site.address})
        </dd>
        <dt>{t('cmeSite.version')}</dt>
        <dd>{t('cmeSite.versionAndMode', { version: site.version, mode: site.mode })}</dd>
        <dt>{t('cmeSite.phones')}</dt>
        <dd>{site.phones}</dd>
        <dt>{t('cmeSite.numberPlan')}</dt>
        <dd data-testid="cme-number-plan">{site.numberPlan}</dd>
        <dt>{t('cmeSite.presence')}</dt>
        <dd data-testid="cme-presence">{site.presence}</dd>
        <dt>{t('cmeSite.sipRegistrar')}</dt>
        <dd>{site.sipRegistrar}</dd>
        {site.sipPresence && (
          <>
            <dt>{t('cme:site.sipPresence')}</dt>
            <dd data-testid="cme-sip-presence">{site.sipPresence}</dd>
          </>
        )}
        {site.sessionServers.length > 0 && (
          <>
            <dt>{t('cmeSite.sessionServers')}</dt>
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
