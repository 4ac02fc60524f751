import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrivacyRule, PrivacySettings } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';
import { useWatchers } from '../WatcherPrompts';
import { isOfferedVisibility, visibilityLabel, VISIBILITIES } from './labels';
import { PresenceRules } from './PresenceRules';
import { ReachabilityEditor } from './ReachabilityEditor';

/**
 * Who may see my presence: the server's presence rules, each with a list of watchers (its
 * ACL). Changes show at once and go back, with the server's words, if the server refuses.
 */
export function PrivacySection({ api }: SectionProps) {
  const { t } = useTranslation(['settings', 'common']);
  // A SIMPLE server keeps pres-rules instead of CUPS's rules and ACLs.
  const watchers = useWatchers(api);
  const [privacy, setPrivacy] = useState<PrivacySettings | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [ruleName, setRuleName] = useState('');
  const [visibility, setVisibility] = useState('none');
  const [adding, setAdding] = useState<Record<string, string>>({});
  /** The rule whose reachability conditions are being edited, if any. */
  const [editing, setEditing] = useState<string | undefined>();
  /** Only the newest change's answer is shown: an older answer arriving late must not undo it. */
  const latest = useRef(0);

  useEffect(() => {
    const load = () =>
      api
        .invoke('privacy:get')
        .then(setPrivacy)
        .catch((e) => setError(errorText(e).message));
    load();
    // The server said the rules or their watchers changed (another client, the administrator): read them again.
    let seen: number | undefined;
    return api.on('config:state', (state) => {
      if (seen !== undefined && state.privacyVersion !== seen) load();
      seen = state.privacyVersion;
    });
  }, [api]);

  /** Shows `optimistic` now; the server's answer replaces it, a refusal restores what was. */
  const change = (optimistic: (p: PrivacySettings) => PrivacySettings, send: () => Promise<PrivacySettings>) => {
    if (!privacy) return;
    const before = privacy;
    const id = ++latest.current;
    setError(undefined);
    setPrivacy(optimistic(structuredClone(before)));
    send()
      .then((p) => id === latest.current && setPrivacy(p))
      .catch((e) => {
        if (id === latest.current) setPrivacy(before);
        setError(errorText(e).message);
      });
  };
  const withRule = (name: string, edit: (r: PrivacyRule) => void) => (p: PrivacySettings) => {
    const rule = p.rules.find((r) => r.name === name);
    if (rule) edit(rule);
    return p;
  };

  const addRule = (e: FormEvent) => {
    e.preventDefault();
    const name = ruleName.trim();
    if (!name) return;
    setRuleName('');
    change(
      (p) => ({ ...p, rules: [...p.rules.filter((r) => r.name !== name), { name, visibility, excludedSources: [], watchers: [] }] }),
      () => api.invoke('privacy:set-rule', { name, visibility }),
    );
  };
  const addWatcher = (rule: string) => {
    const who = (adding[rule] ?? '').trim();
    if (!who) return;
    setAdding((a) => ({ ...a, [rule]: '' }));
    change(
      withRule(rule, (r) => r.watchers.push(who)),
      () => api.invoke('privacy:add-watcher', rule, who),
    );
  };

  if (watchers?.available) return <PresenceRules api={api} state={watchers} />;
  if (!privacy) {
    return error ? (
      <p className="error" role="alert" data-testid="privacy-error">
        {error}
      </p>
    ) : (
      <p className="empty">{t('privacy.reading')}</p>
    );
  }
  // The server's default for everyone else: named as the rules' choices are, else in the server's words.
  const everyoneElse = privacy.visibility ? visibilityLabel(privacy.visibility) : t('privacy.asServerDecides');
  return (
    <div className="privacy" data-testid="privacy">
      <p className="settings-hint">
        {privacy.privacyPolicy
          ? t('privacy.everyoneElseWithPolicy', { visibility: everyoneElse, policy: privacy.privacyPolicy })
          : t('privacy.everyoneElse', { visibility: everyoneElse })}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="privacy-error">
          {error}
        </p>
      )}
      {privacy.rules.length === 0 && <p>{t('privacy.noRules')}</p>}
      {privacy.rules.map((rule) => (
        <section key={rule.name} className="privacy-rule" data-testid="privacy-rule" data-name={rule.name}>
          <header className="privacy-rule-header">
            <strong>{rule.name}</strong>
            <select
              aria-label={t('privacy.ruleVisibility', { rule: rule.name })}
              data-testid="rule-visibility"
              value={rule.visibility}
              onChange={(e) => {
                const v = e.target.value;
                change(
                  withRule(rule.name, (r) => (r.visibility = v)),
                  () => api.invoke('privacy:set-rule', { name: rule.name, visibility: v, excludedSources: rule.excludedSources }),
                );
              }}
            >
              {VISIBILITIES.map((v) => (
                <option key={v} value={v}>
                  {visibilityLabel(v)}
                </option>
              ))}
              {!isOfferedVisibility(rule.visibility) && <option value={rule.visibility}>{visibilityLabel(rule.visibility)}</option>}
            </select>
            <button
              className="link"
              data-testid="rule-delete"
              onClick={() =>
                change(
                  (p) => ({ ...p, rules: p.rules.filter((r) => r.name !== rule.name) }),
                  () => api.invoke('privacy:delete-rule', rule.name),
                )
              }
            >
              {t('privacy.deleteRule')}
            </button>
          </header>
          {editing === rule.name ? (
            <ReachabilityEditor
              rule={rule.name}
              conditions={rule.conditions}
              onCancel={() => setEditing(undefined)}
              onSave={(conditions) => {
                setEditing(undefined);
                change(
                  withRule(rule.name, (r) => (r.conditions = conditions)),
                  () => api.invoke('privacy:set-rule', { name: rule.name, visibility: rule.visibility, excludedSources: rule.excludedSources, conditions }),
                );
              }}
            />
          ) : (
            (!rule.reachability || rule.conditions) && (
              <button className="link" data-testid="rule-reachability-edit" onClick={() => setEditing(rule.name)}>
                {rule.reachability ? t('privacy.editConditions') : t('privacy.addConditions')}
              </button>
            )
          )}
          {rule.reachability && (
            <p className="privacy-reachability" data-testid="rule-reachability">
              {t('privacy.reachability', { summary: rule.reachability })}{' '}
              <button
                className="link"
                data-testid="rule-reachability-clear"
                onClick={() =>
                  change(
                    withRule(rule.name, (r) => delete r.reachability),
                    () =>
                      api.invoke('privacy:set-rule', {
                        name: rule.name,
                        visibility: rule.visibility,
                        excludedSources: rule.excludedSources,
                        clearReachability: true,
                      }),
                  )
                }
              >
                {t('privacy.clearConditions')}
              </button>
            </p>
          )}
          <ul className="privacy-watchers">
            {rule.watchers.map((w) => (
              <li key={w} data-testid="watcher" data-id={w}>
                {w}
                <button
                  className="link"
                  aria-label={t('privacy.removeWatcher', { who: w, rule: rule.name })}
                  data-testid="watcher-remove"
                  onClick={() =>
                    change(
                      withRule(rule.name, (r) => (r.watchers = r.watchers.filter((x) => x !== w))),
                      () => api.invoke('privacy:remove-watcher', rule.name, w),
                    )
                  }
                >
                  {t('common:remove')}
                </button>
              </li>
            ))}
          </ul>
          <form
            className="privacy-add"
            onSubmit={(e) => {
              e.preventDefault();
              addWatcher(rule.name);
            }}
          >
            <input
              aria-label={t('privacy.addWatcher', { rule: rule.name })}
              data-testid="watcher-input"
              placeholder={t('privacy.userName')}
              value={adding[rule.name] ?? ''}
              onChange={(e) => setAdding((a) => ({ ...a, [rule.name]: e.target.value }))}
            />
            <button type="submit" data-testid="watcher-add">
              {t('common:add')}
            </button>
          </form>
        </section>
      ))}
      <form className="privacy-add" data-testid="rule-form" onSubmit={addRule}>
        <input
          aria-label={t('privacy.newRuleName')}
          data-testid="rule-name"
          placeholder={t('privacy.newRulePlaceholder')}
          value={ruleName}
          maxLength={128}
          onChange={(e) => setRuleName(e.target.value)}
        />
        <select
          aria-label={t('privacy.newRuleVisibility')}
          data-testid="rule-new-visibility"
          value={visibility}
          onChange={(e) => setVisibility(e.target.value)}
        >
          {VISIBILITIES.map((v) => (
            <option key={v} value={v}>
              {visibilityLabel(v)}
            </option>
          ))}
        </select>
        <button type="submit" data-testid="rule-add">
          {t('privacy.addRule')}
        </button>
      </form>
    </div>
  );
}
