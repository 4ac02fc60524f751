/**
 * The dialing-rules engine: turns what the user clicked or typed into what the phone system
 * dials, using the rules the server sends (get-dialing-rules, type 1 "application" rules
 * applied before dialing, type 2 "directory lookup" rules applied to directory numbers), and
 * says why.
 *
 * Semantics (written down because the guide does not spell them out):
 * - Input is normalised first: spaces, dashes, dots, slashes and brackets are removed, a
 *   leading `+` is kept, keypad letters become digits (1-800-FLOWERS), and an extension
 *   written as `x123`, `ext. 123` or `;ext=123` is split off (it is not dialed; the plan says so).
 * - A rule matches when the number starts with `numberBeginsWith` (empty or `*` matches any
 *   number) and, when `numberOfDigits` is set, the number has exactly that many digits
 *   (a leading `+` and the service keys `*`, `#` are not digits).
 * - Priority: as in Cisco Unified CM, whose dial-rule lists put priority 1 on top, a LOWER
 *   priority value is tried FIRST. Among rules of equal priority the more specific wins: the
 *   longer `numberBeginsWith`, then a rule with a digit count over one without, then the
 *   server's order.
 * - `digitsToBeRemoved` removes that many characters from the start of the number (a leading
 *   `+` counts as one, so "+1" is removed by 2), then `prefix` is put in front.
 * - Only the first matching rule applies. No match: the number is dialed as normalised.
 * - Invalid rules (unknown type, non-numeric priority, a digit count outside 1–32, removing
 *   more than the rule's numbers can have, characters a phone cannot dial) are reported with
 *   the rule's name and skipped; they never stop the others.
 */

import type { DialingRule, DialPlan, DialProblem, DialStep } from '../../shared/domain';

export type { DialingRule, DialPlan };
export type RuleKind = 'application' | 'directory';

export interface RuleProblem {
  rule: string;
  problem: string;
}

const KEYPAD: Record<string, string> = Object.fromEntries(
  Object.entries({ 2: 'ABC', 3: 'DEF', 4: 'GHI', 5: 'JKL', 6: 'MNO', 7: 'PQRS', 8: 'TUV', 9: 'WXYZ' }).flatMap(([d, letters]) =>
    [...letters].map((l) => [l, d]),
  ),
);

/** Digits proper: a leading `+` and the service keys `*` and `#` are not counted. */
const digitCount = (n: string) => n.replace(/[^0-9]/g, '').length;

