/** The dialing-rules engine, table-driven: what is dialed for what input, and why. */
import { describe, expect, it } from 'vitest';
import { applyDialingRules, compileRules, describePlan, normaliseNumber, stepSentence, type DialingRule } from '../../../core/dialing';

const rule = (over: Partial<DialingRule> & { name: string }): DialingRule => ({
  type: 1,
  description: '',
  priority: 1,
  numberBeginsWith: '',
  numberOfDigits: null,
  digitsToBeRemoved: 0,
  prefix: '',
  ...over,
});

// A realistic North American site plan plus international and internal rules.
const site: DialingRule[] = [
  rule({ name: 'Internal', priority: 1, numberOfDigits: 4 }),
  rule({ name: 'Local 7', priority: 2, numberOfDigits: 7, prefix: '9' }),
  rule({ name: 'Local 10 (408)', priority: 2, numberBeginsWith: '408', numberOfDigits: 10, digitsToBeRemoved: 3, prefix: '9' }),
  rule({ name: 'Long distance', priority: 3, numberOfDigits: 10, prefix: '91' }),
  rule({ name: 'E.164 NANP', priority: 2, numberBeginsWith: '+1', numberOfDigits: 11, digitsToBeRemoved: 2, prefix: '91' }),
  rule({ name: 'International', priority: 4, numberBeginsWith: '+', digitsToBeRemoved: 1, prefix: '9011' }),
  rule({ name: 'Own site E.164', priority: 1, numberBeginsWith: '+1408555', numberOfDigits: 11, digitsToBeRemoved: 8, prefix: '' }),
  rule({ name: 'Directory strip', type: 2, priority: 1, numberBeginsWith: '+1408555', numberOfDigits: 11, digitsToBeRemoved: 8 }),
];

const cases: Array<[input: string, dial: string, ruleName: string | undefined, rules?: DialingRule[]]> = [
  // internal and local
  ['1234', '1234', 'Internal'],
  ['12-34', '1234', 'Internal'],
  ['555 0100', '95550100', 'Local 7'],
  ['555-0100', '95550100', 'Local 7'],
  ['(408) 555-0199', '95550199', 'Local 10 (408)'],
  ['408.555.0199', '95550199', 'Local 10 (408)'],
  ['650 555 0199', '916505550199', 'Long distance'],
  // E.164 and international
  ['+1 650 555 0199', '916505550199', 'E.164 NANP'],
  ['+1 (408) 555-0100', '0100', 'Own site E.164'],
  ['+44 20 7946 0103', '9011442079460103', 'International'],
  ['+49 30 5550105', '901149305550105', 'International'],
  ['+1 408 666 0100', '914086660100', 'E.164 NANP'],
  // digit-count mismatches fall through to later rules or none
  ['12345', '12345', undefined],
  ['408555019', '408555019', undefined],
  ['1', '1', undefined],
  // extensions and URIs
  ['+1 650 555 0199 x123', '916505550199', 'E.164 NANP'],
  ['650-555-0199 ext. 7', '916505550199', 'Long distance'],
  ['tel:+16505550199;ext=42', '916505550199', 'E.164 NANP'],
  ['sip:1234@pbx.example.com', '1234', 'Internal'],
  ['tel:1234', '1234', 'Internal'],
  // vanity numbers
  ['1-800-FLOWERS', '18003569377', undefined],
  ['800 FLOWERS', '918003569377', 'Long distance'],
  // priority conflicts and specificity
  ['5550100', '85550100', 'B', [rule({ name: 'A', priority: 2, prefix: '7' }), rule({ name: 'B', priority: 1, prefix: '8' })]],
  ['5550100', '75550100', 'A', [rule({ name: 'A', priority: 1, prefix: '7' }), rule({ name: 'B', priority: 2, prefix: '8' })]],
  [
    '5550100',
    '65550100',
    'long',
    [rule({ name: 'short', priority: 1, numberBeginsWith: '5', prefix: '5' }), rule({ name: 'long', priority: 1, numberBeginsWith: '555', prefix: '6' })],
  ],
  ['5550100', '25550100', 'counted', [rule({ name: 'any', priority: 1, prefix: '1' }), rule({ name: 'counted', priority: 1, numberOfDigits: 7, prefix: '2' })]],
  ['5550100', '15550100', 'first', [rule({ name: 'first', priority: 1, prefix: '1' }), rule({ name: 'second', priority: 1, prefix: '2' })]],
  [
    '5550100',
    '35550100',
    'top',
    [rule({ name: 'specific but lower', priority: 5, numberBeginsWith: '5550', prefix: '4' }), rule({ name: 'top', priority: 0, prefix: '3' })],
  ],
  // empty and star fields
  ['5550100', '95550100', 'star', [rule({ name: 'star', numberBeginsWith: '*', prefix: '9' })]],
  ['5550100', '5550100', 'noop', [rule({ name: 'noop' })]],
  ['5550100', '0100', 'strip', [rule({ name: 'strip', digitsToBeRemoved: 3 })]],
  // the guide's Example 48 rules
  [
    '891',
    '7891',
    'App dialing rule',
    [rule({ name: 'App dialing rule', numberBeginsWith: '89', numberOfDigits: 1, prefix: '7' })].map((r) => ({ ...r, numberOfDigits: 3 })),
  ],
  ['8', '8', undefined, [rule({ name: 'App dialing rule', numberBeginsWith: '89', numberOfDigits: 1, prefix: '7' })]],
  // only application rules apply before dialing
  ['+14085550100', '0100', 'Own site E.164'],
  // '#', '*' service codes pass through
  ['*67 650 555 0199', '*676505550199', undefined],
  ['#31#', '#31#', undefined],
];

