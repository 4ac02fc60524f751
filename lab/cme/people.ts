/**
 * The lab CME site: a dozen extensions (2001–2012) with one SCCP phone each, one SIP phone
 * (2013, voice register dn and pool 1), the office's local directory, and the demo user's speed
 * dials. Alex (2001) is the signed-in user.
 */
export interface LabCmePerson {
  /** User name on the router (user profile and xml user). */
  id: string;
  firstName: string;
  lastName: string;
  number: string;
  mac: string;
  /** `sip`: a voice register dn on a SIP phone (pool); else an ephone-dn on an SCCP phone. */
  kind: 'sccp' | 'sip';
}

const NAMES: Array<[string, string, string]> = [
  ['alex', 'Alex', 'Morgan'],
  ['maria', 'Maria', 'Chen'],
  ['sam', 'Sam', 'Okafor'],
  ['priya', 'Priya', 'Natarajan'],
  ['omar', 'Omar', 'Haddad'],
  ['jonas', 'Jonas', 'Berg'],
  ['lena', 'Lena', 'Fischer'],
  ['tomasz', 'Tomasz', 'Kowalski'],
  ['zoe', 'Zoë', 'Ångström'],
  ['ines', 'Inès', 'Moreau'],
  ['kenji', 'Kenji', 'Watanabe'],
  ['reception', 'Front', 'Desk'],
];

export const LAB_CME_PEOPLE: LabCmePerson[] = NAMES.map(([id, firstName, lastName], i) => ({
  id,
  firstName,
  lastName,
  number: String(2001 + i),
  mac: `SEP0016C7C7A${(0xf00 + i).toString(16).toUpperCase()}`,
  kind: 'sccp' as const,
}));

/** The SIP phone. */
LAB_CME_PEOPLE.push({ id: 'nadia', firstName: 'Nadia', lastName: 'Petrova', number: '2013', mac: '0013.1978.3CA5', kind: 'sip' });

export const LAB_CME_USER = LAB_CME_PEOPLE[0]!;

/** Alex's speed dials: six colleagues on SCCP phones and the one on the SIP phone, BLF on the first two. */
export const LAB_CME_SPEED_DIALS = [...LAB_CME_PEOPLE.slice(1, 7), LAB_CME_PEOPLE[12]!].map((p, i) => ({
  index: i + 1,
  number: p.number,
  label: `${p.firstName} ${p.lastName}`,
  blf: i < 2,
}));

/** The utility directory also lists numbers that are no extension here. */
export const LAB_CME_DIRECTORY_EXTRA = [
  { firstName: 'Help', lastName: 'Desk', number: '4000' },
  { firstName: 'Building', lastName: 'Security', number: '4911' },
];
