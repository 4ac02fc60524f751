import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryPerson } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { DialogForm } from './Dialog';
import './dialing.css';

/** Between a person's directory facts (title · email · number): data, not words. */
const FACT_SEPARATOR = ' · ';

/**
 * "Add a contact": type a user name or SIP address, or search the corporate directory by
 * name and pick a person. Directory errors stay in the dialog; typing an address still works.
 */
export function AddContactDialog({ api, group, onClose }: { api: DeskApi; group: string; onClose: () => void }) {
  const { t } = useTranslation(['buddies', 'common']);
  const [who, setWho] = useState('');
  const [nickname, setNickname] = useState('');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<DirectoryPerson[] | undefined>();
  const [searchError, setSearchError] = useState<string | undefined>();

  // Search as the user types (after a short pause, so every keystroke is not a request).
  useEffect(() => {
    const text = query.trim();
    if (text.length < 2) {
      setResults(undefined);
      setSearchError(undefined);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api
        .invoke('directory:search', text)
        .then((people) => current && (setResults(people), setSearchError(undefined)))
        .catch((e) => current && (setResults(undefined), setSearchError(errorText(e).message)));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, query]);

  const title = t('add.title', { group: group || t('defaultGroup') });
  return (
    <DialogForm
      title={title}
      testId="add-contact-dialog"
      submitLabel={t('common:add')}
      canSubmit={!!who.trim()}
      onSubmit={() => api.invoke('contacts:add', group, who, nickname)}
      onClose={onClose}
    >
      <label>
        {t('add.searchLabel')}
        <input autoFocus value={query} onChange={(e) => setQuery(e.target.value)} data-testid="directory-search" placeholder={t('add.searchPlaceholder')} />
      </label>
      {searchError && (
        <p className="error" role="alert" data-testid="directory-search-error">
          {searchError}
        </p>
      )}
      {results && results.length === 0 && (
        <p className="subtle" data-testid="directory-no-results">
          {t('add.noResults', { query: query.trim() })}
        </p>
      )}
      {results && results.length > 0 && (
        <ul className="directory-results" data-testid="directory-results">
          {results.map((p) => (
            <li key={p.userId}>
              <button
                type="button"
                data-testid="directory-result"
                data-user={p.userId}
                aria-pressed={who === p.userId}
                onClick={() => {
                  setWho(p.userId);
                  if (!nickname) setNickname(p.displayName);
                }}
              >
                <span className="contact-name">{p.displayName}</span>
                <span className="contact-note">{[p.title, p.email, p.phones[0]?.number].filter(Boolean).join(FACT_SEPARATOR)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <label>
        {t('add.who')}
        <input value={who} onChange={(e) => setWho(e.target.value)} data-testid="dialog-input" />
      </label>
      <label>
        {t('add.nickname')}
        <input value={nickname} onChange={(e) => setNickname(e.target.value)} data-testid="dialog-second" />
      </label>
    </DialogForm>
  );
}
