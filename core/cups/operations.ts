/**
 * Request bodies and response readers for the CUPS operations beyond sign-in and config:
 * user config, groups, contacts, presence rules, recent communications, long-term presence,
 * ACLs and calendaring. Batch answers are read item by item, in the server's order.
 */
import { attr, child, children, escapeXml as e, find, text, type XmlNode } from '../xml/safe-xml';
import type { AclRule, ContactSpec, GroupChange, GroupSpec, ItemResult, PresenceRule, PresenceRules, RecentComm, UserProperty } from './types';

const ok = (status: string) => /^\s*(succeeded|0)\s*$/i.test(status);
const a = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : ` ${name}="${e(String(value))}"`);
const num = (v: string | undefined) => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

function statuses(resp: XmlNode | undefined): XmlNode[] {
  return children(resp, 'status');
}

// ── user config ─────────────────────────────────────────────────────────────────────────
export const setUserConfigBody = (props: UserProperty[]) =>
  `<set-user-config>${props.map((p) => `<property${a('name', p.name)}${a('is-public', p.isPublic)}>${e(p.value)}</property>`).join('')}</set-user-config>`;

export function readSetUserConfig(resp: XmlNode | undefined, sent: UserProperty[]): ItemResult<UserProperty>[] {
  return children(resp, 'property').map((p, i) => {
    const name = attr(p, 'name') ?? sent[i]?.name ?? '';
    const code = attr(p, 'status-code') ?? text(p);
    return { item: sent.find((s) => s.name === name) ?? { name, value: '' }, ok: ok(code), status: code === '0' ? 'succeeded' : code };
  });
}

// ── groups ──────────────────────────────────────────────────────────────────────────────
export const addGroupBody = (groups: GroupSpec[]) =>
  `<add-group>${groups.map((g) => `<group${a('name', g.name)}${a('index', g.index)}/>`).join('')}</add-group>`;
export const modifyGroupBody = (changes: GroupChange[]) =>
  `<modify-group>${changes.map((c) => `<group${a('old-name', c.oldName)}${a('new-name', c.newName)}${a('index', c.index)}/>`).join('')}</modify-group>`;
export const deleteGroupBody = (names: string[]) => `<delete-group>${names.map((n) => `<group${a('name', n)}/>`).join('')}</delete-group>`;

export function readGroupStatuses(resp: XmlNode | undefined): ItemResult<GroupSpec>[] {
  return statuses(resp).map((s) => ({ item: { name: attr(s, 'name') ?? '', index: num(attr(s, 'index')) }, ok: ok(text(s)), status: text(s).trim() }));
}

export function readModifyGroupStatuses(resp: XmlNode | undefined): ItemResult<GroupChange>[] {
  return statuses(resp).map((s) => ({
    item: { oldName: attr(s, 'old-name') ?? '', newName: attr(s, 'new-name'), index: num(attr(s, 'index')) },
    ok: ok(text(s)),
    status: text(s).trim(),
  }));
}

// ── contacts ────────────────────────────────────────────────────────────────────────────
/** Contacts grouped by group, in first-seen order, as the operations expect. */
function byGroup(contacts: ContactSpec[], withDetails: boolean): string {
  const groups = new Map<string, ContactSpec[]>();
  for (const c of contacts) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return [...groups]
    .map(
      ([group, list]) =>
        `<group${a('name', group)}>` +
        list
          .map((c) =>
            withDetails
              ? `<persona-id${a('index', c.index)}${a('display-on-phone', c.displayOnPhone)}${a('nickname', c.nickname)}>${e(c.personaId)}</persona-id>`
              : `<persona-id>${e(c.personaId)}</persona-id>`,
          )
          .join('') +
        `</group>`,
    )
    .join('');
}

export const addContactBody = (c: ContactSpec[]) => `<add-contact>${byGroup(c, true)}</add-contact>`;
export const modifyContactBody = (c: ContactSpec[]) => `<modify-contact>${byGroup(c, true)}</modify-contact>`;
export const deleteContactBody = (c: ContactSpec[]) => `<delete-contact>${byGroup(c, false)}</delete-contact>`;

export function readContactStatuses(resp: XmlNode | undefined): ItemResult<ContactSpec>[] {
  return statuses(resp).map((s) => {
    const dop = attr(s, 'display-on-phone');
    return {
      item: {
        group: attr(s, 'group') ?? '',
        personaId: attr(s, 'persona-id') ?? '',
        index: num(attr(s, 'index')),
        nickname: attr(s, 'nickname'),
        displayOnPhone: dop === undefined ? undefined : dop === 'true',
      },
      ok: ok(text(s)),
      status: text(s).trim(),
    };
  });
}

// ── presence rules ──────────────────────────────────────────────────────────────────────
export const PRESENCE_RULES_NS = 'urn:cisco:epas:presence:rules';

export const setPresenceRulesBody = (rules: PresenceRule[]) =>
  `<set-presence-rules>${rules
    .map(
      (r) =>
        `<presence-rule${a('name', r.name)}><rule xmlns:pr="${PRESENCE_RULES_NS}"><visibility>${e(r.visibility)}</visibility>` +
        (r.excludedSources.length || r.filterExtra
          ? `<pr:filter>${r.excludedSources.map((s) => `<pr:excludedsource>${e(s)}</pr:excludedsource>`).join('')}${r.filterExtra ?? ''}</pr:filter>`
          : '') +
        (r.reachability ? `<pr:reachability>${r.reachability}</pr:reachability>` : '') +
        `</rule></presence-rule>`,
    )
    .join('')}</set-presence-rules>`;

