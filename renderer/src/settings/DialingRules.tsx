import { useEffect, useState } from 'react';
import type { DialPlan, DialingRule } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';
import '../dialing.css';

const KIND = { 1: 'Application (before dialing)', 2: 'Directory lookup (numbers from the directory)' } as const;

/** The server's dialing rules in the order they are tried, and a field to try a number against them. */
export function DialingRulesSection({ api, onError }: SectionProps) {
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
  if (!rules) return <p className="subtle">Loading the rules…</p>;
  return (
    <div>
      {([1, 2] as const).map((type) => {
        const list = rules.filter((r) => r.type === type);
        return (
          <section key={type} data-testid={`rules-type-${type}`}>
            <h3>{KIND[type]}</h3>
            {list.length === 0 ? (
              <p className="subtle">The server has no rules of this kind.</p>
            ) : (
              <table className="rules-table">
                <thead>
                  <tr>
                    <th>Priority</th>
                    <th>Name</th>
                    <th>Begins with</th>
                    <th>Digits</th>
                    <th>Removed</th>
                    <th>Prefix</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r, i) => (
                    <tr key={`${r.name}:${i}`} data-testid="rule-row" data-name={r.name} title={r.description}>
                      <td>{r.priority}</td>
                      <td>{r.name}</td>
                      <td>{r.numberBeginsWith || 'any'}</td>
                      <td>{r.numberOfDigits ?? 'any'}</td>
                      <td>{r.digitsToBeRemoved}</td>
                      <td>{r.prefix || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
      <label className="rules-try">
        Try a number
        <input data-testid="rules-try" value={number} onChange={(e) => setNumber(e.target.value)} placeholder="+1 408 555 0101" />
      </label>
      {plans && (
        <dl className="settings-facts">
          <dt>Dialing</dt>
          <dd data-testid="rules-try-application" title={plans.application.steps.join(' → ')}>
            {plans.application.error ?? plans.application.explanation}
            {plans.application.steps.length > 0 && !plans.application.error ? ` — ${plans.application.steps.join(', ')}` : ''}
          </dd>
          <dt>Directory lookup</dt>
          <dd data-testid="rules-try-directory">
            {plans.directory.error ??
              (plans.directory.rule
                ? `looked up as ${plans.directory.dial} (rule '${plans.directory.rule.name}')`
                : `looked up as ${plans.directory.dial} (no rule applies)`)}
          </dd>
        </dl>
      )}
    </div>
  );
}
