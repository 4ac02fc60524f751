import type { DialPlan } from '../../shared/domain';
import { i18n } from './i18n';

/**
 * A dial plan in the UI's language. The core sends its plans with English sentences
 * (`explanation`, `error`, `steps`), but also the facts behind them (what is dialed, by which
 * rule), so the preview is told again here from those facts. Errors and steps the core only
 * gives as sentences are recognised by their known shapes; one that is not recognised is shown
 * in the core's words rather than hidden. Call while rendering a component that uses
 * `useTranslation`, so that a language change redraws it.
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
export function planError(plan: DialPlan): string {
  const error = plan.error ?? '';
  if (plan.rule && !plan.dial) return i18n.t('phone:plan.error.nothingLeft', { rule: plan.rule.name });
  if (error === 'There is no number to dial.') return i18n.t('phone:plan.error.empty');
  if (error === 'The number is too long to dial.') return i18n.t('phone:plan.error.tooLong');
  const notANumber = /^"([^]*)" is not a phone number\.$/.exec(error);
  if (notANumber) return i18n.t('phone:plan.error.notANumber', { input: notANumber[1] });
  return error;
}

/** Each transformation the rules made, in order, for the "why" view. */
export function planSteps(plan: DialPlan): string[] {
  return plan.steps.map(stepText);
}

/** The steps as one line for a tooltip: "removed "+1" → added prefix "9"". */
export function planWhy(plan: DialPlan, separator = ' → '): string {
  return planSteps(plan).join(separator);
}

const STEPS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^normalised "([^]*)" to (\S*)$/, (m) => i18n.t('phone:plan.step.normalised', { input: m[1], number: m[2] })],
  [/^extension (\S+) is not dialed$/, (m) => i18n.t('phone:plan.step.extension', { extension: m[1] })],
  [/^no application rule matches$/, () => i18n.t('phone:plan.step.noApplicationRule')],
  [/^no directory rule matches$/, () => i18n.t('phone:plan.step.noDirectoryRule')],
  [/^removed "([^"]*)"$/, (m) => i18n.t('phone:plan.step.removed', { digits: m[1] })],
  [/^added prefix "([^"]*)"$/, (m) => i18n.t('phone:plan.step.prefix', { prefix: m[1] })],
  [/^nothing left to dial$/, () => i18n.t('phone:plan.step.nothingLeft')],
];

/** One step in the UI's language, or as the core said it when its shape is not known. */
export function stepText(step: string): string {
  for (const [shape, text] of STEPS) {
    const m = shape.exec(step);
    if (m) return text(m);
  }
  return step;
}
