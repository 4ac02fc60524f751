import { useEffect, useRef } from 'react';
import type { Contact, ContactGroup } from '../../shared/domain';

export interface ContactActions {
  rename(group: string, contact: Contact): void;
  move(from: string, contact: Contact, to: string): void;
  remove(group: string, contact: Contact): void;
  /** Open the contact card (addresses, numbers, presence per device). */
  card?(contact: Contact): void;
}

/** The "⋯" menu of a contact: rename, move to another group, remove. */
export function ContactMenu({ group, contact, groups, actions, onClose }: { group: string; contact: Contact; groups: ContactGroup[]; actions: ContactActions; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && onClose();
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);
  const run = (fn: () => void) => () => {
    onClose();
    fn();
  };
  return (
    <div className="menu" role="menu" ref={ref} data-testid="contact-menu" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {actions.card && (
        <button role="menuitem" onClick={run(() => actions.card?.(contact))} data-testid="menu-card">
          Contact card…
        </button>
      )}
      <button role="menuitem" onClick={run(() => actions.rename(group, contact))} data-testid="menu-rename">
        Rename…
      </button>
      {groups
        .filter((g) => g.name !== group)
        .map((g) => (
          <button key={g.name} role="menuitem" onClick={run(() => actions.move(group, contact, g.name))} data-testid="menu-move" data-to={g.name}>
            Move to {g.name || 'Contacts'}
          </button>
        ))}
      <button role="menuitem" className="danger" onClick={run(() => actions.remove(group, contact))} data-testid="menu-remove">
        Remove
      </button>
    </div>
  );
}
