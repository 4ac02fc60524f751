import { useState } from 'react';
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
        <legend>Show whether I can be reached on</legend>
        {draft.sources.map((s, i) => (
          <div key={i} className="reachability-row" data-testid="reachability-source">
            <input
              aria-label={`Reachable source ${i + 1} of ${rule}`}
              placeholder="Source, e.g. cupc"
              value={s}
              maxLength={128}
              onChange={(e) => edit((d) => (d.sources[i] = e.target.value))}
            />
            <button type="button" className="link" onClick={() => edit((d) => d.sources.splice(i, 1))}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="link" data-testid="reachability-add-source" onClick={() => edit((d) => d.sources.push(''))}>
          Add source
        </button>
      </fieldset>
      {draft.when.map((w, i) => (
        <fieldset key={i} className="reachability-when" data-testid="reachability-when">
          <legend>
            Condition {i + 1}: show me as{' '}
            <input
              aria-label={`Status shown by condition ${i + 1} of ${rule}`}
              data-testid="when-status"
              value={w.reachabilityStatus}
              maxLength={64}
              onChange={(e) => edit((d) => (d.when[i].reachabilityStatus = e.target.value))}
            />{' '}
            when
          </legend>
          {w.statuses.map((t, j) => (
            <div key={j} className="reachability-row" data-testid="when-test">
              <input
                aria-label={`Source in test ${j + 1} of condition ${i + 1}`}
                data-testid="test-source"
                placeholder="Source, e.g. Cell Phone"
                value={t.source}
                maxLength={128}
                onChange={(e) => edit((d) => (d.when[i].statuses[j].source = e.target.value))}
              />{' '}
              is{' '}
              <input
                aria-label={`Status in test ${j + 1} of condition ${i + 1}`}
                data-testid="test-status"
                placeholder="Status, e.g. away"
                value={t.status}
                maxLength={64}
                onChange={(e) => edit((d) => (d.when[i].statuses[j].status = e.target.value))}
              />
              <button type="button" className="link" onClick={() => edit((d) => d.when[i].statuses.splice(j, 1))}>
                Remove
              </button>
            </div>
          ))}
          {w.nested ? <p className="settings-hint">and {w.nested} and/or/not group(s) set elsewhere, kept as they are.</p> : null}
          <button type="button" className="link" onClick={() => edit((d) => d.when[i].statuses.push(blankTest()))}>
            Add test
          </button>{' '}
          <button type="button" className="link" data-testid="when-remove" onClick={() => edit((d) => d.when.splice(i, 1))}>
            Remove condition
          </button>
        </fieldset>
      ))}
      <button type="button" className="link" data-testid="reachability-add-when" onClick={() => edit((d) => d.when.push(blankWhen()))}>
        Add condition
      </button>
      <div className="reachability-actions">
        <button type="submit" data-testid="reachability-save">
          Save conditions
        </button>
        <button type="button" className="link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
