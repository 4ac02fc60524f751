import { memo, useMemo, useState } from 'react';
import type { Contact, ContactGroup, Presence } from '../../shared/domain';
import { ONLINE, presenceClass, presenceLabel } from './presence-look';

const UNKNOWN: Presence = { availability: 'unknown', note: '', updatedAt: 0, devices: [] };

const ContactRow = memo(function ContactRow({
  contact,
  presence,
  unread,
  onOpen,
}: {
  contact: Contact;
  presence: Presence;
  unread: number;
  onOpen: (uri: string) => void;
}) {
  return (
    <li>
      <button
        className="contact"
        data-testid="contact"
        data-uri={contact.uri}
        data-availability={presence.availability}
        title={`${contact.uri} — ${presenceLabel(presence.availability)}`}
        onClick={() => onOpen(contact.uri)}
      >
        <span className={presenceClass(presence.availability)} aria-label={presenceLabel(presence.availability)} />
        <span className="contact-text">
          <span className="contact-name">{contact.displayName}</span>
          <span className="contact-note" data-testid="contact-note">
            {presence.note || presenceLabel(presence.availability)}
          </span>
        </span>
        {unread > 0 && <span className="badge" data-testid="unread">{unread}</span>}
      </button>
    </li>
  );
});

function matches(contact: Contact, query: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  return [contact.displayName, contact.nickname, contact.uri, contact.personaId, ...contact.numbers].some((f) => f.toLowerCase().includes(q));
}

export function BuddyList({
  groups,
  presence,
  unread,
  onOpen,
}: {
  groups: ContactGroup[];
  presence: Record<string, Presence>;
  unread: Record<string, number>;
  onOpen: (uri: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});
  const shown = useMemo(
    () => groups.map((g) => ({ ...g, contacts: g.contacts.filter((c) => matches(c, query)) })).filter((g) => !query || g.contacts.length > 0),
    [groups, query],
  );
  return (
    <nav className="buddy-list" aria-label="Contacts">
      <input className="search" data-testid="search" type="search" placeholder="Search contacts" value={query} onChange={(e) => setQuery(e.target.value)} />
      {shown.map((group) => {
        const online = group.contacts.filter((c) => ONLINE.has((presence[c.uri] ?? UNKNOWN).availability)).length;
        const isCollapsed = collapsed[group.name] && !query;
        return (
          <section key={group.name} className="group" data-testid="group" data-name={group.name}>
            <button className="group-header" aria-expanded={!isCollapsed} onClick={() => setCollapsed((c) => ({ ...c, [group.name]: !c[group.name] }))}>
              <span className="chevron">{isCollapsed ? '▸' : '▾'}</span>
              <span className="group-name">{group.name || 'Contacts'}</span>
              <span className="group-count" data-testid="group-count">
                {online}/{group.contacts.length}
              </span>
            </button>
            {!isCollapsed && (
              <ul>
                {group.contacts.map((c) => (
                  <ContactRow key={c.uri} contact={c} presence={presence[c.uri] ?? UNKNOWN} unread={unread[c.uri] ?? 0} onOpen={onOpen} />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      {groups.length === 0 && <p className="empty">No contacts yet.</p>}
    </nav>
  );
}
