/**
 * The tray icon's menu as data: the five statuses the user can choose (the current one
 * checked), Show, and Quit. Built here without electron so the menu is unit-tested; main
 * turns it into a `Menu` with `Menu.buildFromTemplate`.
 */
import { AVAILABILITY_LABEL, OWN_AVAILABILITIES, type OwnAvailability, type SessionPhase } from '../shared/domain';

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
    label: AVAILABILITY_LABEL[availability],
    type: 'radio',
    checked: availability === current,
    click: () => actions.setStatus(availability),
  }));
  return [
    ...statuses,
    { id: 'sep-1', type: 'separator' },
    { id: 'show', label: 'Show Presence Desk', click: actions.show },
    { id: 'sep-2', type: 'separator' },
    { id: 'quit', label: 'Quit', click: actions.quit },
  ];
}

/** `onThePhone`: the phone is in a call (CTI gateway), which is what colleagues see then. */
export function trayTooltip(current: OwnAvailability, phase: SessionPhase, user?: string, onThePhone = false): string {
  const where =
    phase === 'signed-in' ? AVAILABILITY_LABEL[current] : phase === 'reconnecting' ? 'Reconnecting…' : phase === 'signing-in' ? 'Signing in…' : 'Signed out';
  const call = phase === 'signed-in' && onThePhone ? ` (${AVAILABILITY_LABEL['on-the-phone']})` : '';
  return `Presence Desk${user ? ` — ${user}` : ''}: ${where}${call}`;
}
