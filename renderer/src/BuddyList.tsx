/**
 * The buddy list: groups in the server's order, collapsible, with live presence, search, sort
 * and keyboard navigation, drawn as a virtualized list so 5,000 contacts cost the same DOM as 30.
 *
 * What a presence change costs: the store replaces only the changed contacts' `Presence`
 * objects, `flattenRows` recounts the groups in one pass, and only the visible rows whose
 * props changed re-render (`ContactRow` and `GroupHeader` are memoized on primitive props and
 * stable callbacks). Search keys are precomputed once per contact-list change (buddy-model.ts).
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CONTACT_DRAG_TYPE } from './contact-drag';
import { useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { Contact, ContactGroup, Presence } from '../../shared/domain';
import { filterGroups, flattenRows, indexGroups, presenceProgress, SORT_MODES, type Filtered, type Row, type SortMode } from './buddy-model';
import { ContactMenu, type ContactActions } from './ContactMenu';
import { groupLayout, rangeWithPinnedHeader } from './pinned-group';
import { presenceClass, presenceLabel, statusLine } from './presence-look';
import { Avatar } from './Avatar';

/** Marks drawn as glyphs, not words: each button or mark carries its words in aria-label or title. */
const MARK = { onPhone: '☎', more: '⋯', collapsed: '▸', expanded: '▾', add: '+', rename: '✎', remove: '×' } as const;

const UNKNOWN: Presence = { availability: 'unknown', note: '', updatedAt: 0, devices: [] };

/** What the list can change on the server (absent: the list is read-only). */
export interface ListEditing {
  newGroup?(): void;
  addContact(group: string): void;
  renameGroup?(group: string): void;
  deleteGroup?(group: string): void;
  contact: ContactActions;
}

const DRAG_TYPE = CONTACT_DRAG_TYPE;
/** Row heights in px; the CSS gives the rows exactly these heights so nothing needs measuring. */
const GROUP_ROW = 32;
const CONTACT_ROW = 46;
const rowSize = (row: Row | undefined) => (row?.kind === 'group' ? GROUP_ROW : CONTACT_ROW);
const COLLAPSED_KEY = 'presence-desk:collapsed-groups';
const SORT_KEY = 'presence-desk:buddy-sort';

function loadCollapsed(): Set<string> {
  try {
    const saved = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

function loadSort(): SortMode {
  try {
    const saved = localStorage.getItem(SORT_KEY);
    return SORT_MODES.find((m) => m === saved) ?? 'name';
  } catch {
    return 'name';
  }
}

function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage can be full or disabled; the choice then lasts for this session only.
  }
}

const rowId = (index: number) => `buddy-row-${index}`;

