import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhoneRequest, PhoneState } from '../../shared/domain';
import { offers } from './CallRow';

/**
 * Beside the user's own status: where the desk phone forwards all calls and whether its do not
 * disturb is on, as the CTI gateway reports them, with Forward calls… / Stop forwarding and the
 * phone's DND switch, each only when the gateway offers it.
 */
export function PhoneStatusLine({ phone, request }: { phone: PhoneState; request: (r: PhoneRequest) => Promise<void> }) {
  const { t } = useTranslation('phone');
  const [entry, setEntry] = useState<string | undefined>();
  if (phone.link !== 'monitoring') return null;
  const canForward = offers(phone, 'setForwarding');
  const canDnd = offers(phone, 'setDoNotDisturb');
  if (!canForward && !canDnd && !phone.forwardTo && !phone.phoneDnd) return null;
  return (
    <div className="phone-status subtle" data-testid="phone-status">
      {phone.forwardTo ? (
        <span data-testid="phone-forwarding">
          {t('status.forwardsTo', { number: phone.forwardTo })}
          {canForward && (
            <button className="link" data-testid="phone-forward-stop" onClick={() => void request({ service: 'setForwarding' })}>
              {t('status.stopForwarding')}
            </button>
          )}
        </span>
      ) : (
        canForward &&
        (entry === undefined ? (
          <button className="link" data-testid="phone-forward" onClick={() => setEntry('')}>
            {t('status.forwardCalls')}
          </button>
        ) : (
          <form
            className="call-entry"
            onSubmit={(e) => {
              e.preventDefault();
              void request({ service: 'setForwarding', to: entry }).then(() => setEntry(undefined));
            }}
          >
            <input
              autoFocus
              data-testid="phone-forward-to"
              aria-label={t('status.forwardTo')}
              placeholder={t('status.forwardTo')}
              value={entry}
              onChange={(e) => setEntry(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setEntry(undefined)}
            />
            <button type="submit" data-testid="phone-forward-go" disabled={!entry.trim()}>
              {t('status.forward')}
            </button>
          </form>
        ))
      )}
      {canDnd ? (
        <label className="phone-dnd">
          <input
            type="checkbox"
            data-testid="phone-dnd"
            checked={phone.phoneDnd ?? false}
            onChange={(e) => void request({ service: 'setDoNotDisturb', on: e.target.checked })}
          />
          {t('status.dnd')}
        </label>
      ) : (
        phone.phoneDnd && <span data-testid="phone-dnd-on">{t('status.dndOn')}</span>
      )}
    </div>
  );
}