/** Validates raw rules (from CUPS or a UCCN update); bad ones are reported and left out. */
export function compileRules(raw: ReadonlyArray<Partial<Record<keyof DialingRule, unknown>>>): { rules: DialingRule[]; problems: RuleProblem[] } {
  const rules: DialingRule[] = [];
  const problems: RuleProblem[] = [];
  raw.forEach((r, i) => {
    const name = typeof r.name === 'string' && r.name.trim() ? r.name.trim() : `rule ${i + 1}`;
    const bad = (problem: string) => problems.push({ rule: name, problem });
    const type = Number(r.type);
    const priority = Number(r.priority);
    const begins = String(r.numberBeginsWith ?? '').replace(/[\s-]/g, '');
    const digitsRaw = r.numberOfDigits;
    const digits = digitsRaw === null || digitsRaw === undefined || digitsRaw === '' ? null : Number(digitsRaw);
    const remove = r.digitsToBeRemoved === undefined || r.digitsToBeRemoved === '' ? 0 : Number(r.digitsToBeRemoved);
    const prefix = String(r.prefix ?? '').replace(/[\s-]/g, '');
    if (type !== 1 && type !== 2) return bad(`unknown type "${String(r.type)}" (1 = application, 2 = directory lookup)`);
    if (!Number.isInteger(priority) || priority < 0) return bad(`priority "${String(r.priority)}" is not a whole number`);
    if (begins !== '*' && !/^\+?[0-9*#]*$/.test(begins)) return bad(`"number begins with" is "${begins}", which a phone cannot dial`);
    if (digits !== null && (!Number.isInteger(digits) || digits < 1 || digits > 32))
      return bad(`number of digits "${String(digitsRaw)}" is not between 1 and 32`);
    if (!Number.isInteger(remove) || remove < 0) return bad(`digits to be removed "${String(r.digitsToBeRemoved)}" is not a whole number`);
    if (digits !== null && remove > digits + (begins.startsWith('+') ? 1 : 0)) return bad(`removes ${remove} digits from numbers of ${digits} digits`);
    if (!/^[0-9*#+,]*$/.test(prefix)) return bad(`prefix "${prefix}" has characters a phone cannot dial`);
    rules.push({
      type,
      name,
      description: typeof r.description === 'string' ? r.description : '',
      priority,
      numberBeginsWith: begins === '*' ? '' : begins,
      numberOfDigits: digits,
      digitsToBeRemoved: remove,
      prefix,
    });
  });
  return { rules, problems };
}

/** Normalises what the user clicked or typed; see the module notes for the exact rules. */
export function normaliseNumber(input: string): { number: string; extension?: string } | { problem: DialProblem } {
  let text = input.trim().replace(/^(tel|sip|sips):/i, '');
  if (/@/.test(text)) text = text.split('@')[0];
  let extension: string | undefined;
  const ext = /(?:\s*;\s*ext=|\s*(?:ext\.?|extension|x)\s*)(\d+)\s*$/i.exec(text);
  if (ext && ext.index > 0) {
    extension = ext[1];
    text = text.slice(0, ext.index);
  }
  const plus = /^\s*\+/.test(text);
  const body = text
    .replace(/^\s*\+/, '')
    .replace(/[\s\-.()/[\]]/g, '')
    .toUpperCase();
  if (!body) return { problem: { kind: 'empty' } };
  // Keypad letters are accepted only in something that is already partly a number
  // (1-800-FLOWERS), so a word is never turned into a call.
  if (!/[0-9]/.test(body) || !/^[0-9A-Z*#]+$/.test(body)) return { problem: { kind: 'not-a-number', input: input.trim() } };
  const digits = body.replace(/[A-Z]/g, (l) => KEYPAD[l] ?? '');
  if (digits.length > 32) return { problem: { kind: 'too-long' } };
  return { number: `${plus ? '+' : ''}${digits}`, ...(extension ? { extension } : {}) };
}

function matches(rule: DialingRule, number: string): boolean {
  if (rule.numberBeginsWith && rule.numberBeginsWith !== '*' && !number.startsWith(rule.numberBeginsWith)) return false;
  if (rule.numberOfDigits !== null && digitCount(number) !== rule.numberOfDigits) return false;
  return true;
}

/** Order of trial: lower priority value first, then more specific, then server order. */
export function orderRules(rules: DialingRule[]): DialingRule[] {
  return rules
    .map((rule, order) => ({ rule, order }))
    .sort(
      (a, b) =>
        a.rule.priority - b.rule.priority ||
        b.rule.numberBeginsWith.length - a.rule.numberBeginsWith.length ||
        Number(b.rule.numberOfDigits !== null) - Number(a.rule.numberOfDigits !== null) ||
        a.order - b.order,
    )
    .map((x) => x.rule);
}

export function applyDialingRules(input: string, rules: DialingRule[], kind: RuleKind = 'application'): DialPlan {
  const normal = normaliseNumber(input);
  if ('problem' in normal) {
    const error = problemSentence(normal.problem);
    return { input, normalised: '', dial: '', explanation: error, steps: [], error, problem: normal.problem };
  }
  const { number, extension } = normal;
  const steps: DialStep[] = [];
  if (number !== input.trim()) steps.push({ kind: 'normalised', input: input.trim(), number });
  if (extension) steps.push({ kind: 'extension', extension });
  const type = kind === 'application' ? 1 : 2;
  const rule = orderRules(rules.filter((r) => r.type === type)).find((r) => matches(r, number));
  if (!rule) {
    steps.push({ kind: 'no-rule', rules: kind });
    return {
      input,
      normalised: number,
      dial: number,
      ...(extension ? { extension } : {}),
      explanation: `will dial ${number} (no dialing rule applies)`,
      steps,
    };
  }
  let dial = number;
  if (rule.digitsToBeRemoved > 0) {
    steps.push({ kind: 'removed', digits: dial.slice(0, rule.digitsToBeRemoved) });
    dial = dial.slice(rule.digitsToBeRemoved);
  }
  if (rule.prefix) {
    dial = `${rule.prefix}${dial}`;
    steps.push({ kind: 'prefix', prefix: rule.prefix });
  }
  if (!dial) {
    steps.push({ kind: 'nothing-left' });
    const problem: DialProblem = { kind: 'nothing-left', rule: rule.name };
    return {
      input,
      normalised: number,
      dial: '',
      rule: { name: rule.name, priority: rule.priority },
      explanation: `rule '${rule.name}' leaves nothing to dial`,
      steps,
      error: problemSentence(problem),
      problem,
    };
  }
  return {
    input,
    normalised: number,
    dial,
    ...(extension ? { extension } : {}),
    rule: { name: rule.name, priority: rule.priority },
    explanation: `will dial ${dial} (rule '${rule.name}')`,
    steps,
  };
}

/** Why nothing can be dialed, in the core's English (logs and thrown errors; the UI words the facts itself). */
export function problemSentence(problem: DialProblem): string {
  switch (problem.kind) {
    case 'empty':
      return 'There is no number to dial.';
    case 'not-a-number':
      return `"${problem.input}" is not a phone number.`;
    case 'too-long':
      return 'The number is too long to dial.';
    case 'nothing-left':
      return `The dialing rule '${problem.rule}' leaves nothing to dial.`;
  }
}

/** One step in English: the words the English UI gives it too (the tests hold the two to each other). */
export function stepSentence(step: DialStep): string {
  switch (step.kind) {
    case 'normalised':
      return `normalised "${step.input}" to ${step.number}`;
    case 'extension':
      return `extension ${step.extension} is not dialed`;
    case 'no-rule':
      return `no ${step.rules} rule matches`;
    case 'removed':
      return `removed "${step.digits}"`;
    case 'prefix':
      return `added prefix "${step.prefix}"`;
    case 'nothing-left':
      return 'nothing left to dial';
  }
}

/** The short form for a hover: "will dial 90044… (rule 'International')". */
export function describePlan(plan: DialPlan, max = 14): string {
  if (plan.error) return plan.error;
  const shown = plan.dial.length > max ? `${plan.dial.slice(0, max - 1)}…` : plan.dial;
  return plan.rule ? `will dial ${shown} (rule '${plan.rule.name}')` : `will dial ${shown}`;
}
