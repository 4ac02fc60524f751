export * from './config';
export * from './filter';
export * from './mapping';
export * from './ldap-directory';
export * from './contact-directory';
