/**
 * Reads a presence rule's `<pr:reachability>` content (as kept in `PresenceRule.reachability`)
 * into the conditions the Privacy view edits, and writes edited conditions back. What the view
 * does not edit — and/or/not groups inside a condition, other elements — is carried over from
 * the server's copy, so a save never drops it.
 */
import type { ReachabilityConditions, ReachabilityStatusTest, ReachabilityWhen } from '../../shared/domain';
import { DeskError } from '../errors';
import { attr, child, children, escapeXml as e, parseXml, type XmlNode } from '../xml/safe-xml';
import { PRESENCE_RULES_NS, writeRuleXml } from './operations';

/** Conditions read from the server, with the XML of what is not edited kept beside them. */
export interface ReadConditions extends ReachabilityConditions {
  /** Per `when` (by index): its and/or/not groups, as `pr:` XML. */
  keptInWhen: string[];
  /** Children of `<pr:cond>` other than `epas-reachability`. */
  keptInCond: string;
  /** Children of `<pr:reachability>` other than `cond` and `when`. */
  keptOther: string;
}

const EDITED_IN_WHEN = new Set(['epas-status']);

export function readReachability(xml: string | undefined): ReadConditions {
  const empty: ReadConditions = { sources: [], when: [], keptInWhen: [], keptInCond: '', keptOther: '' };
  if (!xml?.trim()) return empty;
  const doc = parseXml(`<pr:reachability xmlns:pr="${PRESENCE_RULES_NS}">${xml}</pr:reachability>`, {
    namespaces: true,
    what: 'reachability conditions',
  });
  const root = child(doc, 'reachability') ?? doc;
  const cond = child(root, 'cond');
  // The guide puts the `when` conditions inside `<pr:cond>`; some servers keep them beside it.
  const whens = [...children(cond, 'when'), ...children(root, 'when')];
  const nestedOf = (w: XmlNode) => ['and', 'or', 'not'].reduce((n, k) => n + children(w, k).length, 0);
  return {
    sources: children(cond, 'epas-reachability').map((r) => attr(r, 'source') ?? ''),
    when: whens.map((w, index): ReachabilityWhen => {
      const nested = nestedOf(w);
      return {
        reachabilityStatus: attr(w, 'reachability-status') ?? '',
        statuses: children(w, 'epas-status').map((s) => ({ source: attr(s, 'source') ?? '', status: attr(s, 'status') ?? '' })),
        ...(nested ? { nested } : {}),
        index,
      };
    }),
    keptInWhen: whens.map((w) => writeRuleXml(w, EDITED_IN_WHEN)),
    keptInCond: writeRuleXml(cond ?? {}, new Set(['epas-reachability', 'when'])),
    keptOther: writeRuleXml(root, new Set(['cond', 'when'])),
  };
}

// A source names a client or device ("Cell Phone", "cupc"; written escaped); a status is one word ("away").
const SOURCE = /^[^\u0000-\u001f\u007f]{1,128}$/;
const STATUS = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function checkSource(source: unknown, where: string): string {
  const s = typeof source === 'string' ? source.trim() : '';
  if (!s) throw new DeskError('invalid-input', `Enter the source ${where} (for example "cupc" or "Cell Phone").`);
  if (!SOURCE.test(s))
    throw new DeskError(
      'invalid-input',
      `The source "${s.slice(0, 40)}" ${where} is longer than 128 characters or has control characters (tabs, line breaks).`,
    );
  return s;
}

function checkStatus(status: unknown, where: string): string {
  const s = typeof status === 'string' ? status.trim() : '';
  if (!s) throw new DeskError('invalid-input', `Enter the status ${where} (for example "away").`);
  if (!STATUS.test(s))
    throw new DeskError('invalid-input', `"${s.slice(0, 40)}" ${where} is not a status: use one word of letters, digits, "-" or "_" (for example "away").`);
  return s;
}

/** Checks conditions coming from the view; refuses in words what the server could not take. */
export function checkConditions(raw: unknown): ReachabilityConditions {
  const c = (raw ?? {}) as Partial<ReachabilityConditions>;
  if (!Array.isArray(c.sources ?? []) || !Array.isArray(c.when ?? [])) throw new DeskError('invalid-input', 'The reachability conditions could not be read.');
  const sources = (c.sources ?? []).map((s, i) => checkSource(s, `of reachable source ${i + 1}`));
  if (sources.length > 20 || (c.when ?? []).length > 20)
    throw new DeskError('invalid-input', 'A rule can have at most 20 reachable sources and 20 conditions.');
  const when = (c.when ?? []).map((w, i): ReachabilityWhen => {
    const n = i + 1;
    const statuses = Array.isArray(w?.statuses) ? w.statuses : [];
    // A condition with only and/or/not groups (set elsewhere, kept by index) needs no test of its own.
    if (!statuses.length && !(w?.nested && typeof w.index === 'number'))
      throw new DeskError('invalid-input', `Condition ${n} has no status to test: add one or remove the condition.`);
    if (statuses.length > 20) throw new DeskError('invalid-input', `Condition ${n} has more than 20 status tests.`);
    return {
      reachabilityStatus: checkStatus(w?.reachabilityStatus, `shown by condition ${n}`),
      statuses: statuses.map((s: ReachabilityStatusTest, j) => ({
        source: checkSource(s?.source, `in test ${j + 1} of condition ${n}`),
        status: checkStatus(s?.status, `in test ${j + 1} of condition ${n}`),
      })),
      ...(typeof w?.index === 'number' && Number.isInteger(w.index) && w.index >= 0 ? { index: w.index } : {}),
    };
  });
  return { sources, when };
}

/**
 * Writes checked conditions as `<pr:reachability>` content, carrying over from `current` (the
 * server's copy) the groups and elements the view does not edit. Empty conditions give ''.
 */
export function writeReachability(conditions: ReachabilityConditions, current: ReadConditions = readReachability('')): string {
  const sources = conditions.sources.map((s) => `<pr:epas-reachability source="${e(s)}"></pr:epas-reachability>`).join('');
  const when = conditions.when
    .map((w) => {
      const kept = w.index !== undefined ? (current.keptInWhen[w.index] ?? '') : '';
      // Nothing to test (its groups were gone from the server's copy): no condition is written.
      if (!w.statuses.length && !kept) return '';
      const tests = w.statuses.map((s) => `<pr:epas-status source="${e(s.source)}" status="${e(s.status)}"></pr:epas-status>`).join('');
      return `<pr:when reachability-status="${e(w.reachabilityStatus)}">${tests}${kept}</pr:when>`;
    })
    .join('');
  // Written in the guide's shape (Example 43): sources and `when` conditions inside one `<pr:cond>`.
  const inCond = sources + when + current.keptInCond;
  return (inCond ? `<pr:cond>${inCond}</pr:cond>` : '') + current.keptOther;
}
