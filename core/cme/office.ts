/**
 * What the app shows of a CME office, built from the router's answers: the speed dials as a
 * contact group, each line's state as presence, the user's own phone, the site's facts and the
 * directory search. Plain functions of the data read, so the session only sequences requests.
 *
 * Line state as presence (for contacts that have no SIP presence):
 * - the number's phone is not registered (ISExtStatus down, ISDevStatus other than registered) → Offline;
 * - a call on the line (ISExtCallStatus other than idle or ringing) → On the phone;
 * - otherwise → Available.
 */
import type { CmeSiteInfo, Contact, ContactGroup, DirectoryPerson, PhoneState, Presence } from '../../shared/domain';
import type { CmeDevice, CmeDirectoryEntry, CmeExtension, CmeSiteConfig, CmeSpeedDial } from './types';

export const SPEED_DIAL_GROUP = 'Speed dials';

/** The address a number is known by in the app (the router's SIP domain is its host). */
export const lineUri = (number: string, host: string) => `sip:${number}@${host}`;

const fullName = (first: string, last: string) => [first, last].filter(Boolean).join(' ');

/** The speed dials, named by their label, else by the directory or the extension's names, else the number. */
export function speedDialGroup(speedDials: CmeSpeedDial[], host: string, names: Map<string, string>): ContactGroup {
  const contacts: Contact[] = speedDials
    .slice()
    .sort((a, b) => a.index - b.index)
    .map((s) => {
      const known = names.get(s.number);
      return {
        personaId: s.number,
        uri: lineUri(s.number, host),
        nickname: s.label,
        displayName: s.label || known || s.number,
        index: s.index,
        displayOnPhone: s.blf,
        numbers: [s.number],
        phones: [{ label: 'work', number: s.number }],
        ...(known ? { directoryName: known } : {}),
      };
    });
  return { name: SPEED_DIAL_GROUP, index: 0, contacts };
}

/** Names by number from the directory and the extensions' own names. */
export function namesByNumber(directory: CmeDirectoryEntry[], extensions: CmeExtension[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const x of extensions) if (x.firstName || x.lastName) names.set(x.number, fullName(x.firstName, x.lastName));
  for (const d of directory) if (d.firstName || d.lastName) names.set(d.number, fullName(d.firstName, d.lastName));
  return names;
}

/** A line's presence from its extension and, when known, the phone it is on. */
export function linePresence(extension: CmeExtension, device: CmeDevice | undefined, now = Date.now()): Presence {
  const registered = extension.up !== false && device?.registered !== false;
  const line = device?.lines.find((l) => l.number === extension.number);
  const activity = extension.activity !== 'unknown' ? extension.activity : (line?.activity ?? 'unknown');
  const availability = !registered ? 'offline' : activity === 'in-use' ? 'on-the-phone' : 'available';
  const note = !registered ? 'Phone not registered' : device?.dnd ? 'Do not disturb on the phone' : '';
  return { availability, note, updatedAt: now, devices: [{ id: `line-${extension.number}`, availability, note, source: 'phone' }] };
}

/** The user's own phone, as the Phone line under the dial box shows it. */
export function ownPhoneState(
  number: string | undefined,
  extension: CmeExtension | undefined,
  device: CmeDevice | undefined,
  gateway: string,
  since: number,
): PhoneState {
  if (!number) return { link: 'not-configured', calls: [], error: 'The router names no number for you (no user profile numbers).' };
  if (device && device.registered === false)
    return { link: 'reconnecting', line: number, gateway, calls: [], error: `Your phone ${device.name} is not registered with the router.` };
  const activity = extension?.activity ?? 'unknown';
  const calls =
    activity === 'in-use'
      ? [{ id: `cme:${number}`, state: 'talking' as const, peer: '', direction: 'out' as const, since }]
      : activity === 'ringing'
        ? [{ id: `cme:${number}`, state: 'ringing' as const, peer: '', direction: 'in' as const, since }]
        : [];
  return { link: 'monitoring', line: number, gateway, calls, controls: false, ...(device?.dnd !== undefined ? { phoneDnd: device.dnd } : {}) };
}

/** Directory entries whose name or number contains every word typed (case and accents ignored). */
export function searchDirectory(entries: CmeDirectoryEntry[], query: string, max = 50): DirectoryPerson[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  return entries
    .filter((e) => {
      const hay = fold(`${e.firstName} ${e.lastName} ${e.number}`);
      return words.every((w) => hay.includes(w));
    })
    .slice(0, max)
    .map((e) => ({ userId: e.number, displayName: fullName(e.firstName, e.lastName) || e.number, phones: [{ label: 'work', number: e.number }] }));
}

/** The site's facts in words for Settings → Account. */
export function siteInfo(site: CmeSiteConfig, host: string): CmeSiteInfo {
  const g = site.global;
  const p = site.presence;
  const s = site.sip;
  const plan = [
    g?.maxExtensions !== undefined ? `${g.maxExtensions} extensions at most` : '',
    g?.configuredExtensions !== undefined ? `${g.configuredExtensions} configured` : '',
    g?.voiceMail ? `voice mail ${g.voiceMail}` : '',
  ].filter(Boolean);
  return {
    name: g?.name || host,
    address: g?.address || host,
    version: g?.version || s?.version || 'unknown',
    mode: g?.mode || s?.mode || 'unknown',
    phones: g ? `${g.devicesRegistered ?? '?'} registered of ${g.configuredDevices ?? '?'} configured` : 'unknown',
    numberPlan: plan.join('; ') || 'unknown',
    presence: !p
      ? 'unknown'
      : p.enabled
        ? `on (watching ${p.allowWatch ? 'allowed' : 'not allowed'}, subscriptions ${p.allowSubscribe ? 'allowed' : 'not allowed'}, at most ${p.maxSubscriptions ?? '?'}); colleagues are shown by their SIP presence, else by the state of their line`
        : 'off: colleagues are shown by the state of their line',
    sipRegistrar: s?.address ? `${s.address}:${s.port ?? 5060}${s.authModes.length ? ` (authentication: ${s.authModes.join(', ')})` : ''}` : 'none',
    sessionServers: site.sessionServers.map((x) => `${x.id}: ${x.registerId}`),
    problems: site.problems,
  };
}

/** SCCP and SIP tags are numbered apart (ephone-dn 3 and voice register dn 3 are different lines). */
export const keyOf = (item: { kind: 'sccp' | 'sip'; id: string }) => `${item.kind}:${item.id}`;
export const deviceKeyOf = (x: CmeExtension) => `${x.kind}:${x.devices[0] ?? ''}`;
export const idsOf = (items: Iterable<{ kind: 'sccp' | 'sip'; id: string }>, kind: 'sccp' | 'sip') =>
  [...items].filter((i) => i.kind === kind).map((i) => i.id);

/** A SIP line's state is its phone's: the extension record carries none (ISgetSipExtension has no call status). */
export function withLineOf(x: CmeExtension, device: CmeDevice): CmeExtension {
  if (x.kind !== 'sip') return x;
  const line = device.lines.find((l) => l.number === x.number);
  return line ? { ...x, callStatus: line.state, activity: line.activity } : x;
}
