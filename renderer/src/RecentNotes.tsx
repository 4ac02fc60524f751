import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The menu button's arrow: a mark, not a word (the button is named "Recent notes"). */
const MENU_MARK = '▾';

/**
 * The "recent notes" menu button beside the status note: the notes used lately, newest first,
 * each published again with one click or Enter. A menu button rather than a datalist, because
 * a datalist hides every note that does not start with what is already in the field.
 */
export function RecentNotes({
  notes,
  current,
  onPick,
  open,
  setOpen,
}: {
  notes: string[];
  current: string;
  onPick: (note: string) => void;
  open: boolean;
  setOpen: (open: boolean) => void;
}) {
  const { t } = useTranslation('session');
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const [focusAt, setFocusAt] = useState(0);

  useEffect(() => {
    if (!open) return;
    const items = menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]');
    items?.[Math.min(focusAt, items.length - 1)]?.focus();
  }, [open, focusAt]);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => !menuRef.current?.contains(e.target as Node) && !buttonRef.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open, setOpen]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="recent-notes-button"
        data-testid="recent-notes"
        aria-label={t('recentNotes.label')}
        title={notes.length ? t('recentNotes.useAgain') : t('recentNotes.none')}
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={notes.length === 0}
        onClick={() => {
          setFocusAt(0);
          setOpen(!open);
        }}
      >
        {MENU_MARK}
      </button>
      {open && notes.length > 0 && (
        <div
          className="menu recent-notes-menu"
          role="menu"
          aria-label={t('recentNotes.label')}
          ref={menuRef}
          data-testid="recent-notes-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape' || e.key === 'Tab') {
              e.preventDefault();
              close();
            } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const n = notes.length;
              setFocusAt((i) => (i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
            } else if (e.key === 'Home' || e.key === 'End') {
              e.preventDefault();
              setFocusAt(e.key === 'Home' ? 0 : notes.length - 1);
            }
          }}
        >
          {notes.map((note, i) => (
            <button
              key={note}
              role="menuitemradio"
              aria-checked={note === current}
              tabIndex={i === focusAt ? 0 : -1}
              data-testid="recent-note"
              onClick={() => {
                close();
                onPick(note);
              }}
            >
              {note}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
