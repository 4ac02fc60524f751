import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Contact, RecentEntry } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { addressOwner } from './address-owner';
import { errorText } from './api';
import { numberOwner } from './number-owner';
import { useCall } from './use-call';
import { whenText } from './when-text';
import './dialing.css';

/** The pictures that tell a message from a call at a glance; their words are the icons' accessible names. */
const KIND_ICON = { im: '✉', call: '☎' } as const;

/**
 * The line under a call: the number when the name of its contact is shown above it, then what was
 * dialed when the rules changed it and the rule that did. Whole phrases per case, since the words
 * around the number and the rule are ordered differently in each language.
 */
function callNote(t: TFunction<'chat'>, r: RecentEntry, ownerShown: boolean): string {
  const dialed = r.dialed && r.dialed !== r.target ? r.dialed : undefined;
  const how = dialed
    ? r.rule
      ? t('recent.dialedByRule', { number: dialed, rule: r.rule })
      : t('recent.dialed', { number: dialed })
    : r.rule
      ? t('recent.rule', { rule: r.rule })
      : undefined;
  return [ownerShown ? r.target : undefined, how].filter(Boolean).join(' · ');
}

const NO_CONTACTS: ReadonlyMap<string, Contact> = new Map();

/**
 * Calls and conversations: this session's and the server's recent-communications list. A call is
 * placed again with a click. Entries of people in the contact list show their name as the buddy
 * list does, with the number or address beside it. `contacts` is keyed by SIP address.
 */
export function Recent({ api, contacts = NO_CONTACTS }: { api: DeskApi; contacts?: ReadonlyMap<string, Contact> }) {
  const { t } = useTranslation(['chat', 'common']);
  const [entries, setEntries] = useState<RecentEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const { hints, preview, call, outcome, busy } = useCall(api);
  useEffect(() => {
    api
      .invoke('recent:list')
      .then(setEntries)
      .catch((e) => setError(errorText(e).message));
    return api.on('recent:added', (entry) => setEntries((list) => [entry, ...(list ?? []).filter((x) => x.id !== entry.id)]));
  }, [api]);
  if (error) return <p className="error">{error}</p>;
  if (!entries) return <p className="empty">{t('common:loading')}</p>;
  if (entries.length === 0) return <p className="empty">{t('recent.empty')}</p>;
  const imBody = (r: RecentEntry) => {
    const owner = addressOwner(contacts, r.target);
    return (
      <>
        <span className="recent-icon" role="img" aria-label={t('recent.kind.im')}>
          {KIND_ICON.im}
        </span>
        <span className="contact-text" title={r.target}>
          <span className="contact-name" data-testid="recent-name">
            {owner ? owner.displayName : r.target}
          </span>
          {owner && (
            <span className="contact-note" data-testid="recent-address">
              {r.target}
            </span>
          )}
        </span>
        <span className="recent-when">{whenText(r.at)}</span>
      </>
    );
  };
  const callBody = (r: RecentEntry) => {
    const owner = numberOwner(contacts.values(), r.target, r.dialed);
    return (
      <>
        <span className="recent-icon" role="img" aria-label={t('recent.kind.call')}>
          {KIND_ICON.call}
        </span>
        <span className="contact-text">
          <span className="contact-name" data-testid="recent-name">
            {owner ? t('recent.phoneOwner', { name: owner.contact.displayName, label: owner.phone.label }) : r.target}
          </span>
          <span className="contact-note">{callNote(t, r, owner !== undefined)}</span>
        </span>
        <span className="recent-when">{whenText(r.at)}</span>
      </>
    );
  };
  return (
    <>
      {outcome && (
        <p
          className={outcome.ok ? 'dial-ok directory-status' : 'error'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="recent-call-result"
          data-ok={outcome.ok}
        >
          {outcome.text}
        </p>
      )}
      <ul className="recent">
        {entries.map((r) => (
          <li key={r.id} data-testid="recent-entry" data-kind={r.kind} data-dialed={r.dialed ?? ''}>
            {r.kind === 'call' && r.target ? (
              <button
                className="recent-call"
                data-testid="recent-call"
                disabled={busy}
                title={hints[r.target]?.text ?? t('recent.callAgain', { target: r.target })}
                onMouseEnter={() => preview(r.target)}
                onFocus={() => preview(r.target)}
                onClick={() => void call(r.target)}
              >
                {callBody(r)}
              </button>
            ) : r.kind === 'im' ? (
              imBody(r)
            ) : (
              callBody(r)
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
