import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OWN_AVAILABILITIES, type AppError, type OwnAvailability, type OwnStatus as Own } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { presenceClass, presenceLabel } from './presence-look';
import { LongTermStatus } from './LongTermStatus';
import { RecentNotes } from './RecentNotes';

/**
 * The user's own status: availability, note (with recent notes) and long-term status. While
 * their phone is in a call, colleagues see "On the phone" instead of Available, Away or Busy;
 * the badge says so, and the chosen status comes back by itself after the call.
 */
export function OwnStatus({
  api,
  own,
  onThePhone,
  longTerm = true,
  onError,
}: {
  api: DeskApi;
  own: Own;
  onThePhone: boolean;
  /** The server keeps a long-term status (absent: it does). */
  longTerm?: boolean;
  onError: (error: AppError) => void;
}) {
  const { t } = useTranslation('session');
  const [note, setNote] = useState(own.note);
  useEffect(() => {
    setNote(own.note);
  }, [own.note]);
  const [recent, setRecent] = useState<string[]>([]);
  const [recentOpen, setRecentOpen] = useState(false);
  // The core adds a note to its recent list when it is published: read the list again then,
  // and when the menu opens (re-using a note moves it to the top without changing own.note).
  useEffect(() => {
    let live = true;
    api
      .invoke('presence:recent-notes')
      .then((notes) => live && setRecent(notes))
      .catch(() => live && setRecent([]));
    return () => {
      live = false;
    };
  }, [api, own.note, recentOpen]);
  const set = (status: Own) => api.invoke('presence:set-own', status).catch((e) => onError(errorText(e)));
  return (
    <div className="own-status">
      <span className={presenceClass(own.availability)} aria-hidden="true" />
      <select
        data-testid="own-status"
        aria-label={t('ownStatus.status')}
        value={own.availability}
        onChange={(e) => void set({ availability: e.target.value as OwnAvailability, note })}
      >
        {OWN_AVAILABILITIES.map((a) => (
          <option key={a} value={a}>
            {presenceLabel(a)}
          </option>
        ))}
      </select>
      <div className="own-note">
        <input
          data-testid="own-note"
          aria-label={t('ownStatus.note')}
          placeholder={t('ownStatus.notePlaceholder')}
          value={note}
          maxLength={512}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void set({ availability: own.availability, note });
            // Down arrow opens the recent notes, as in a combo box.
            else if (e.key === 'ArrowDown' && recent.length) {
              e.preventDefault();
              setRecentOpen(true);
            }
          }}
          onBlur={() => note !== own.note && void set({ availability: own.availability, note })}
        />
        <RecentNotes
          notes={recent}
          current={own.note}
          open={recentOpen}
          setOpen={setRecentOpen}
          onPick={(picked) => {
            setNote(picked);
            void set({ availability: own.availability, note: picked });
          }}
        />
      </div>
      {onThePhone && (own.availability === 'available' || own.availability === 'away' || own.availability === 'busy') && (
        <p className="own-on-the-phone" data-testid="own-on-the-phone" title={t('ownStatus.onThePhoneHint', { status: presenceLabel('on-the-phone') })}>
          <span className={presenceClass('on-the-phone')} aria-hidden="true" /> {t('ownStatus.onThePhone', { status: presenceLabel('on-the-phone') })}
        </p>
      )}
      {longTerm && <LongTermStatus api={api} onError={onError} />}
    </div>
  );
}
