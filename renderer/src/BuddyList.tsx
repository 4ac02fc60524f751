import { memo, useMemo, useState } from 'react';
import type { Contact, ContactGroup, Presence } from '../../shared/domain';
import { ContactMenu, type ContactActions } from './ContactMenu';
import { ONLINE, presenceClass, presenceLabel } from './presence-look';

const UNKNOWN: Presence = { availability: 'unknown', note: '', updatedAt: 0, devices: [] };

/** What the list can change on the server (absent: the list is read-only). */
export interface ListEditing {
  newGroup(): void;
  addContact(group: string): void;
  renameGroup(group: string): void;
  deleteGroup(group: string): void;
  contact: ContactActions;
}

const DRAG_TYPE = 'application/x-presence-desk-contact';

const ContactRow = memo(function ContactRow({
  group,
  contact,
  presence,
  unread,
  onOpen,
  onMenu,
}: {
  group: string;
  contact: Contact;
  presence: Presence;
  unread: number;
  onOpen: (uri: string) => void;
  onMenu?: (group: string, uri: string) => void;
}) {
  return (
    <li
      className="contact-row"
      draggable={!!onMenu}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ group, uri: contact.uri }));
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
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
      {onMenu && (
        <button className="row-more" aria-label={`More for ${contact.displayName}`} data-testid="contact-more" onClick={() => onMenu(group, contact.uri)}>
          ⋯
        </button>
      )}
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
  edit,
}: {
  groups: ContactGroup[];
  presence: Record<string, Presence>;
  unread: Record<string, number>;
  onOpen: (uri: string) => void;
  edit?: ListEditing;
}) {
  const [query, setQuery] = useState('');
  const [menu, setMenu] = useState<{ group: string; uri: string } | undefined>();
  const [dropTarget, setDropTarget] = useState<string | undefined>();
  const openMenu = useMemo(() => (edit ? (group: string, uri: string) => setMenu({ group, uri }) : undefined), [edit]);
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
          <section
            key={group.name}
            className={`group ${dropTarget === group.name ? 'group-drop' : ''}`}
            data-testid="group"
            data-name={group.name}
            onDragOver={(e) => {
              if (!edit || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
              e.preventDefault();
              setDropTarget(group.name);
            }}
            onDragLeave={() => setDropTarget(undefined)}
            onDrop={(e) => {
              setDropTarget(undefined);
              const raw = e.dataTransfer.getData(DRAG_TYPE);
              if (!edit || !raw) return;
              e.preventDefault();
              const { group: from, uri } = JSON.parse(raw) as { group: string; uri: string };
              const contact = groups.find((g) => g.name === from)?.contacts.find((c) => c.uri === uri);
              if (contact && from !== group.name) edit.contact.move(from, contact, group.name);
            }}
          >
            <div className="group-header-row">
              <button className="group-header" aria-expanded={!isCollapsed} onClick={() => setCollapsed((c) => ({ ...c, [group.name]: !c[group.name] }))}>
                <span className="chevron">{isCollapsed ? '▸' : '▾'}</span>
                <span className="group-name">{group.name || 'Contacts'}</span>
                <span className="group-count" data-testid="group-count">
                  {online}/{group.contacts.length}
                </span>
              </button>
              {edit && (
                <span className="group-actions">
                  <button aria-label={`Add a contact to ${group.name}`} title="Add a contact" data-testid="group-add-contact" onClick={() => edit.addContact(group.name)}>
                    +
                  </button>
                  <button aria-label={`Rename ${group.name}`} title="Rename group" data-testid="group-rename" onClick={() => edit.renameGroup(group.name)}>
                    ✎
                  </button>
                  <button aria-label={`Delete ${group.name}`} title="Delete group" data-testid="group-delete" onClick={() => edit.deleteGroup(group.name)}>
                    ×
                  </button>
                </span>
              )}
            </div>
            {!isCollapsed && (
              <ul>
                {group.contacts.map((c) => (
                  <ContactRow key={c.uri} group={group.name} contact={c} presence={presence[c.uri] ?? UNKNOWN} unread={unread[c.uri] ?? 0} onOpen={onOpen} onMenu={openMenu} />
                ))}
              </ul>
            )}
            {menu?.group === group.name && edit && (
              <ContactMenu
                group={group.name}
                contact={group.contacts.find((c) => c.uri === menu.uri)!}
                groups={groups}
                actions={edit.contact}
                onClose={() => setMenu(undefined)}
              />
            )}
          </section>
        );
      })}
      {groups.length === 0 && <p className="empty">No contacts yet.</p>}
      {edit && (
        <button className="link new-group" data-testid="new-group" onClick={edit.newGroup}>
          + New group
        </button>
      )}
    </nav>
  );
}