describe('applyDialingRules (application rules)', () => {
  it.each(cases)('%s → %s (%s)', (input, dial, ruleName, rules = site) => {
    const plan = applyDialingRules(input, rules, 'application');
    expect(plan.error).toBeUndefined();
    expect(plan.dial).toBe(dial);
    expect(plan.rule?.name).toBe(ruleName);
    expect(plan.explanation).toBe(ruleName ? `will dial ${dial} (rule '${ruleName}')` : `will dial ${dial} (no dialing rule applies)`);
  });

  it('explains each step and keeps the extension aside', () => {
    const plan = applyDialingRules('+1 650 555 0199 x123', site);
    expect(plan.extension).toBe('123');
    expect(plan.steps.map(stepSentence)).toEqual([
      'normalised "+1 650 555 0199 x123" to +16505550199',
      'extension 123 is not dialed',
      'removed "+1"',
      'added prefix "91"',
    ]);
    expect(plan.steps).toEqual([
      { kind: 'normalised', input: '+1 650 555 0199 x123', number: '+16505550199' },
      { kind: 'extension', extension: '123' },
      { kind: 'removed', digits: '+1' },
      { kind: 'prefix', prefix: '91' },
    ]);
  });

  it('refuses what is not a number, with words', () => {
    expect(applyDialingRules('call me', site).error).toBe('"call me" is not a phone number.');
    expect(applyDialingRules('call me', site).problem).toEqual({ kind: 'not-a-number', input: 'call me' });
    expect(applyDialingRules('   ', site).error).toBe('There is no number to dial.');
    expect(applyDialingRules('1'.repeat(40), site).error).toBe('The number is too long to dial.');
  });

  it('a rule that leaves nothing to dial is an error, not an empty call', () => {
    const plan = applyDialingRules('1234', [rule({ name: 'eat all', digitsToBeRemoved: 4 })]);
    expect(plan.error).toBe("The dialing rule 'eat all' leaves nothing to dial.");
    expect(plan.dial).toBe('');
  });

  it('directory rules apply only when asked for', () => {
    expect(applyDialingRules('+1 408 555 0100', site, 'directory')).toMatchObject({ dial: '0100', rule: { name: 'Directory strip' } });
    expect(applyDialingRules('+1 650 555 0100', site, 'directory').rule).toBeUndefined();
  });

  it('describes a plan for a hover, shortened', () => {
    expect(describePlan(applyDialingRules('+44 20 7946 0103', site))).toBe("will dial 9011442079460… (rule 'International')");
    expect(describePlan(applyDialingRules('1234', site))).toBe("will dial 1234 (rule 'Internal')");
  });
});

describe('compileRules', () => {
  it('keeps good rules and reports each bad one by name', () => {
    const { rules, problems } = compileRules([
      { type: 1, name: 'Good', priority: 1, numberBeginsWith: '9', numberOfDigits: 7, digitsToBeRemoved: 0, prefix: '9' },
      { type: 3, name: 'Odd type', priority: 1 },
      { type: 1, name: 'Bad priority', priority: Number.NaN },
      { type: 1, name: 'Letters', priority: 1, numberBeginsWith: 'abc' },
      { type: 1, name: 'Too many digits', priority: 1, numberOfDigits: 40 },
      { type: 1, name: 'Removes too much', priority: 1, numberOfDigits: 4, digitsToBeRemoved: 6 },
      { type: 1, name: 'Bad prefix', priority: 1, prefix: '9;' },
      { type: 2, name: '', priority: '2', numberBeginsWith: '*', numberOfDigits: '', digitsToBeRemoved: '', prefix: '' },
    ]);
    expect(rules.map((r) => r.name)).toEqual(['Good', 'rule 8']);
    expect(rules[1]).toMatchObject({ type: 2, priority: 2, numberBeginsWith: '', numberOfDigits: null, digitsToBeRemoved: 0 });
    expect(problems.map((p) => p.rule)).toEqual(['Odd type', 'Bad priority', 'Letters', 'Too many digits', 'Removes too much', 'Bad prefix']);
    expect(problems[4].problem).toBe('removes 6 digits from numbers of 4 digits');
  });

  it('never throws on garbage', () => {
    expect(() => compileRules([{}, { type: null as unknown as 1 }, { name: 42 as unknown as string }])).not.toThrow();
  });
});

describe('normaliseNumber', () => {
  it.each([
    ['+1 (408) 555-0100', '+14085550100', undefined],
    ['0044 20 7946 0103', '00442079460103', undefined],
    ['555.0100 ext 12', '5550100', '12'],
    ['1-800-CALL-NOW', '18002255669', undefined],
  ])('%s → %s', (input, number, extension) => {
    expect(normaliseNumber(input)).toEqual({ number, ...(extension ? { extension } : {}) });
  });
});