const ContactRow = memo(function ContactRow({
  id,
  rowKey,
  top,
  group,
  contact,
  presence,
  unread,
  active,
  menu,
  onPick,
  onMenu,
}: {
  id: string;
  rowKey: string;
  top: number;
  group: string;
  contact: Contact;
  presence: Presence;
  unread: number;
  active: boolean;
  menu: ReactNode;
  onPick: (key: string, uri: string) => void;
  onMenu?: (group: string, uri: string, key: string) => void;
}) {
  const { t } = useTranslation(['buddies', 'common']);
  const label = presenceLabel(presence.availability);
  const onPhone = presence.availability === 'on-the-phone' || presence.devices.some((d) => d.availability === 'on-the-phone');
  return (
    <li
      id={id}
      role="treeitem"
      aria-level={2}
      aria-selected={active}
      aria-label={
        presence.note
          ? t('row.labelWithNote', { name: contact.displayName, status: label, note: presence.note })
          : t('row.label', { name: contact.displayName, status: label })
      }
      className={`contact-row brow${active ? ' row-active' : ''}${menu ? ' menu-open' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      draggable={!!onMenu}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ group, uri: contact.uri }));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onContextMenu={(e) => {
        if (!onMenu) return;
        e.preventDefault();
        onMenu(group, contact.uri, rowKey);
      }}
    >
      <button
        className="contact"
        tabIndex={-1}
        data-testid="contact"
        data-uri={contact.uri}
        data-availability={presence.availability}
        title={t('row.title', { address: contact.uri, status: label })}
        onClick={() => onPick(rowKey, contact.uri)}
      >
        <Avatar name={contact.displayName} photo={contact.photo} size="small">
          <span className={presenceClass(presence.availability)} aria-hidden="true" />
        </Avatar>
        <span className="contact-text">
          <span className="contact-name">{contact.displayName}</span>
          <span className="contact-note" data-testid="contact-note">
            {statusLine(presence)}
          </span>
        </span>
        {onPhone && (
          <span className="on-phone" data-testid="on-phone" title={t('common:availability.on-the-phone')} aria-hidden="true">
            {MARK.onPhone}
          </span>
        )}
        {unread > 0 && (
          <span className="badge" data-testid="unread">
            {unread}
          </span>
        )}
      </button>
      {onMenu && (
        <button
          className="row-more"
          tabIndex={-1}
          aria-haspopup="menu"
          aria-expanded={!!menu}
          aria-label={t('row.more', { name: contact.displayName })}
          data-testid="contact-more"
          onClick={() => onMenu(group, contact.uri, rowKey)}
        >
          {MARK.more}
        </button>
      )}
      {menu}
    </li>
  );
});

/**
 * A group's header inside a box as tall as the whole group: the header sticks to the top of the
 * list while the group scrolls by, and the next group's header pushes it out (see pinned-group.ts).
 */
const GroupHeader = memo(function GroupHeader({
  id,
  rowKey,
  top,
  span,
  pinned,
  group,
  online,
  total,
  collapsed,
  active,
  edit,
  onToggle,
}: {
  id: string;
  rowKey: string;
  top: number;
  /** Height of the whole group in px: how far the header can stay pinned. */
  span: number;
  /** Its group has scrolled under the top of the list, so the header is drawn over rows. */
  pinned: boolean;
  group: string;
  online: number;
  total: number;
  collapsed: boolean;
  active: boolean;
  edit?: ListEditing;
  onToggle: (group: string, key: string) => void;
}) {
  const { t } = useTranslation('buddies');
  // The group without a name is the app's own default group: its name is ours to translate.
  const name = group || t('defaultGroup');
  return (
    // Placed with `top`, not a transform: sticky positions are worked out before transforms apply.
    <div role="none" className="group-span" style={{ top, height: span }}>
      <div
        id={id}
        role="treeitem"
        aria-level={1}
        aria-expanded={!collapsed}
        aria-selected={active}
        aria-label={t('group.label', { name, online, count: total })}
        className={`group-header-row${active ? ' row-active' : ''}${pinned ? ' group-pinned' : ''}`}
        data-testid="group-header"
      >
        <button className="group-header" tabIndex={-1} aria-expanded={!collapsed} data-testid="group-toggle" onClick={() => onToggle(group, rowKey)}>
          <span className="chevron" aria-hidden="true">
            {collapsed ? MARK.collapsed : MARK.expanded}
          </span>
          <span className="group-name">{name}</span>
          <span className="group-count" data-testid="group-count">
            {online}/{total}
          </span>
        </button>
        {edit && (
          <span className="group-actions">
            <button
              aria-label={t('group.addContact', { name })}
              title={t('group.addContactHint')}
              data-testid="group-add-contact"
              onClick={() => edit.addContact(group)}
            >
              {MARK.add}
            </button>
            {edit.renameGroup && (
              <button
                aria-label={t('group.rename', { name })}
                title={t('group.renameHint')}
                data-testid="group-rename"
                onClick={() => edit.renameGroup?.(group)}
              >
                {MARK.rename}
              </button>
            )}
            {edit.deleteGroup && (
              <button
                aria-label={t('group.delete', { name })}
                title={t('group.deleteHint')}
                data-testid="group-delete"
                onClick={() => edit.deleteGroup?.(group)}
              >
                {MARK.remove}
              </button>
            )}
          </span>
        )}
      </div>
    </div>
  );
});

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
  const { t, i18n } = useTranslation('buddies');
  const language = i18n.language;
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortMode>(loadSort);
  const [collapsed, setCollapsed] = useState<Set<string>>(loadCollapsed);
  const [menu, setMenu] = useState<{ group: string; uri: string } | undefined>();
  const [dropTarget, setDropTarget] = useState<string | undefined>();
  const [activeKey, setActiveKey] = useState<string | undefined>();
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Search keys are rebuilt only when the contact list itself changes, never per keystroke.
  // Name order follows the UI's language (its collation), so a language change re-sorts too.
  const index = useMemo(() => indexGroups(groups, language), [groups, language]);
  const lastFilter = useRef<{ index: typeof index; result: Filtered } | undefined>(undefined);
  const filtered = useMemo(() => {
    const prev = lastFilter.current?.index === index ? lastFilter.current.result : undefined;
    const result = filterGroups(index, query, prev);
    lastFilter.current = { index, result };
    return result;
  }, [index, query]);
  const rows = useMemo(() => flattenRows(filtered, { sort, collapsed, presence }), [filtered, sort, collapsed, presence]);
  const progress = useMemo(() => presenceProgress(groups, presence), [groups, presence]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const searchingRef = useRef(false);
  searchingRef.current = !!filtered.query;
  const layout = useMemo(() => groupLayout(rows, rowSize), [rows]);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => rowSize(rowsRef.current[i]),
    getItemKey: (i) => rowsRef.current[i]?.key ?? i,
    overscan: 8,
    rangeExtractor: useCallback((range: Range) => rangeWithPinnedHeader(layout.headers, range), [layout]),
    // Rows reached from the keyboard come to rest below the pinned header, not under it.
    scrollPaddingStart: GROUP_ROW,
  });

  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [query, sort]);

  // Ctrl+K (Cmd+K) from anywhere in the window goes to the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const toggleGroup = useCallback((group: string, key?: string) => {
    if (key) setActiveKey(key);
    // Collapsing a group scrolled under its pinned header brings the header back to its own
    // place, so the list does not jump to whatever rows follow at the old scroll position.
    // (While searching every group stays open, so nothing collapses and nothing moves.)
    const header = rowsRef.current.findIndex((r) => r.kind === 'group' && r.group === group);
    const start = layoutRef.current.starts.get(header) ?? 0;
    const scroller = scrollRef.current;
    const row = rowsRef.current[header];
    if (row?.kind === 'group' && !row.collapsed && !searchingRef.current && scroller && scroller.scrollTop > start) scroller.scrollTop = start;
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(group)) next.delete(group);
      else next.add(group);
      save(COLLAPSED_KEY, JSON.stringify([...next]));
      return next;
    });
  }, []);
  const pick = useCallback(
    (key: string, uri: string) => {
      setActiveKey(key);
      onOpen(uri);
    },
    [onOpen],
  );
  const openMenu = useMemo(
    () =>
      edit
        ? (group: string, uri: string, key: string) => {
            setActiveKey(key);
            setMenu({ group, uri });
          }
        : undefined,
    [edit],
  );
  const closeMenu = useCallback(() => setMenu(undefined), []);
  // The menu takes the focus when it opens (ContactMenu). Closing it removed the focused item:
  // the focus goes back to the list, on the contact's row (still the active row).
  const hadMenu = useRef(false);
  useEffect(() => {
    if (!menu && hadMenu.current && (document.activeElement === document.body || !document.activeElement)) scrollRef.current?.focus();
    hadMenu.current = !!menu;
  }, [menu]);
  const changeSort = (next: SortMode) => {
    setSort(next);
    save(SORT_KEY, next);
  };

  const activeIndex = activeKey === undefined ? -1 : rows.findIndex((r) => r.key === activeKey);
  const moveTo = (i: number) => {
    const target = Math.max(0, Math.min(rows.length - 1, i));
    const row = rows[target];
    if (!row) return;
    setActiveKey(row.key);
    virtualizer.scrollToIndex(target, { align: 'auto' });
  };

  const onListKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    // Keys in an open contact menu belong to the menu (Enter activates its item).
    if ((e.target as HTMLElement).closest('[role="menu"]')) return;
    const row = rows[activeIndex];
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / CONTACT_ROW) - 1);
    switch (e.key) {
      case 'ArrowDown':
        moveTo(activeIndex < 0 ? 0 : activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex < 0 ? 0 : activeIndex - 1);
        break;
      case 'PageDown':
        moveTo(activeIndex + page);
        break;
      case 'PageUp':
        moveTo(activeIndex - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        if (!row) return;
        if (row.kind === 'contact') onOpen(row.contact.uri);
        else toggleGroup(row.group);
        break;
      case 'ArrowLeft':
        if (row?.kind === 'group' && !row.collapsed) toggleGroup(row.group);
        else if (row?.kind === 'contact') moveTo(rows.findIndex((r) => r.kind === 'group' && r.group === row.group));
        else return;
        break;
      case 'ArrowRight':
        if (row?.kind === 'group' && row.collapsed) toggleGroup(row.group);
        else return;
        break;
      case 'ContextMenu':
        if (row?.kind !== 'contact' || !openMenu) return;
        openMenu(row.group, row.contact.uri, row.key);
        break;
      case 'F10':
        if (!e.shiftKey || row?.kind !== 'contact' || !openMenu) return;
        openMenu(row.group, row.contact.uri, row.key);
        break;
      default:
        // Typing a name while the list has focus starts a search with that letter.
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && e.key.trim()) {
          setQuery((q) => q + e.key);
          searchRef.current?.focus();
          break;
        }
        return;
    }
    e.preventDefault();
  };

  const items = virtualizer.getVirtualItems();
  // Known at each re-render (the visible range changed): enough to shade the pinned header.
  const scrolled = virtualizer.scrollOffset ?? 0;
  // Visible rows, gathered per group so each group keeps one element (drop target, selectors).
  const sections: Array<{ group: string; items: Array<{ row: Row; index: number; start: number }> }> = [];
  for (const item of items) {
    const row = rows[item.index];
    if (!row) continue;
    const last = sections[sections.length - 1];
    if (last && last.group === row.group) last.items.push({ row, index: item.index, start: item.start });
    else sections.push({ group: row.group, items: [{ row, index: item.index, start: item.start }] });
  }
  const menuContact = menu && groups.find((g) => g.name === menu.group)?.contacts.find((c) => c.uri === menu.uri);
  const loading = progress.total > 0 && progress.known < progress.total;

  return (
    <nav className="buddy-list" aria-label={t('list.label')}>
      <div className="list-tools">
        <input
          ref={searchRef}
          className="search"
          data-testid="search"
          type="search"
          placeholder={t('list.searchPlaceholder')}
          aria-label={t('list.searchLabel')}
          aria-keyshortcuts="Control+K"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && rows.length) {
              e.preventDefault();
              const first = rows.findIndex((r) => r.kind === 'contact');
              scrollRef.current?.focus();
              moveTo(first < 0 ? 0 : first);
            } else if (e.key === 'Enter') {
              const first = rows.find((r) => r.kind === 'contact');
              if (first?.kind === 'contact') onOpen(first.contact.uri);
            } else if (e.key === 'Escape' && query) {
              e.preventDefault();
              setQuery('');
            }
          }}
        />
        <div className="sort-toggle" role="group" aria-label={t('list.sortLabel')}>
          <button aria-pressed={sort === 'name'} data-testid="sort-name" onClick={() => changeSort('name')}>
            {t('list.sortName')}
          </button>
          <button aria-pressed={sort === 'status'} data-testid="sort-status" onClick={() => changeSort('status')}>
            {t('list.sortStatus')}
          </button>
          <button aria-pressed={sort === 'server'} data-testid="sort-server" title={t('list.sortServerHint')} onClick={() => changeSort('server')}>
            {t('list.sortServer')}
          </button>
        </div>
      </div>
      {loading && (
        <div className="presence-loading" role="status" data-testid="presence-loading">
          <span>{t('list.loadingPresence', { known: progress.known, count: progress.total })}</span>
          <progress max={progress.total} value={progress.known} aria-label={t('list.presenceLoaded')} />
        </div>
      )}
      <div
        ref={scrollRef}
        className="buddy-scroll"
        role="tree"
        aria-label={t('list.label')}
        tabIndex={0}
        data-testid="buddy-scroll"
        aria-activedescendant={activeIndex >= 0 && items.some((i) => i.index === activeIndex) ? rowId(activeIndex) : undefined}
        onKeyDown={onListKey}
      >
        <div className="buddy-rows" style={{ height: virtualizer.getTotalSize() }}>
          {sections.map((section) => (
            <section
              key={section.group}
              role="none"
              className={`group${dropTarget === section.group ? ' group-drop' : ''}`}
              data-testid="group"
              data-name={section.group}
              onDragOver={(e) => {
                if (!edit || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
                e.preventDefault();
                setDropTarget(section.group);
              }}
              onDragLeave={() => setDropTarget(undefined)}
              onDrop={(e) => {
                setDropTarget(undefined);
                const raw = e.dataTransfer.getData(DRAG_TYPE);
                if (!edit || !raw) return;
                e.preventDefault();
                const { group: from, uri } = JSON.parse(raw) as { group: string; uri: string };
                const contact = groups.find((g) => g.name === from)?.contacts.find((c) => c.uri === uri);
                if (contact && from !== section.group) edit.contact.move?.(from, contact, section.group);
              }}
            >
              {section.items.map(({ row, index, start }) =>
                row.kind === 'group' ? (
                  <GroupHeader
                    key={row.key}
                    id={rowId(index)}
                    rowKey={row.key}
                    top={start}
                    span={layout.spans.get(index) ?? GROUP_ROW}
                    pinned={scrolled > start && scrolled < start + (layout.spans.get(index) ?? GROUP_ROW)}
                    group={row.group}
                    online={row.online}
                    total={row.total}
                    collapsed={row.collapsed}
                    active={index === activeIndex}
                    edit={edit}
                    onToggle={toggleGroup}
                  />
                ) : null,
              )}
              <ul role="none">
                {section.items.map(({ row, index, start }) =>
                  row.kind === 'contact' ? (
                    <ContactRow
                      key={row.key}
                      id={rowId(index)}
                      rowKey={row.key}
                      top={start}
                      group={row.group}
                      contact={row.contact}
                      presence={presence[row.contact.uri] ?? UNKNOWN}
                      unread={unread[row.contact.uri] ?? 0}
                      active={index === activeIndex}
                      menu={
                        edit && menuContact && menu?.group === row.group && menu.uri === row.contact.uri ? (
                          <ContactMenu group={row.group} contact={menuContact} groups={groups} actions={edit.contact} onClose={closeMenu} />
                        ) : undefined
                      }
                      onPick={pick}
                      onMenu={openMenu}
                    />
                  ) : null,
                )}
              </ul>
            </section>
          ))}
        </div>
        {groups.length === 0 && <p className="empty">{t('list.empty')}</p>}
        {groups.length > 0 && query.trim() && rows.length === 0 && (
          <p className="empty" data-testid="no-match">
            {t('list.noMatch', { query: query.trim() })}
          </p>
        )}
      </div>
      {edit?.newGroup && (
        <button className="link new-group" data-testid="new-group" onClick={edit.newGroup}>
          {t('list.newGroup')}
        </button>
      )}
    </nav>
  );
}
