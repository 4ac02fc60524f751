import { useEffect, useState } from 'react';
import type { Contact, RecentEntry } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { addressOwner } from './address-owner';
import { errorText } from './api';
import { numberOwner } from './number-owner';
import { useCall } from './use-call';
import './dialing.css';

function when(at: number): string {
  const d = new Date(at);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
}

const NO_CONTACTS: ReadonlyMap<string, Contact> = new Map();

/**
 * Calls and conversations: this session's and the server's recent-communications list. A call is
 * placed again with a click. Entries of people in the contact list show their name as the buddy
 * list does, with the number or address beside it. `contacts` is keyed by SIP address.
 */
export function Recent({ api, contacts = NO_CONTACTS }: { api: DeskApi; contacts?: ReadonlyMap<string, Contact> }) {
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
  if (!entries) return <p className="empty">Loading…</p>;
  if (entries.length === 0) return <p className="empty">No recent calls.</p>;
  const imBody = (r: RecentEntry) => {
    const owner = addressOwner(contacts, r.target);
    return (
      <>
        <span className="recent-icon" aria-hidden="true">
          ✉
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
        <span className="recent-when">{when(r.at)}</span>
      </>
    );
  };
  const callBody = (r: RecentEntry) => {
    const owner = numberOwner(contacts.values(), r.target, r.dialed);
    return (
      <>
        <span className="recent-icon" aria-hidden="true">
          ☎
        </span>
        <span className="contact-text">
          <span className="contact-name" data-testid="recent-name">
            {owner ? `${owner.contact.displayName} (${owner.phone.label})` : r.target}
          </span>
          <span className="contact-note">
            {owner ? `${r.target} · ` : ''}
            {r.dialed && r.dialed !== r.target ? `dialed ${r.dialed}` : ''}
            {r.rule ? ` (rule '${r.rule}')` : ''}
          </span>
        </span>
        <span className="recent-when">{when(r.at)}</span>
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
                title={hints[r.target]?.text ?? `Call ${r.target} again`}
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
