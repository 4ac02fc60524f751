/**
 * # Contacts
 *
 * **Owns** the user's contact list as the server keeps it (groups and contacts in the server's
 * document order: the core never sorts, the renderer chooses how to sort on screen), the one
 * display-name rule (`contactDisplayName`: nickname, else directory name, else the address's
 * user part), contacts' presence, presence subscriptions (per contact, or one event list),
 * the directory merge (numbers, names, titles from LDAP) and editing through CUPS.
 *
 * **Events:** `contacts:changed` (the whole list, at sign-in and sign-out only),
 * `contacts:delta` (added / changed / removed groups and contacts: every edit, rollback and
 * directory merge), `presence:changed` (one batch per event-loop turn), `directory:status`.
 *
 * **IPC slice:** `contacts:add-group`, `contacts:rename-group`, `contacts:delete-group`,
 * `contacts:add`, `contacts:rename`, `contacts:move`, `contacts:remove` (edits answer with
 * their delta, never the list), `directory:search`, `directory:status`.
 */
export { ContactList, presenceListUri, type ContactChannel, type ContactListOptions } from './contact-list';
export { diffGroups } from './delta';
export { contactDisplayName, contactUris, toContactGroups } from './rules';
