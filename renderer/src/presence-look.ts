import type { Availability, OwnAvailability } from '../../shared/domain';
import { formatDay, formatTime, i18n } from './i18n';

/** Presence colour classes and labels, one place for the whole UI. */
export function presenceClass(a: Availability | OwnAvailability): string {
  return `presence presence-${a}`;
}

/** The status in the UI's language (call while rendering a component that uses `useTranslation`). */
export function presenceLabel(a: Availability | OwnAvailability): string {
  return i18n.t(`availability.${a}`);
}

export const ONLINE: ReadonlySet<Availability> = new Set(['available', 'away', 'busy', 'dnd', 'on-the-phone']);

/** "last seen 17:45", "last seen yesterday 17:45", "last seen 1 Dec 17:45" (relative to `now`). */
export function lastSeenText(at: number, now = Date.now()): string {
  const when = new Date(at);
  const time = formatTime(when);
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(new Date(now)) - day(when)) / 86_400_000);
  if (days <= 0) return i18n.t('lastSeen.today', { time });
  if (days === 1) return i18n.t('lastSeen.yesterday', { time });
  return i18n.t('lastSeen.day', { day: formatDay(when, days > 300), time });
}

/** The line under a contact's name: their note, else their status, with "last seen" when offline and known. */
export function statusLine(presence: { availability: Availability; note: string; lastSeen?: number }): string {
  if (presence.note) return presence.note;
  const label = presenceLabel(presence.availability);
  return presence.availability === 'offline' && presence.lastSeen !== undefined ? `${label} · ${lastSeenText(presence.lastSeen)}` : label;
}
