/**
 * The tray icon's menu as data: the five statuses the user can choose (the current one
 * checked), Show, and Quit. Built here without electron so the menu is unit-tested; main
 * turns it into a `Menu` with `Menu.buildFromTemplate`. Its words are in the UI's language
 * (electron/i18n.ts): main rebuilds the menu when the language changes.
 */
import { OWN_AVAILABILITIES, type Availability, type OwnAvailability, type SessionPhase } from '../shared/domain';
import { t } from './i18n';

/** A status as the renderer names it (`common:availability.*`), so tray and window agree. */
function statusLabel(availability: Availability | OwnAvailability): string {
  return t(`common:availability.${availability}`);
}

export interface TrayItem {
  id: string;
  label?: string;
  type?: 'normal' | 'radio' | 'separator';
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

export interface TrayActions {
  setStatus(availability: OwnAvailability): void;
  show(): void;
  quit(): void;
}

export function trayMenu(current: OwnAvailability, phase: SessionPhase, actions: TrayActions): TrayItem[] {
  // Statuses can be chosen signed out too: the choice is published at the next sign-in.
  const statuses: TrayItem[] = OWN_AVAILABILITIES.map((availability) => ({
    id: `status-${availability}`,
    label: statusLabel(availability),
    type: 'radio',
    checked: availability === current,
    click: () => actions.setStatus(availability),
  }));
  return [
    ...statuses,
    { id: 'sep-1', type: 'separator' },
    { id: 'show', label: t('shell:tray.show'), click: actions.show },
    { id: 'sep-2', type: 'separator' },
    { id: 'quit', label: t('shell:tray.quit'), click: actions.quit },
  ];
}

/** `onThePhone`: the phone is in a call (CTI gateway), which is what colleagues see then. */
export function trayTooltip(current: OwnAvailability, phase: SessionPhase, user?: string, onThePhone = false): string {
  const where =
    phase === 'signed-in'
      ? statusLabel(current)
      : phase === 'reconnecting'
        ? t('shell:tray.reconnecting')
        : phase === 'signing-in'
          ? t('shell:tray.signingIn')
          : t('shell:tray.signedOut');
  const state = phase === 'signed-in' && onThePhone ? t('shell:tray.onThePhone', { status: where, onThePhone: statusLabel('on-the-phone') }) : where;
  const app = t('common:appName');
  return user ? t('shell:tray.tooltipWithUser', { app, user, state }) : t('shell:tray.tooltip', { app, state });
}
