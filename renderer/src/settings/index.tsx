/**
 * The Settings view: a list of sections, each its own module in this folder. A feature adds
 * its section by adding one entry to `SECTIONS`; the view itself knows nothing of them.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { offers } from '../../../shared/capabilities';
import type { Feature, Snapshot } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { AccountSection } from './Account';
import { DesktopSection } from './Desktop';
import { PrivacySection } from './Privacy';
import { CalendarSection } from './Calendar';
import { ServerPreferencesSection } from './ServerPreferences';
import { ConnectionSection } from './Connection';
import { DialingRulesSection } from './DialingRules';
import { PhoneSection } from './Phone';

/** What every section is given. */
export interface SectionProps {
  api: DeskApi;
  snapshot: Pick<Snapshot, 'session' | 'own' | 'idleAwayMinutes' | 'phone'>;
  /** Show an error (in the server's words) in the app's banner. */
  onError: (message: string) => void;
}

export interface SettingsSection {
  id: string;
  /** Key of its title in the settings namespace. */
  title: SectionTitle;
  render: (props: SectionProps) => ReactNode;
  /** The feature the section edits; shown only where the session offers it. */
  needs?: Feature;
}

type SectionTitle = `sections.${'account' | 'desktop' | 'privacy' | 'calendar' | 'serverPreferences' | 'connection' | 'phone' | 'dialingRules'}`;

export const SECTIONS: SettingsSection[] = [
  { id: 'account', title: 'sections.account', render: (p) => <AccountSection {...p} /> },
  { id: 'desktop', title: 'sections.desktop', render: (p) => <DesktopSection {...p} /> },
  { id: 'privacy', title: 'sections.privacy', render: (p) => <PrivacySection {...p} />, needs: 'privacy' },
  { id: 'calendar', title: 'sections.calendar', render: (p) => <CalendarSection {...p} />, needs: 'calendar' },
  { id: 'server-preferences', title: 'sections.serverPreferences', render: (p) => <ServerPreferencesSection {...p} />, needs: 'serverPreferences' },
  { id: 'connection', title: 'sections.connection', render: (p) => <ConnectionSection {...p} /> },
  { id: 'phone', title: 'sections.phone', render: (p) => <PhoneSection {...p} /> },
  { id: 'dialing-rules', title: 'sections.dialingRules', render: (p) => <DialingRulesSection {...p} /> },
];

export function Settings(props: SectionProps & { onClose: () => void; initial?: string }) {
  const sections = SECTIONS.filter((s) => offers(props.snapshot.session, s.needs));
  const [current, setCurrent] = useState(props.initial ?? SECTIONS[0].id);
  const section = sections.find((s) => s.id === current) ?? sections[0];
  const { t } = useTranslation(['settings', 'common']);
  return (
    <div className="settings" role="dialog" aria-label={t('title')} data-testid="settings">
      <nav className="settings-nav" aria-label={t('sectionsLabel')}>
        {sections.map((s) => (
          <button key={s.id} aria-current={s.id === section.id ? 'page' : undefined} data-testid={`settings-${s.id}`} onClick={() => setCurrent(s.id)}>
            {t(s.title)}
          </button>
        ))}
        <button className="settings-close" data-testid="settings-close" onClick={props.onClose}>
          {t('common:close')}
        </button>
      </nav>
      <section className="settings-body" aria-label={t(section.title)}>
        <h2>{t(section.title)}</h2>
        {section.render(props)}
      </section>
    </div>
  );
}
