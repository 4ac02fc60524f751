/**
 * The `Directory.*` system-configuration properties the lab CUPS server announces: where the
 * directory is, how to bind, where to search and which attribute holds what (the
 * interoperability guide's `Directory.Map.*` names, as in its UCCN update-ldapmapping example).
 */
type Address = { host: string; port: number; protocol: 'tcp' | 'tls' };

export interface LabDirectoryConfig {
  servers: Partial<Record<'Primary' | 'Backup1' | 'Backup2', Address>>;
  bindDn: string;
  password: string;
  anonymous?: boolean;
  contexts: { base: string; recursive: boolean }[];
}

export function directoryProperties(d: LabDirectoryConfig): [string, string][] {
  return [
    ['Directory.DN', d.bindDn],
    ['Directory.Password', d.password],
    ['Directory.AnonymousBind', d.anonymous ? 'TRUE' : 'FALSE'],
    ['Directory.ConfigurationName', 'lab'],
    ...[0, 1, 2].flatMap((i): [string, string][] => [
      [`Directory.SearchContext${i + 1}`, d.contexts[i]?.base ?? ''],
      [`Directory.SearchRecursive${i + 1}`, d.contexts[i]?.recursive ? 'TRUE' : 'FALSE'],
    ]),
    ['Directory.Map.UserID', 'uid'],
    ['Directory.Map.FirstName', 'givenName'],
    ['Directory.Map.LastName', 'sn'],
    ['Directory.Map.DisplayName', 'displayName'],
    ['Directory.Map.Title', 'title'],
    ['Directory.Map.Photo', 'jpegPhoto'],
    ['Directory.Map.BusinessEMail', 'mail'],
    ['Directory.Map.IM', 'uid'],
    ['Directory.Map.BusinessPhoneNumber', 'telephoneNumber'],
    ['Directory.Map.BusinessMobilePhone', 'mobile'],
    ['Directory.Map.BusinessFax', 'facsimileTelephoneNumber'],
    ['Directory.Map.HomeMobilePhone', ''],
  ];
}