/**
 * Writes read elements back as XML in the rules namespace (`pr:`), attributes and text
 * escaped. The reader keeps elements grouped by name, so siblings of different names come
 * back grouped (the conditions are and/or/not sets, where order carries no meaning).
 */
export function writeRuleXml(node: XmlNode, skip: ReadonlySet<string> = new Set()): string {
  let out = '';
  for (const [name, value] of Object.entries(node)) {
    if (name[0] === '@' || name[0] === '#' || skip.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const el: XmlNode = typeof item === 'string' ? { '#text': item } : (item as XmlNode);
      const attrs = Object.keys(el)
        .filter((k) => k[0] === '@')
        .map((k) => ` ${k.slice(1)}="${e(attr(el, k.slice(1)) ?? '')}"`)
        .join('');
      out += `<pr:${name}${attrs}>${e(text(el))}${writeRuleXml(el)}</pr:${name}>`;
    }
  }
  return out;
}
export const deletePresenceRulesBody = (names: string[]) =>
  `<delete-presence-rules>${names.map((n) => `<rule${a('name', n)}/>`).join('')}</delete-presence-rules>`;

export function readPresenceRules(resp: XmlNode | undefined): PresenceRules {
  return {
    visibility: text(child(resp, 'visibility')).trim(),
    privacyPolicy: text(child(resp, 'privacy-policy')).trim(),
    rules: children(resp, 'presence-rule').map((r) => {
      const filter = find(r, 'filter');
      const reachability = writeRuleXml(find(r, 'reachability') ?? {});
      const filterExtra = writeRuleXml(filter ?? {}, new Set(['excludedsource']));
      return {
        name: attr(r, 'name') ?? '',
        visibility: text(find(r, 'visibility')).trim(),
        excludedSources: children(filter, 'excludedsource').map((x) => text(x).trim()),
        ...(reachability ? { reachability } : {}),
        ...(filterExtra ? { filterExtra } : {}),
      };
    }),
  };
}

export function readNameStatuses(resp: XmlNode | undefined): ItemResult<{ name: string }>[] {
  return statuses(resp).map((s) => ({ item: { name: attr(s, 'name') ?? '' }, ok: ok(text(s)), status: text(s).trim() }));
}

// ── recent communications ───────────────────────────────────────────────────────────────
export const addRecentCommBody = (r: RecentComm) =>
  `<add-recent-comm><timestamp>${e(r.timestamp)}</timestamp><type>${r.type}</type><data>${Object.entries(r.data)
    .map(([k, v]) => `<${k}>${e(v)}</${k}>`)
    .join('')}</data></add-recent-comm>`;

export function readAddRecentComm(resp: XmlNode | undefined): { ok: boolean; status: string } {
  const code = attr(child(resp, 'record'), 'status-code') ?? '';
  return { ok: code === '0', status: code === '0' ? 'succeeded' : code || 'The server did not confirm the record.' };
}

export function readRecentComm(resp: XmlNode | undefined): RecentComm[] {
  return children(resp, 'record').map((r) => {
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(child(r, 'data') ?? {})) if (!k.startsWith('@') && k !== '#text') data[k] = text(children({ [k]: v } as XmlNode, k)[0]);
    return { timestamp: text(child(r, 'timestamp')).trim(), type: Number(text(child(r, 'type'))) || 0, data };
  });
}

// ── long-term presence, ACLs, calendaring ───────────────────────────────────────────────
export const publishPresStatusBody = (pidf: string) => `<publish-pres-status>${pidf.replace(/^<\?xml[^>]*\?>/, '')}</publish-pres-status>`;

export function readStatusCode(resp: XmlNode | undefined): { ok: boolean; status: string } {
  const code = text(child(resp, 'status-code')).trim();
  return { ok: code === '0', status: code === '0' ? 'succeeded' : `status code ${code || 'missing'}` };
}

export const getAclBody = (names: string[]) => `<get-acl>${names.map((n) => `<rule${a('name', n)}/>`).join('')}</get-acl>`;
const aclChange = (op: string, rule: string, watchers: string[]) =>
  `<${op}><rule${a('name', rule)}>${watchers.map((w) => `<watcher>${e(w)}</watcher>`).join('')}</rule></${op}>`;
export const addAclBody = (rule: string, watchers: string[]) => aclChange('add-acl', rule, watchers);
export const deleteAclBody = (rule: string, watchers: string[]) => aclChange('delete-acl', rule, watchers);

export function readAcl(resp: XmlNode | undefined): AclRule[] {
  return children(resp, 'rule').map((r) => {
    const watchers = children(r, 'acl').map((x) => text(x).trim());
    const error = watchers.length === 0 ? text(r).trim() || undefined : undefined;
    return { name: attr(r, 'name') ?? '', watchers, ...(error ? { error } : {}) };
  });
}

export function readAclStatuses(resp: XmlNode | undefined): ItemResult<{ rule: string; watcher: string }>[] {
  return children(resp, 'rule').flatMap((r) =>
    statuses(r).map((s) => ({ item: { rule: attr(r, 'name') ?? '', watcher: attr(s, 'watcher') ?? '' }, ok: ok(text(s)), status: text(s).trim() })),
  );
}

export const setCalendaringBody = (on: boolean) => `<set-calendaring>${on}</set-calendaring>`;
export const readCalendaring = (resp: XmlNode | undefined) => text(resp).trim().toLowerCase() === 'true';
export const readSetCalendaring = (resp: XmlNode | undefined) => ({ ok: ok(text(resp)), status: text(resp).trim() });
