import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api';
import type { SectionProps } from '.';

/** Whether the server sets the user's presence from their calendar (get/set-calendaring). */
export function CalendarSection({ api }: SectionProps) {
  const { t } = useTranslation('settings');
  const [on, setOn] = useState<boolean | undefined>();
  const [error, setError] = useState<string | undefined>();
  /** Only the newest change's answer is shown: an older answer arriving late must not undo it. */
  const latest = useRef(0);
  useEffect(() => {
    api
      .invoke('calendar:get')
      .then(setOn)
      .catch((e) => setError(errorText(e).message));
  }, [api]);
  const toggle = (next: boolean) => {
    const before = on;
    const id = ++latest.current;
    setOn(next);
    setError(undefined);
    api
      .invoke('calendar:set', next)
      .then((v) => id === latest.current && setOn(v))
      .catch((e) => {
        if (id === latest.current) setOn(before);
        setError(errorText(e).message);
      });
  };
  return (
    <div data-testid="calendar">
      {on === undefined && !error && <p className="empty">{t('calendar.reading')}</p>}
      {on !== undefined && (
        <label className="settings-check">
          <input type="checkbox" data-testid="calendar-toggle" checked={on} onChange={(e) => toggle(e.target.checked)} />
          {t('calendar.meetingFromCalendar')}
        </label>
      )}
      {error && (
        <p className="error" role="alert" data-testid="calendar-error">
          {error}
        </p>
      )}
    </div>
  );
}
