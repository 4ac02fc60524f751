import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { ReachabilityConditions, ReachabilityWhen } from '../../../shared/domain';

const blankTest = () => ({ source: '', status: '' });
const blankWhen = (): ReachabilityWhen => ({ reachabilityStatus: 'away', statuses: [blankTest()] });

/**
 * Edits one rule's reachability conditions: the sources whose reachability is shown, and per
 * condition the status shown when every listed source has the listed status. The draft stays
 * here until Save; the core checks every value and refuses a bad one in words, and and/or/not
 * groups set by another client are kept (shown as a count, not edited).
 */
export function ReachabilityEditor({
  rule,
  conditions,
  onSave,
  onCancel,
}: {
  rule: string;
  conditions: ReachabilityConditions | undefined;
  onSave(conditions: ReachabilityConditions): void;
  onCancel(): void;
}) {
  const { t } = useTranslation(['settings', 'common']);
  const [draft, setDraft] = useState<ReachabilityConditions>(() => structuredClone(conditions ?? { sources: [], when: [] }));
  const edit = (f: (d: ReachabilityConditions) => void) =>
    setDraft((d) => {
      const next = structuredClone(d);
      f(next);
      return next;
    });
  return (
    <form
      className="reachability-editor"
      data-testid="reachability-editor"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(draft);
      }}
    >
      <fieldset>
        <legend>{t('reachability.sourcesLegend')}</legend>
        {draft.sources.map((s, i) => (
          <div key={i} className="reachability-row" data-testid="reachability-source">
            <input
              aria-label={t('reachability.sourceLabel', { number: i + 1, rule })}
              placeholder={t('reachability.sourcePlaceholder')}
              value={s}
              maxLength={128}
              onChange={(e) => edit((d) => (d.sources[i] = e.target.value))}
            />
            <button type="button" className="link" onClick={() => edit((d) => d.sources.splice(i, 1))}>
              {t('common:remove')}
            </button>
          </div>
        ))}
        <button type="button" className="link" data-testid="reachability-add-source" onClick={() => edit((d) => d.sources.push(''))}>
          {t('reachability.addSource')}
        </button>
      </fieldset>
      {draft.when.map((w, i) => (
        <fieldset key={i} className="reachability-when" data-testid="reachability-when">
          <legend>
            {/* The status field sits inside the sentence, where each language puts it. */}
            <Trans
              t={t}
              i18nKey="reachability.condition"
              values={{ number: i + 1 }}
              components={{
                status: (
                  <input
                    aria-label={t('reachability.conditionStatusLabel', { number: i + 1, rule })}
                    data-testid="when-status"
                    value={w.reachabilityStatus}
                    maxLength={64}
                    onChange={(e) => edit((d) => (d.when[i].reachabilityStatus = e.target.value))}
                  />
                ),
              }}
            />
          </legend>
          {w.statuses.map((test, j) => (
            <div key={j} className="reachability-row" data-testid="when-test">
              <Trans
                t={t}
                i18nKey="reachability.test"
                components={{
                  source: (
                    <input
                      aria-label={t('reachability.testSourceLabel', { test: j + 1, number: i + 1 })}
                      data-testid="test-source"
                      placeholder={t('reachability.testSourcePlaceholder')}
                      value={test.source}
                      maxLength={128}
                      onChange={(e) => edit((d) => (d.when[i].statuses[j].source = e.target.value))}
                    />
                  ),
                  status: (
                    <input
                      aria-label={t('reachability.testStatusLabel', { test: j + 1, number: i + 1 })}
                      data-testid="test-status"
                      placeholder={t('reachability.testStatusPlaceholder')}
                      value={test.status}
                      maxLength={64}
                      onChange={(e) => edit((d) => (d.when[i].statuses[j].status = e.target.value))}
                    />
                  ),
                }}
              />
              <button type="button" className="link" onClick={() => edit((d) => d.when[i].statuses.splice(j, 1))}>
                {t('common:remove')}
              </button>
            </div>
          ))}
          {w.nested ? <p className="settings-hint">{t('reachability.nested', { count: w.nested })}</p> : null}
          <button type="button" className="link" onClick={() => edit((d) => d.when[i].statuses.push(blankTest()))}>
            {t('reachability.addTest')}
          </button>{' '}
          <button type="button" className="link" data-testid="when-remove" onClick={() => edit((d) => d.when.splice(i, 1))}>
            {t('reachability.removeCondition')}
          </button>
        </fieldset>
      ))}
      <button type="button" className="link" data-testid="reachability-add-when" onClick={() => edit((d) => d.when.push(blankWhen()))}>
        {t('reachability.addCondition')}
      </button>
      <div className="reachability-actions">
        <button type="submit" data-testid="reachability-save">
          {t('reachability.save')}
        </button>
        <button type="button" className="link" onClick={onCancel}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}
