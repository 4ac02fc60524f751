import { AVAILABILITY_LABEL, type Availability, type OwnAvailability } from '../../shared/domain';

/** Presence colour classes and labels, one place for the whole UI. */
export function presenceClass(a: Availability | OwnAvailability): string {
  return `presence presence-${a}`;
}

export function presenceLabel(a: Availability | OwnAvailability): string {
  return AVAILABILITY_LABEL[a];
}

export const ONLINE: ReadonlySet<Availability> = new Set(['available', 'away', 'busy', 'dnd', 'on-the-phone']);
