/**
 * The CUPS operations behind the app's long-term status, privacy, calendar and server
 * preferences (publish/unpublish-pres-status, presence rules and ACLs, calendaring,
 * get/set-user-config), as IPC handlers for DeskSession.
 *
 * Every change is checked item by item: a refused item becomes an error that names what was
 * being done and carries the server's own words, and the answer returned is the server's
 * state read back after the change, so the UI never shows something the server does not hold.
 */
import type {
  LongTermStatus,
  PrivacyRule,
  PrivacyRuleChange,
  PrivacySettings,
  ReachabilityConditions,
  RuleVisibility,
  ServerPreference,
} from '../../../shared/domain';
import type { InvokeHandlers } from '../../../shared/ipc';
import type { CupsSession, ItemResult } from '../index';
import { escapeXml } from '../../xml/safe-xml';
import { DeskError, toAppError } from '../../errors';
import { checkConditions, readReachability, writeReachability } from '../reachability';

/** The CUPS session methods these features use (optional so simpler sessions still fit). */
export type CupsFeatureMethods = Partial<
  Pick<
    CupsSession,
    | 'getUserConfig'
    | 'setUserConfig'
    | 'publishPresStatus'
    | 'unpublishPresStatus'
    | 'getPresenceRules'
    | 'setPresenceRules'
    | 'deletePresenceRules'
    | 'getAcl'
    | 'addAcl'
    | 'deleteAcl'
    | 'getCalendaring'
    | 'setCalendaring'
  >
>;

export type FeatureChannel =
  | 'longterm:get'
  | 'longterm:set'
  | 'longterm:clear'
  | 'privacy:get'
  | 'privacy:set-rule'
  | 'privacy:delete-rule'
  | 'privacy:add-watcher'
  | 'privacy:remove-watcher'
  | 'calendar:get'
  | 'calendar:set'
  | 'preferences:get'
  | 'preferences:set';

/** Where the long-term status is remembered on the server (CUPS cannot read it back). */
export const LONG_TERM_NOTE = 'PresenceDesk.LongTermStatus.Note';
export const LONG_TERM_UNTIL = 'PresenceDesk.LongTermStatus.Until';
export const LONG_TERM_TUPLE = 'presence-desk-long-term';
export const VISIBILITIES: readonly RuleVisibility[] = ['all', 'reachability-only', 'none'];

