/** Recognising a contact's number in the call list, by digits or by its directory-lookup form. */
import { describe, expect, it } from 'vitest';
import { callerName, numberOwner } from '../../renderer/src/number-owner';
import { callDuration, peerLabel } from '../../renderer/src/PhoneCalls';
import type { Contact } from '../../shared/domain';

const maria: Contact = {
  personaId: 'maria',
  uri: 'sip:maria@x',
  nickname: '',
  displayName: 'Maria Chen',
  index: 1,
  displayOnPhone: false,
  numbers: ['+1 408 555 0101', '+1 650 555 0111', 'ask the operator'],
  phones: [
    { label: 'work', number: '+1 408 555 0101', lookup: '0101', lookupRule: 'Directory: own site' },
    { label: 'mobile', number: '+1 650 555 0111', lookup: '+16505550111' },
    { label: 'other', number: 'ask the operator', error: 'not a number' },
  ],
};
const noPhones: Contact = { ...maria, personaId: 'sam', uri: 'sip:sam@x', displayName: 'Sam', phones: undefined };

describe('numberOwner', () => {
  it('matches what was typed by its digits, however it was written', () => {
    expect(numberOwner([noPhones, maria], '+1 (650) 555-0111')).toMatchObject({ contact: { personaId: 'maria' }, phone: { label: 'mobile' } });
  });
  it('matches an extension dialed through the rules with the directory-lookup form', () => {
    expect(numberOwner([maria], '0101', '0101')?.phone.label).toBe('work');
    expect(numberOwner([maria], '+14085550101', '0101')?.phone.label).toBe('work');
  });
  it('matches nobody for other numbers, empty text or numbers that are not dialable', () => {
    expect(numberOwner([maria], '+1 650 555 0199', '916505550199')).toBeUndefined();
    expect(numberOwner([maria], '', '')).toBeUndefined();
    expect(numberOwner([maria], 'ask the operator')).toBeUndefined();
    // A short dialed string is not enough to claim a match (it could be any extension's tail).
    expect(numberOwner([{ ...maria, phones: [{ label: 'work', number: '101', lookup: '101' }] }], '9', '101')).toBeUndefined();
  });
});

describe('who is on the phone', () => {
  const contacts = new Map([maria, noPhones].map((c) => [c.uri, c]));
  it('names a caller by SIP address or by directory number, and nobody else', () => {
    expect(callerName(contacts, 'maria@x')).toBe('Maria Chen');
    expect(callerName(contacts, '0101')).toBe('Maria Chen');
    expect(callerName(contacts, '+16505550111')).toBe('Maria Chen');
    expect(callerName(contacts, '5550199')).toBeUndefined();
    expect(callerName(contacts, '')).toBeUndefined();
    expect(peerLabel('0101', (p) => callerName(contacts, p))).toBe('Maria Chen (0101)');
    expect(peerLabel('5550199', (p) => callerName(contacts, p))).toBe('5550199');
  });
  it('shows call durations as m:ss, then h:mm:ss', () => {
    expect(callDuration(0)).toBe('0:00');
    expect(callDuration(61_500)).toBe('1:01');
    expect(callDuration(3_723_000)).toBe('1:02:03');
    expect(callDuration(-5)).toBe('0:00');
  });
});
