/**
 * The buddy list as an RFC 4826 resource-lists document: each group a top-level `<list name>`,
 * each contact an `<entry uri>` with an optional `<display-name>` (the nickname). Read with the
 * safe XML reader by namespace; parts are written without prefixes in the default namespace,
 * because servers match node selectors against unprefixed documents (Kamailio 5.6). Also the
 * rls-services document (RFC 4826 §4) that lets one event-list subscription cover the list.
 */
import type { CupsGroup } from '../cups';
import { DeskError } from '../errors';
import { attr, children, escapeXml, nsOf, parseXml, text, type XmlNode } from '../xml/safe-xml';
import { normaliseAor, personaUri } from '../uri';

export const RESOURCE_LISTS_AUID = 'resource-lists';
export const RESOURCE_LISTS_TYPE = 'application/resource-lists+xml';
export const RESOURCE_LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists';
export const RLS_SERVICES_AUID = 'rls-services';
export const RLS_SERVICES_TYPE = 'application/rls-services+xml';
export const ELEMENT_TYPE = 'application/xcap-el+xml';

/** A group's contacts are the entries of its list; a persona id is the user part in the own domain, the address elsewhere. */
export function readResourceLists(xml: string, domain: string): CupsGroup[] {
  let root: XmlNode;
  try {
    root = parseXml(xml, { what: 'resource-lists document', namespaces: true, requireWellFormed: true });
  } catch (error) {
    throw new DeskError('parse', `The buddy list on the XCAP server could not be read: ${(error as Error).message}`);
  }
  const top = children(root, 'resource-lists')[0];
  if (!top || nsOf(top) !== RESOURCE_LISTS_NS) throw new DeskError('parse', 'The buddy list on the XCAP server is not a resource-lists document (RFC 4826).');
  return children(top, 'list').map((list, index) => ({
    name: attr(list, 'name') ?? `List ${index + 1}`,
    index: index + 1,
    contacts: children(list, 'entry')
      .filter((e) => attr(e, 'uri'))
      .map((entry, i) => {
        const nickname = text(children(entry, 'display-name')[0]).trim();
        return { personaId: personaIdOf(attr(entry, 'uri')!, domain), index: i + 1, ...(nickname ? { nickname } : {}) };
      }),
  }));
}

export function personaIdOf(uri: string, domain: string): string {
  const aor = normaliseAor(uri);
  return aor.endsWith(`@${domain.toLowerCase()}`) ? aor.slice(4, -domain.length - 1) : aor.slice(4);
}

export const emptyResourceLists = () => `<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="${RESOURCE_LISTS_NS}"/>`;

export const listElement = (name: string, entries = '') => `<list xmlns="${RESOURCE_LISTS_NS}" name="${escapeXml(name)}">${entries}</list>`;

export const entryElement = (uri: string, nickname?: string) =>
  `<entry xmlns="${RESOURCE_LISTS_NS}" uri="${escapeXml(uri)}">${nickname ? `<display-name>${escapeXml(nickname)}</display-name>` : ''}</entry>`;

/** The entries of a list, as they go inside a new `<list>` (a renamed group keeps its contacts). */
export const entriesOf = (group: CupsGroup, domain: string) =>
  group.contacts.map((c) => entryElement(personaUri(c.personaId, domain), c.nickname).replace(` xmlns="${RESOURCE_LISTS_NS}"`, '')).join('');

/** The rls-services document: one service, the user's list URI, whose members are every contact once. */
export function rlsServicesDocument(listUri: string, groups: CupsGroup[], domain: string): string {
  const members = [...new Set(groups.flatMap((g) => g.contacts.map((c) => personaUri(c.personaId, domain))))];
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="${RESOURCE_LISTS_NS}">` +
    `<service uri="${escapeXml(listUri)}"><list name="buddies">${members.map((m) => `<rl:entry uri="${escapeXml(m)}"/>`).join('')}</list>` +
    `<packages><package>presence</package></packages></service></rls-services>`
  );
}
