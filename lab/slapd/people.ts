/** The lab's people as directory entries, and the lab CUPS server's Directory.* settings for a slapd. */
import type { LabDirectoryConfig } from '../cups/directory-config';
import { DEMO_USER, LAB_COLLEAGUES, LAB_DIRECTORY_DETAILS, LAB_DIRECTORY_EXTRA, LAB_DOMAIN } from '../directory';
import type { LdapPerson, Slapd } from '.';
import { LAB_PHOTO_HUES, labPortrait } from './photos';

const photo = (id: string) => (LAB_PHOTO_HUES[id] === undefined ? {} : { jpegPhoto: labPortrait(LAB_PHOTO_HUES[id]) });

export const LAB_DIRECTORY_SUFFIX = 'dc=demo,dc=presence-desk,dc=test';

export function labDirectoryPeople(): LdapPerson[] {
  const split = (name: string) => {
    const parts = name.split(' ');
    return { givenName: parts[0], sn: parts.slice(1).join(' ') || parts[0] };
  };
  return [
    ...[DEMO_USER, ...LAB_COLLEAGUES].map((p) => ({
      uid: p.id,
      cn: p.displayName,
      displayName: p.displayName,
      ...split(p.displayName),
      mail: `${p.id}@${LAB_DOMAIN}`,
      title: LAB_DIRECTORY_DETAILS[p.id]?.title,
      telephoneNumber: p.numbers,
      mobile: LAB_DIRECTORY_DETAILS[p.id]?.mobile,
      ...photo(p.id),
    })),
    ...LAB_DIRECTORY_EXTRA.map((p) => ({
      uid: p.id,
      cn: p.displayName ?? `${p.givenName} ${p.surname}`,
      ...(p.displayName ? { displayName: p.displayName } : {}),
      givenName: p.givenName,
      sn: p.surname,
      mail: `${p.id}@${LAB_DOMAIN}`,
      title: p.title,
      telephoneNumber: p.work,
      mobile: p.mobile,
      ...photo(p.id),
    })),
  ];
}

export function labDirectoryConfig(slapd: Pick<Slapd, 'host' | 'port' | 'bindDn' | 'bindPassword' | 'peopleBase'>): LabDirectoryConfig {
  return {
    servers: { Primary: { host: slapd.host, port: slapd.port, protocol: 'tcp' } },
    bindDn: slapd.bindDn,
    password: slapd.bindPassword,
    contexts: [{ base: slapd.peopleBase, recursive: true }],
  };
}
