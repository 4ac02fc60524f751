/**
 * The lab CME site: a dozen extensions (2001–2012), one SCCP phone each, the office's local
 * directory, and the demo user's speed dials. Alex (2001) is the signed-in user.
 */
export interface LabCmePerson {
  /** User name on the router (user profile and xml user). */
  id: string;
  firstName: string;
  lastName: string;
  number: string;
  mac: string;
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
}));

export const LAB_CME_USER = LAB_CME_PEOPLE[0]!;

/** Alex's speed dials: six colleagues, BLF on the first two (as a 7965's buttons would be). */
export const LAB_CME_SPEED_DIALS = LAB_CME_PEOPLE.slice(1, 7).map((p, i) => ({
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