export interface CupsFeaturesDeps {
  /** The signed-in session's CUPS client, or undefined when signed out. */
  cups(): CupsFeatureMethods | undefined;
  /** The user's own SIP address (the PIDF entity). */
  entity(): string | undefined;
  onLongTerm(status: LongTermStatus | null): void;
  log(line: string): void;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The reachability conditions in words for the Privacy view: "when away, when busy (5 conditions)". */
export function reachabilitySummary(xml: string): string {
  const when = [...new Set([...xml.matchAll(/reachability-status="([^"]*)"/g)].map((m) => m[1]))];
  const conditions = (xml.match(/<pr:epas-(status|reachability)\b/g) ?? []).length;
  const parts = when.length ? when.map((w) => `when ${w}`).join(', ') : 'conditions';
  return `${parts} (${conditions} condition${conditions === 1 ? '' : 's'})`;
}

/** The conditions as the view edits them; undefined when the server's XML cannot be read (then only clearing is offered). */
function editable(xml: string): ReachabilityConditions | undefined {
  try {
    const { sources, when } = readReachability(xml);
    return { sources, when };
  } catch {
    return undefined;
  }
}

/** The PIDF published as the long-term status: Away, with the note and, if given, the end date. */
export function longTermPidf(entity: string, status: LongTermStatus): string {
  const until = status.until ? ` until="${status.until}T23:59:59Z"` : '';
  const note = escapeXml(status.note);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="${escapeXml(entity)}">` +
    `<tuple id="${LONG_TERM_TUPLE}"><status><basic>open</basic></status><note>${note}</note></tuple>` +
    `<dm:person id="p-${LONG_TERM_TUPLE}"><r:activities${until}><r:away/></r:activities><dm:note>${note}</dm:note></dm:person>` +
    `</presence>`
  );
}

export class CupsFeatures {
  readonly handlers: Pick<InvokeHandlers, FeatureChannel>;

  constructor(private readonly deps: CupsFeaturesDeps) {
    this.handlers = {
      'longterm:get': () => this.getLongTerm(),
      'longterm:set': (status) => this.setLongTerm(status),
      'longterm:clear': () => this.clearLongTerm(),
      'privacy:get': () => this.getPrivacy(),
      'privacy:set-rule': (rule) => this.setRule(rule),
      'privacy:delete-rule': (name) => this.deleteRule(name),
      'privacy:add-watcher': (rule, watcher) => this.changeWatcher('add', rule, watcher),
      'privacy:remove-watcher': (rule, watcher) => this.changeWatcher('remove', rule, watcher),
      'calendar:get': () => this.run('Reading the calendar setting', (c) => this.need(c.getCalendaring, 'get-calendaring').call(c)),
      'calendar:set': (on) => this.setCalendar(on),
      'preferences:get': () => this.getPreferences(),
      'preferences:set': (pref) => this.setPreference(pref),
    };
  }

  private need<F>(fn: F | undefined, operation: string): F {
    if (!fn) throw new DeskError('config', `This server connection does not offer ${operation}.`);
    return fn;
  }

  /** Runs one step against the signed-in session; failures say what was being done. */
  private async run<T>(what: string, step: (cups: CupsFeatureMethods) => Promise<T>): Promise<T> {
    const cups = this.deps.cups();
    if (!cups) throw new DeskError('invalid-input', 'Sign in first.');
    try {
      return await step(cups);
    } catch (error) {
      const app = toAppError(error);
      this.deps.log(`cups: ${what} failed: ${app.code}: ${app.message}`);
      if (error instanceof DeskError && error.message.startsWith(what)) throw error;
      throw new DeskError(app.code, `${what} failed: ${app.message}`, app.detail);
    }
  }

  private static refused(what: string, results: ItemResult<unknown>[]): void {
    const bad = results.find((r) => !r.ok);
    if (bad) throw new DeskError('soap-fault', `${what} failed: ${bad.status}`);
    if (results.length === 0) throw new DeskError('parse', `${what} failed: the server did not say whether it worked.`);
  }

  // ── long-term status ──────────────────────────────────────────────────────────────────

  private async getLongTerm(): Promise<LongTermStatus | null> {
    return this.run('Reading the long-term status', async (c) => {
      // A server that keeps no user configuration (any SIMPLE server) has no long-term status to read.
      if (!c.getUserConfig) return null;
      const props = (await c.getUserConfig.call(c)).properties;
      const note = props[LONG_TERM_NOTE]?.value.trim() ?? '';
      const until = props[LONG_TERM_UNTIL]?.value.trim() ?? '';
      return note ? { note, ...(DATE.test(until) ? { until } : {}) } : null;
    });
  }

  private async setLongTerm(raw: LongTermStatus): Promise<LongTermStatus> {
    const note = typeof raw?.note === 'string' ? raw.note.trim() : '';
    const until = typeof raw?.until === 'string' && raw.until ? raw.until : undefined;
    if (!note) throw new DeskError('invalid-input', 'Enter the long-term status, for example "On vacation".');
    if (note.length > 256) throw new DeskError('invalid-input', 'The long-term status is longer than 256 characters.');
    if (until !== undefined && (!DATE.test(until) || Number.isNaN(Date.parse(`${until}T00:00:00Z`)))) {
      throw new DeskError('invalid-input', `"${until}" is not a date (YYYY-MM-DD).`);
    }
    const entity = this.deps.entity();
    if (!entity) throw new DeskError('invalid-input', 'Sign in first.');
    const status: LongTermStatus = { note, ...(until ? { until } : {}) };
    const what = 'Setting the long-term status';
    await this.run(what, async (c) => {
      const published = await this.need(c.publishPresStatus, 'publish-pres-status').call(c, longTermPidf(entity, status));
      if (!published.ok) throw new DeskError('soap-fault', `${what} failed: ${published.status}`);
      const saved = await this.need(c.setUserConfig, 'set-user-config').call(c, [
        { name: LONG_TERM_NOTE, value: note, isPublic: true },
        { name: LONG_TERM_UNTIL, value: until ?? '', isPublic: true },
      ]);
      CupsFeatures.refused(what, saved);
    });
    this.deps.onLongTerm(status);
    return status;
  }

  private async clearLongTerm(): Promise<null> {
    const what = 'Clearing the long-term status';
    await this.run(what, async (c) => {
      const done = await this.need(c.unpublishPresStatus, 'unpublish-pres-status').call(c);
      if (!done.ok) throw new DeskError('soap-fault', `${what} failed: ${done.status}`);
      const saved = await this.need(c.setUserConfig, 'set-user-config').call(c, [
        { name: LONG_TERM_NOTE, value: '', isPublic: true },
        { name: LONG_TERM_UNTIL, value: '', isPublic: true },
      ]);
      CupsFeatures.refused(what, saved);
    });
    this.deps.onLongTerm(null);
    return null;
  }

  // ── privacy: presence rules and their ACLs ────────────────────────────────────────────

  private async getPrivacy(): Promise<PrivacySettings> {
    return this.run('Reading the privacy rules', async (c) => {
      const rules = await this.need(c.getPresenceRules, 'get-presence-rules').call(c);
      const names = rules.rules.map((r) => r.name).filter(Boolean);
      // A rule nobody was added to yet has no ACL: the server says "Invalid Policy name".
      const acls = names.length ? await this.need(c.getAcl, 'get-acl').call(c, names) : [];
      return {
        visibility: rules.visibility,
        privacyPolicy: rules.privacyPolicy,
        rules: rules.rules.map(({ reachability, filterExtra: _kept, ...r }): PrivacyRule => ({
          ...r,
          ...(reachability ? { reachability: reachabilitySummary(reachability), conditions: editable(reachability) } : {}),
          watchers: acls.find((a) => a.name === r.name && !a.error)?.watchers ?? [],
        })),
      };
    });
  }

  private async setRule(raw: PrivacyRuleChange): Promise<PrivacySettings> {
    const name = typeof raw?.name === 'string' ? raw.name.trim() : '';
    if (!name) throw new DeskError('invalid-input', 'Enter a name for the rule.');
    if (name.length > 128) throw new DeskError('invalid-input', 'The rule name is longer than 128 characters.');
    if (!VISIBILITIES.includes(raw.visibility as RuleVisibility))
      throw new DeskError('invalid-input', `"${String(raw.visibility)}" is not a visibility (all, reachability-only, none).`);
    const excludedSources = Array.isArray(raw.excludedSources)
      ? raw.excludedSources.filter((s): s is string => typeof s === 'string' && !!s.trim()).slice(0, 20)
      : [];
    // Checked before anything is sent, so a bad value is refused in words and nothing changes.
    const conditions = raw.conditions !== undefined ? checkConditions(raw.conditions) : undefined;
    const what = `Saving the rule "${name}"`;
    await this.run(what, async (c) => {
      // What this form does not edit (reachability conditions, other filters) goes back as the server has it.
      const current = (await this.need(c.getPresenceRules, 'get-presence-rules').call(c)).rules.find((r) => r.name === name);
      const reachability =
        raw.clearReachability === true
          ? ''
          : conditions
            ? writeReachability(conditions, readReachability(current?.reachability))
            : (current?.reachability ?? '');
      const kept = {
        ...(reachability ? { reachability } : {}),
        ...(current?.filterExtra ? { filterExtra: current.filterExtra } : {}),
      };
      const rule = { name, visibility: raw.visibility, excludedSources, ...kept };
      CupsFeatures.refused(what, await this.need(c.setPresenceRules, 'set-presence-rules').call(c, [rule]));
    });
    return this.getPrivacy();
  }

  private async deleteRule(name: string): Promise<PrivacySettings> {
    if (typeof name !== 'string' || !name) throw new DeskError('invalid-input', 'Choose the rule to delete.');
    const what = `Deleting the rule "${name}"`;
    await this.run(what, async (c) => {
      const current = (await this.getPrivacy()).rules.find((r) => r.name === name);
      CupsFeatures.refused(what, await this.need(c.deletePresenceRules, 'delete-presence-rules').call(c, [name]));
      // The rule's list goes with it, so a new rule of the same name starts empty.
      if (current?.watchers.length) {
        await this.need(c.deleteAcl, 'delete-acl')
          .call(c, name, current.watchers)
          .catch((e) => this.deps.log(`cups: delete-acl after deleting "${name}": ${toAppError(e).message}`));
      }
    });
    return this.getPrivacy();
  }

  private async changeWatcher(kind: 'add' | 'remove', rule: string, rawWatcher: string): Promise<PrivacySettings> {
    const watcher = typeof rawWatcher === 'string' ? rawWatcher.trim().replace(/^sips?:/i, '') : '';
    if (typeof rule !== 'string' || !rule) throw new DeskError('invalid-input', 'Choose a rule.');
    if (!watcher) throw new DeskError('invalid-input', 'Enter a user name.');
    const what = kind === 'add' ? `Adding ${watcher} to "${rule}"` : `Removing ${watcher} from "${rule}"`;
    await this.run(what, async (c) => {
      const results =
        kind === 'add' ? await this.need(c.addAcl, 'add-acl').call(c, rule, [watcher]) : await this.need(c.deleteAcl, 'delete-acl').call(c, rule, [watcher]);
      CupsFeatures.refused(what, results);
    });
    return this.getPrivacy();
  }

  // ── calendaring and server-stored preferences ─────────────────────────────────────────

  private async setCalendar(on: boolean): Promise<boolean> {
    if (typeof on !== 'boolean') throw new DeskError('invalid-input', 'Calendar integration is either on or off.');
    const what = `Turning calendar integration ${on ? 'on' : 'off'}`;
    return this.run(what, async (c) => {
      const r = await this.need(c.setCalendaring, 'set-calendaring').call(c, on);
      if (!r.ok) throw new DeskError('soap-fault', `${what} failed: ${r.status || 'the server did not confirm it'}`);
      return this.need(c.getCalendaring, 'get-calendaring').call(c);
    });
  }

  private async getPreferences(): Promise<ServerPreference[]> {
    return this.run('Reading the preferences stored on the server', async (c) => {
      const props = (await this.need(c.getUserConfig, 'get-user-config').call(c)).properties;
      return Object.entries(props)
        .filter(([name]) => !name.startsWith('PresenceDesk.LongTermStatus.'))
        .map(([name, p]) => ({ name, value: p.value, isPublic: p.isPublic ?? false }));
    });
  }

  private async setPreference(raw: ServerPreference): Promise<ServerPreference[]> {
    const name = typeof raw?.name === 'string' ? raw.name.trim() : '';
    if (!/^[A-Za-z][\w.-]{0,127}$/.test(name))
      throw new DeskError('invalid-input', 'A preference name is letters, digits, dots, dashes and underscores (up to 128).');
    if (typeof raw.value !== 'string' || raw.value.length > 1024) throw new DeskError('invalid-input', 'The value must be text of at most 1,024 characters.');
    const what = `Saving ${name}`;
    await this.run(what, async (c) =>
      CupsFeatures.refused(what, await this.need(c.setUserConfig, 'set-user-config').call(c, [{ name, value: raw.value, isPublic: raw.isPublic === true }])),
    );
    return this.getPreferences();
  }
}
