import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, ContactGroup, PhoneNumber } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { menuMove } from './menu-keys';
import { useCall } from './use-call';

export interface ContactActions {
  /** Absent where the server keeps no contact list to edit. */
  rename?(group: string, contact: Contact): void;
  move?(from: string, contact: Contact, to: string): void;
  remove?(group: string, contact: Contact): void;
  /** Open the contact card (addresses, numbers, presence per device). */
  card?(contact: Contact): void;
  /**
   * Call one of the contact's numbers: `api` gives the menu its rule previews, `place` calls
   * through the app's own `useCall` (the contact card's path) so the outcome outlives the menu.
   */
  call?: { api: DeskApi; place(contact: Contact, number: string): void };
}

/** "Call work +1 408 555 0101" per number, each titled with what will be dialed and by which rule. */
function CallItems({ contact, call, run }: { contact: Contact; call: NonNullable<ContactActions['call']>; run: (fn: () => void) => () => void }) {
  const { t } = useTranslation('buddies');
  const { hints, preview } = useCall(call.api);
  const phones: PhoneNumber[] = contact.phones ?? contact.numbers.map((number) => ({ label: 'work', number }));
  // A menu is short-lived: ask for every number's preview at once so each title is there on
  // hover; once per number (preview changes identity with each answer).
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const p of phones) {
      if (p.error || asked.current.has(p.number)) continue;
      asked.current.add(p.number);
      preview(p.number);
    }
  });
  return (
    <>
      {phones.map((p) => (
        <button
          key={`${p.label}:${p.number}`}
          role="menuitem"
          tabIndex={-1}
          data-testid="menu-call"
          data-label={p.label}
          data-number={p.number}
          disabled={!!p.error}
          title={p.error ?? hints[p.number]?.text ?? t('card.callNumber')}
          onClick={run(() => call.place(contact, p.number))}
        >
          {t(`menu.call.${p.label}`, { number: p.number })}
        </button>
      ))}
    </>
  );
}

const info = (item: HTMLButtonElement) => ({ label: item.textContent ?? '', disabled: item.disabled });
const menuItems = (menu: HTMLElement | null) => [...(menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];

/**
 * The "⋯" menu of a contact: card, call a number, rename, move to another group, remove.
 * A WAI-ARIA menu: it takes the focus on its first item, arrows, Home, End and typed letters
 * move it (menu-keys.ts), Enter and Space activate, Escape and Tab close it. The list gives
 * the focus back to the contact's row when the menu goes away.
 */
export function ContactMenu({
  group,
  contact,
  groups,
  actions,
  onClose,
}: {
  group: string;
  contact: Contact;
  groups: ContactGroup[];
  actions: ContactActions;
  onClose: () => void;
}) {
  const { t } = useTranslation(['buddies', 'common']);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const items = menuItems(ref.current);
    const first = menuMove(items.map(info), -1, 'Home');
    if (first !== undefined) items[first].focus();
  }, []);
  useEffect(() => {
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && onClose();
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);
  const run = (fn: () => void) => () => {
    onClose();
    fn();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const items = menuItems(ref.current);
    const next = menuMove(items.map(info), items.indexOf(document.activeElement as HTMLButtonElement), e.key);
    if (next === undefined) return;
    e.preventDefault();
    items[next].focus();
  };
  return (
    <div className="menu" role="menu" aria-label={t('menu.label', { name: contact.displayName })} ref={ref} data-testid="contact-menu" onKeyDown={onKeyDown}>
      {actions.card && (
        <button role="menuitem" tabIndex={-1} onClick={run(() => actions.card?.(contact))} data-testid="menu-card">
          {t('menu.card')}
        </button>
      )}
      {actions.call && <CallItems contact={contact} call={actions.call} run={run} />}
      {actions.rename && (
        <button role="menuitem" tabIndex={-1} onClick={run(() => actions.rename?.(group, contact))} data-testid="menu-rename">
          {t('menu.rename')}
        </button>
      )}
      {actions.move &&
        groups
          .filter((g) => g.name !== group)
          .map((g) => (
            <button
              key={g.name}
              role="menuitem"
              tabIndex={-1}
              onClick={run(() => actions.move?.(group, contact, g.name))}
              data-testid="menu-move"
              data-to={g.name}
            >
              {t('menu.moveTo', { group: g.name || t('defaultGroup') })}
            </button>
          ))}
      {actions.remove && (
        <button role="menuitem" tabIndex={-1} className="danger" onClick={run(() => actions.remove?.(group, contact))} data-testid="menu-remove">
          {t('common:remove')}
        </button>
      )}
    </div>
  );
}
