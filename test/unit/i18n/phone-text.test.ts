/** The dial preview, its steps and the call lines in the UI's language, from the core's real dial plans. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDialingRules, stepSentence } from '../../../core/dialing/rules';
import { phoneFrom } from '../../../core/directory/mapping';
import { lookupText, planError, planText, planWhy } from '../../../renderer/src/dial-plan-text';
import { chooseLanguage, startI18n } from '../../../renderer/src/i18n';
import { callStateText, lineStateText } from '../../../renderer/src/PhoneCalls';
import type { DialingRule } from '../../../shared/domain';

const rule = (r: Partial<DialingRule> & Pick<DialingRule, 'name'>): DialingRule => ({
  type: 1,
  description: '',
  priority: 1,
  numberBeginsWith: '',
  numberOfDigits: null,
  digitsToBeRemoved: 0,
  prefix: '',
  ...r,
});
const RULES: DialingRule[] = [
  rule({ name: 'Own site', numberBeginsWith: '+1408555', digitsToBeRemoved: 8 }),
  rule({ name: 'International', numberBeginsWith: '+', digitsToBeRemoved: 1, prefix: '9011', priority: 2 }),
  rule({ name: 'Swallow', numberBeginsWith: '77', numberOfDigits: 2, digitsToBeRemoved: 2 }),
  rule({ name: 'Directory: own site', type: 2, numberBeginsWith: '+1408555', digitsToBeRemoved: 8 }),
];

beforeAll(() => startI18n('en'));
afterAll(() => chooseLanguage('en'));

describe('in English', () => {
  it('says what the core says, word for word', () => {
    for (const input of ['+1 408 555 0101', '+44 20 7946 0103', '0101', '77', 'call me', '  ', '1'.repeat(40), '+1 408 555 0101 x12']) {
      const plan = applyDialingRules(input, RULES);
      expect(planText(plan), input).toBe(plan.error ?? plan.explanation);
      expect(planWhy(plan), input).toBe(plan.steps.map(stepSentence).join(' → '));
    }
    expect(lookupText(applyDialingRules('+1 408 555 0102', RULES, 'directory'))).toBe("looked up as 0102 (rule 'Directory: own site')");
    expect(lookupText(applyDialingRules('5550102', RULES, 'directory'))).toBe('looked up as 5550102 (no rule applies)');
  });

  it('names the other party of a call, or says that the number was withheld', () => {
    expect(callStateText('talking', 'Maria Chen (0101)')).toBe('On a call with Maria Chen (0101)');
    expect(callStateText('ringing', '')).toBe('Someone is calling');
    expect(lineStateText('held')).toBe('Your phone has a call on hold');
  });
});

describe('in German', () => {
  beforeAll(() => chooseLanguage('de'));

  it('tells the preview, its steps and the reasons nothing can be dialed', () => {
    expect(planText(applyDialingRules('+1 408 555 0101', RULES))).toBe('wählt 0101 (Regel „Own site“)');
    expect(planText(applyDialingRules('0101', RULES))).toBe('wählt 0101 (keine Wählregel trifft zu)');
    expect(planWhy(applyDialingRules('+44 20 7946 0103', RULES))).toBe(
      '„+44 20 7946 0103“ zu +442079460103 vereinheitlicht → „+“ entfernt → Präfix „9011“ vorangestellt',
    );
    expect(planWhy(applyDialingRules('+1 408 555 0101 x12', RULES))).toContain('Durchwahl 12 wird nicht gewählt');
    expect(planText(applyDialingRules('call me', RULES))).toBe('„call me“ ist keine Telefonnummer.');
    expect(planText(applyDialingRules('  ', RULES))).toBe('Es wurde keine Nummer zum Wählen angegeben.');
    expect(planText(applyDialingRules('1'.repeat(40), RULES))).toBe('Die Nummer ist zu lang, um gewählt zu werden.');
    expect(planText(applyDialingRules('77', RULES))).toBe('Nach der Wählregel „Swallow“ bleibt nichts zu wählen.');
    expect(lookupText(applyDialingRules('+1 408 555 0102', RULES, 'directory'))).toBe('nachgeschlagen als 0102 (Regel „Directory: own site“)');
  });

  it('shows an error it has no facts for in the core’s words', () => {
    const plan = { ...applyDialingRules('0101', RULES), error: 'The dial plan is not loaded.' };
    expect(planText(plan)).toBe('The dial plan is not loaded.');
  });

  it('words a directory number that cannot be dialed from its facts', () => {
    const phone = phoneFrom('work', 'ask reception', RULES);
    expect(phone.error).toBe('"ask reception" is not a phone number.');
    expect(planError(phone)).toBe('„ask reception“ ist keine Telefonnummer.');
  });

  it('says the call lines as whole German sentences', () => {
    expect(callStateText('ringing', 'Maria Chen (0101)')).toBe('Maria Chen (0101) ruft an');
    expect(callStateText('dialing', '0104')).toBe('0104 wird angerufen…');
    expect(callStateText('held', '')).toBe('Gehalten: eine unterdrückte Nummer');
    expect(lineStateText('talking')).toBe('Ihr Telefon führt ein Gespräch');
  });
});
