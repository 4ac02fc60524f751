import { useEffect } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Contact, PhoneNumber, Presence } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { presenceClass, presenceLabel } from './presence-look';
import { useCall } from './use-call';
import { planError } from './dial-plan-text';
import { Avatar } from './Avatar';
import './dialing.css';

/** The close button's glyph; the button's words are its aria-label. */
const CLOSE_MARK = '×';

/** "Away — Back at 3": a status with the note its owner wrote, when there is one. */
function withNote(t: TFunction<['buddies', 'common']>, status: string, note: string | undefined): string {
  return note ? t('card.statusWithNote', { status, note }) : status;
}

/**
 * Everything known about a contact: addresses, numbers from the directory (hover shows what
 * will be dialed and by which rule, a click calls), presence per device, Chat and Call.
 * Every value is a React text node: directory and presence text never becomes markup.
 */
export function ContactCard({
  api,
  contact,
  presence,
  onChat,
  onClose,
}: {
  api: DeskApi;
  contact: Contact;
  presence: Presence | undefined;
  /** Absent where the server carries no instant messages: no Chat button. */
  onChat?: (uri: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation(['buddies', 'common']);
  const { hints, preview, call, outcome, busy } = useCall(api);
  const phones: PhoneNumber[] = contact.phones ?? contact.numbers.map((number) => ({ label: 'work', number }));
  const first = phones.find((p) => !p.error);
  // The first number's preview is shown on the Call button from the start.
  useEffect(() => {
    if (first) preview(first.number);
  }, [first, preview]);
  const availability = presence?.availability ?? 'unknown';
  return (
    <div
      className="dialog-backdrop"
      role="presentation"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <section
        className="dialog contact-card"
        role="dialog"
        aria-label={t('card.label', { name: contact.displayName })}
        data-testid="contact-card"
        data-uri={contact.uri}
      >
        <header className="card-header">
          <Avatar name={contact.displayName} photo={contact.photo} size="large">
            <span className={presenceClass(availability)} />
          </Avatar>
          <div>
            <h3 data-testid="card-name">{contact.displayName}</h3>
            {contact.title && (
              <p className="subtle" data-testid="card-title">
                {contact.title}
              </p>
            )}
            {contact.directoryName && contact.directoryName !== contact.displayName && <p className="subtle">{contact.directoryName}</p>}
          </div>
          <button className="link card-close" aria-label={t('common:close')} data-testid="card-close" autoFocus onClick={onClose}>
            {CLOSE_MARK}
          </button>
        </header>
        <h4>{t('card.addresses')}</h4>
        <dl className="card-facts">
          <dt>SIP</dt>
          <dd data-testid="card-sip">{contact.uri.replace(/^sip:/, '')}</dd>
          {contact.email && (
            <>
              <dt>{t('card.email')}</dt>
              <dd data-testid="card-email">{contact.email}</dd>
            </>
          )}
        </dl>
        <h4>{t('card.numbers')}</h4>
        {phones.length === 0 ? (
          <p className="subtle" data-testid="card-no-numbers">
            {t('card.noNumbers', { name: contact.displayName })}
          </p>
        ) : (
          <ul className="card-numbers">
            {phones.map((p) => (
              <li key={`${p.label}:${p.number}`}>
                <span className="card-label">{t(`phoneLabel.${p.label}`)}</span>
                {p.error ? (
                  <span className="card-unusable" data-testid="card-number-unusable" title={planError(p)}>
                    {p.number}
                  </span>
                ) : (
                  <button
                    className="number-link"
                    data-testid="card-number"
                    data-number={p.number}
                    title={hints[p.number]?.text ?? t('card.callNumber')}
                    onMouseEnter={() => preview(p.number)}
                    onFocus={() => preview(p.number)}
                    disabled={busy}
                    onClick={() => void call(p.number)}
                  >
                    {p.number}
                  </button>
                )}
                {p.lookupRule && (
                  <span className="card-hint" data-testid="card-number-lookup" title={t('card.lookupHint')}>
                    {t('card.lookup', { lookup: p.lookup, rule: p.lookupRule })}
                  </span>
                )}
                {hints[p.number] && (
                  <span className={`card-hint ${hints[p.number].error ? 'dial-preview-error' : ''}`} data-testid="card-number-hint" data-number={p.number}>
                    {hints[p.number].text}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        {outcome && (
          <p className={outcome.ok ? 'dial-ok' : 'error'} role={outcome.ok ? 'status' : 'alert'} data-testid="card-call-result" data-ok={outcome.ok}>
            {outcome.text}
          </p>
        )}
        <h4>{t('card.presence')}</h4>
        <p className="subtle" data-testid="card-presence">
          {withNote(t, presenceLabel(availability), presence?.note)}
        </p>
        {(presence?.devices.length ?? 0) > 0 && (
          <ul className="card-devices">
            {presence!.devices.map((d) => (
              <li key={d.id} data-testid="card-device">
                <span className={presenceClass(d.availability)} />
                <span>{d.source || d.id}</span>
                <span className="subtle">{withNote(t, presenceLabel(d.availability), d.note)}</span>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-buttons">
          {onChat && (
            <button
              data-testid="card-chat"
              onClick={() => {
                onChat(contact.uri);
                onClose();
              }}
            >
              {t('card.chat')}
            </button>
          )}
          <button
            data-testid="card-call"
            disabled={!first || busy}
            title={first ? hints[first.number]?.text : t('card.noNumberToCall')}
            onClick={() => first && void call(first.number)}
          >
            {t('common:call')}
          </button>
        </div>
      </section>
    </div>
  );
}
