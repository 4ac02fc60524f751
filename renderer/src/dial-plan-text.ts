import type { DialPlan, DialProblem, DialStep } from '../../shared/domain';
import { i18n } from './i18n';

/**
 * A dial plan in the UI's language. The core sends its plans as facts (what is dialed, by
 * which rule, each step and why nothing can be dialed) beside its English sentences for the
 * log, and the preview is told here from those facts. An error without facts (one the UI
 * does not know) is shown in the core's words rather than hidden. Call while rendering a
 * component that uses `useTranslation`, so that a language change redraws it.
 */

/** "will dial 0101 (rule 'Own site')", or the reason nothing can be dialed. */
export function planText(plan: DialPlan): string {
  if (plan.error) return planError(plan);
  return plan.rule ? i18n.t('phone:plan.withRule', { dial: plan.dial, rule: plan.rule.name }) : i18n.t('phone:plan.noRule', { dial: plan.dial });
}

/** The directory-lookup form of a number: "looked up as 0102 (rule 'Directory: own site')". */
export function lookupText(plan: DialPlan): string {
  if (plan.error) return planError(plan);
  return plan.rule ? i18n.t('phone:plan.lookedUp', { dial: plan.dial, rule: plan.rule.name }) : i18n.t('phone:plan.lookedUpNoRule', { dial: plan.dial });
}

/** Why a number cannot be dialed. */
export function planError(plan: Pick<DialPlan, 'error' | 'problem'>): string {
  return plan.problem ? problemText(plan.problem) : (plan.error ?? '');
}

/** A reason nothing can be dialed, in the UI's language. */
export function problemText(problem: DialProblem): string {
  switch (problem.kind) {
    case 'empty':
      return i18n.t('phone:plan.error.empty');
    case 'not-a-number':
      return i18n.t('phone:plan.error.notANumber', { input: problem.input });
    case 'too-long':
      return i18n.t('phone:plan.error.tooLong');
    case 'nothing-left':
      return i18n.t('phone:plan.error.nothingLeft', { rule: problem.rule });
  }
}

/** Each transformation the rules made, in order, for the "why" view. */
export function planSteps(plan: DialPlan): string[] {
  return plan.steps.map(stepText);
}

/** The steps as one line for a tooltip: "removed "+1" → added prefix "9"". */
export function planWhy(plan: DialPlan, separator = ' → '): string {
  return planSteps(plan).join(separator);
}

/** One step in the UI's language. */
export function stepText(step: DialStep): string {
  switch (step.kind) {
    case 'normalised':
      return i18n.t('phone:plan.step.normalised', { input: step.input, number: step.number });
    case 'extension':
      return i18n.t('phone:plan.step.extension', { extension: step.extension });
    case 'no-rule':
      return i18n.t(step.rules === 'application' ? 'phone:plan.step.noApplicationRule' : 'phone:plan.step.noDirectoryRule');
    case 'removed':
      return i18n.t('phone:plan.step.removed', { digits: step.digits });
    case 'prefix':
      return i18n.t('phone:plan.step.prefix', { prefix: step.prefix });
    case 'nothing-left':
      return i18n.t('phone:plan.step.nothingLeft');
  }
}
