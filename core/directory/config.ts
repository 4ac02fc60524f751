/**
 * The corporate directory's settings, read from the server's system configuration
 * (get-system-config): `Directory.Primary/Backup1/Backup2.Address|Port|Protocol`,
 * `Directory.DN`, `Directory.Password`, `Directory.AnonymousBind`,
 * `Directory.SearchContext1..3` with `Directory.SearchRecursive1..3`, and the attribute
 * mapping `Directory.Map.*`.
 */
import type { SystemConfig } from '../cups/types';
import type { PhoneLabel } from '../../shared/domain';

export interface DirectoryServer {
  host: string;
  port: number;
  tls: boolean;
}

export interface SearchContext {
  base: string;
  /** `Directory.SearchRecursiveN`: the whole subtree, else only the entries right below. */
  recursive: boolean;
}

/** Which LDAP attribute holds each field we use. */
export interface AttributeMap {
  userId: string;
  displayName: string[];
  email?: string;
  title?: string;
  phones: { label: PhoneLabel; attribute: string }[];
  /** The photo (`Directory.Map.Photo`; jpegPhoto, or thumbnailPhoto in Active Directory). */
  photo?: string;
  /** Attributes a name search looks in. */
  searchable: string[];
}

export interface DirectoryConfig {
  servers: DirectoryServer[];
  bindDn?: string;
  password?: string;
  contexts: SearchContext[];
  map: AttributeMap;
}

const yes = (v: string | undefined) => /^(true|yes|1)$/i.test((v ?? '').trim());

/**
 * The guide spells the map's keys two ways (UCCN: `BusinessPhoneNumber`, `UserID`;
 * get-system-config: `userid`, `displayName`): keys are compared without case.
 * A key that is present but empty means "not in this directory"; a key that is absent
 * gets the usual inetOrgPerson attribute.
 */
const FIELDS: { key: string[]; fallback: string; field: 'userId' | 'displayName' | 'givenName' | 'surname' | 'email' | 'title' | 'photo' | PhoneLabel }[] = [
  { key: ['userid'], fallback: 'uid', field: 'userId' },
  { key: ['displayname'], fallback: 'displayName', field: 'displayName' },
  { key: ['firstname', 'givenname'], fallback: 'givenName', field: 'givenName' },
  { key: ['lastname', 'surname'], fallback: 'sn', field: 'surname' },
  { key: ['businessemail'], fallback: 'mail', field: 'email' },
  { key: ['title'], fallback: 'title', field: 'title' },
  // UCCN's update-ldapmapping says `Photo`, get-system-config `jpegPhoto`.
  { key: ['photo', 'jpegphoto', 'thumbnailphoto'], fallback: 'jpegPhoto', field: 'photo' },
  { key: ['businessphonenumber'], fallback: 'telephoneNumber', field: 'work' },
  { key: ['businessmobilephone'], fallback: 'mobile', field: 'mobile' },
  { key: ['homemobilephone', 'homephone'], fallback: '', field: 'home' },
  { key: ['businessotherphone'], fallback: '', field: 'other' },
  { key: ['businesspager'], fallback: '', field: 'pager' },
];

/** An LDAP attribute description: a name or an OID, never filter or list syntax. */
const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

export function readAttributeMap(directoryMap: Record<string, string>, problems: string[] = []): AttributeMap {
  const byKey = new Map(Object.entries(directoryMap).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const pick = (keys: string[], fallback: string): string | undefined => {
    const key = keys.find((k) => byKey.has(k));
    const value = key ? byKey.get(key)! : fallback;
    if (!value) return undefined;
    if (!ATTRIBUTE.test(value)) {
      problems.push(`Directory.Map.${key} names "${value}", which is not an attribute name; it is ignored.`);
      return undefined;
    }
    return value;
  };
  const got = Object.fromEntries(FIELDS.map((f) => [f.field, pick(f.key, f.fallback)])) as Record<(typeof FIELDS)[number]['field'], string | undefined>;
  const displayName = [got.displayName, 'cn'].filter((a): a is string => !!a).filter((a, i, all) => all.indexOf(a) === i);
  return {
    userId: got.userId ?? 'uid',
    displayName,
    ...(got.email ? { email: got.email } : {}),
    ...(got.title ? { title: got.title } : {}),
    ...(got.photo ? { photo: got.photo } : {}),
    phones: (['work', 'mobile', 'home', 'other', 'pager'] as const).flatMap((label) => (got[label] ? [{ label, attribute: got[label]! }] : [])),
    searchable: [...displayName, got.givenName, got.surname, got.userId ?? 'uid', got.email].filter((a, i, all): a is string => !!a && all.indexOf(a) === i),
  };
}

/** The directory settings, or `undefined` when the server names no directory server. */
export function readDirectoryConfig(system: SystemConfig, problems: string[] = []): DirectoryConfig | undefined {
  // Fields may be missing from a configuration built by hand (tests, older servers): no directory.
  const props = system.properties ?? {};
  const servers = (system.directory ?? []).map((a) => {
    const tls = a.protocol === 'tls';
    return { host: a.host, port: a.port ?? (tls ? 636 : 389), tls };
  });
  if (servers.length === 0) return undefined;
  const contexts: SearchContext[] = [1, 2, 3]
    .map((i) => ({ base: (props[`Directory.SearchContext${i}`] ?? '').trim(), recursive: yes(props[`Directory.SearchRecursive${i}`]) }))
    .filter((c) => c.base)
    // The same context twice would find everyone twice.
    .filter((c, i, all) => all.findIndex((o) => o.base.toLowerCase() === c.base.toLowerCase()) === i);
  const dn = (props['Directory.DN'] ?? '').trim();
  const anonymous = yes(props['Directory.AnonymousBind']) || !dn;
  return {
    servers,
    ...(anonymous ? {} : { bindDn: dn, password: props['Directory.Password'] ?? '' }),
    contexts,
    map: readAttributeMap(system.directoryMap ?? {}, problems),
  };
}
