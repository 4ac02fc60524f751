import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DialPlan, DialingRule } from '../../../shared/domain';
import { errorText } from '../api';
import { lookupText, planSteps, planText, planWhy } from '../dial-plan-text';
import type { SectionProps } from '.';
import '../dialing.css';

/** Each kind of rule's heading, by key in the phone namespace. */
const KIND = { 1: 'rules.kind.application', 2: 'rules.kind.directory' } as const;

/** The server's dialing rules in the order they are tried, and a field to try a number against them. */
export function DialingRulesSection({ api, onError }: SectionProps) {
  const { t } = useTranslation('phone');
  const [rules, setRules] = useState<DialingRule[] | undefined>();
  const [number, setNumber] = useState('');
  const [plans, setPlans] = useState<{ application: DialPlan; directory: DialPlan } | undefined>();
  useEffect(() => {
    api
      .invoke('dial:rules')
      .then(setRules)
      .catch((e) => onError(errorText(e).message));
  }, [api, onError]);
  useEffect(() => {
    if (!number.trim()) return setPlans(undefined);
    let current = true;
    Promise.all([api.invoke('dial:preview', number), api.invoke('dial:preview-directory', number)])
      .then(([application, directory]) => current && setPlans({ application, directory }))
      .catch(() => current && setPlans(undefined));
    return () => {
      current = false;
    };
  }, [api, number]);
  if (!rules) return <p className="subtle">{t('rules.loading')}</p>;
  return (
    <div>
      {([1, 2] as const).map((type) => {
        const list = rules.filter((r) => r.type === type);
        return (
          <section key={type} data-testid={`rules-type-${type}`}>
            <h3>{t(KIND[type])}</h3>
            {list.length === 0 ? (
              <p className="subtle">{t('rules.none')}</p>
            ) : (
              <table className="rules-table">
                <thead>
                  <tr>
                    <th>{t('rules.column.priority')}</th>
                    <th>{t('rules.column.name')}</th>
                    <th>{t('rules.column.beginsWith')}</th>
                    <th>{t('rules.column.digits')}</th>
                    <th>{t('rules.column.removed')}</th>
                    <th>{t('rules.column.prefix')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r, i) => (
                    <tr key={`${r.name}:${i}`} data-testid="rule-row" data-name={r.name} title={r.description}>
                      <td>{r.priority}</td>
                      <td>{r.name}</td>
                      <td>{r.numberBeginsWith || t('rules.any')}</td>
                      <td>{r.numberOfDigits ?? t('rules.any')}</td>
                      <td>{r.digitsToBeRemoved}</td>
                      <td>{r.prefix || t('rules.noPrefix')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
      <label className="rules-try">
        {t('rules.try')}
        <input data-testid="rules-try" value={number} onChange={(e) => setNumber(e.target.value)} placeholder={t('rules.tryPlaceholder')} />
      </label>
      {plans && (
        <dl className="settings-facts">
          <dt>{t('rules.dialing')}</dt>
          <dd data-testid="rules-try-application" title={planWhy(plans.application)}>
            {planSteps(plans.application).length > 0 && !plans.application.error
              ? t('plan.withSteps', { explanation: planText(plans.application), steps: planWhy(plans.application, ', ') })
              : planText(plans.application)}
          </dd>
          <dt>{t('rules.directoryLookup')}</dt>
          <dd data-testid="rules-try-directory">{lookupText(plans.directory)}</dd>
        </dl>
      )}
    </div>
  );
}
