/** Recognising a contact's SIP address in the recent list, however the address was written. */
import { describe, expect, it } from 'vitest';
import { addressKey, addressOwner } from '../../renderer/src/address-owner';
import type { Contact } from '../../shared/domain';

const maria: Contact = { personaId: 'maria', uri: 'sip:maria@lab.example', nickname: 'Mia', displayName: 'Mia', index: 1, displayOnPhone: false, numbers: [] };
const contacts = new Map([[maria.uri, maria]]);

describe('addressKey', () => {
  it('reduces an address to the contact list’s form', () => {
    expect(addressKey('sip:maria@lab.example')).toBe('sip:maria@lab.example');
    expect(addressKey('maria@Lab.Example')).toBe('sip:maria@lab.example');
    expect(addressKey('"Maria" <SIP:maria@lab.example;transport=tcp>')).toBe('sip:maria@lab.example');
    expect(addressKey(' im:maria@lab.example ')).toBe('sip:maria@lab.example');
    expect(addressKey('sips:maria@lab.example?subject=x')).toBe('sip:maria@lab.example');
  });
  it('keeps the user part’s case and has no form for what is not an address', () => {
    expect(addressKey('sip:Maria@lab.example')).toBe('sip:Maria@lab.example');
    expect(addressKey('+1 408 555 0101')).toBeUndefined();
    expect(addressKey('sip:@lab.example')).toBeUndefined();
    expect(addressKey('maria@')).toBeUndefined();
    expect(addressKey('')).toBeUndefined();
  });
});

describe('addressOwner', () => {
  it('finds the contact for its address in any of those forms', () => {
    expect(addressOwner(contacts, 'sip:maria@lab.example')?.displayName).toBe('Mia');
    expect(addressOwner(contacts, 'maria@LAB.example')?.displayName).toBe('Mia');
  });
  it('finds nobody for other addresses and for numbers', () => {
    expect(addressOwner(contacts, 'sip:visitor@elsewhere.example')).toBeUndefined();
    expect(addressOwner(contacts, '0101')).toBeUndefined();
  });
});
