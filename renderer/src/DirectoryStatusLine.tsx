import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryStatus } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import './dialing.css';

/** One line under the dial box when the directory could not be read (it never blocks anything else). */
export function DirectoryStatusLine({ api }: { api: DeskApi }) {
  const { t } = useTranslation('buddies');
  const [status, setStatus] = useState<DirectoryStatus | undefined>();
  useEffect(() => {
    const off = api.on('directory:status', setStatus);
    api
      .invoke('directory:status')
      .then((s) => setStatus((cur) => cur ?? s))
      .catch(() => undefined);
    return off;
  }, [api]);
  if (!status || status.state === 'not-configured') return null;
  return (
    <p
      className={`directory-status ${status.state === 'error' ? 'error' : 'subtle'}`}
      role={status.state === 'error' ? 'alert' : 'status'}
      data-testid="directory-status"
      data-state={status.state}
    >
      {status.state === 'error'
        ? status.message
          ? t('directory.error', { message: status.message })
          : t('directory.errorUnknown')
        : status.state === 'looking-up'
          ? t('directory.lookingUp')
          : t('directory.found', { count: status.found ?? 0 })}
    </p>
  );
}
