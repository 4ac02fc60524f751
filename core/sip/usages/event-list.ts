/**
 * The state of one event-list subscription (RFC 4662) as NOTIFYs arrive: reads the
 * multipart/related body, orders notifications by RLMI `version`, and turns each NOTIFY into
 * exactly the presence changes it carries.
 *
 * ```
 *   Empty ──full state (any version)──> Synced(v) ──partial v+1──> Synced(v+1)
 *                                          │  ^  └──partial > v+1──> Synced (gap reported)
 *                                          │  └──full state ≥ v─────┘
 *                                          └── version ≤ v (partial) or < v (full): ignored as stale
 * ```
 *
 * - A full-state NOTIFY lists every member: members it no longer names have left the list.
 * - A partial NOTIFY names only the members whose state changed; the others keep theirs.
 * - A member without an instance has no state on the list server (not yet fetched, or none
 *   published): it is shown unknown, never guessed offline, because the server's first full
 *   states arrive before all of its back-end subscriptions have answered.
 * - A change is reported only when what the user would see differs from the last known state,
 *   so the server's repeated full states (Kamailio sends two at the start) cost no UI work.
 * - Bad input (malformed multipart or RLMI) throws `EventListError` and changes nothing; a
 *   single member's unreadable PIDF is reported in `problems` and that member keeps its state.
 */
import type { Presence } from '../../../shared/domain';
import { normaliseAor } from '../../uri';
import { parseMultipart, parseContentType, rootPart, type ContentType, type MimePart, type MultipartOptions } from '../codecs/multipart';
import { parsePidf, presenceOf } from '../codecs/pidf';
import { parseRlmi, type InstanceState, type Rlmi, type RlmiInstance } from '../codecs/rlmi';
import { xmlBodyText } from '../codecs/text-body';

export class EventListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventListError';
  }
}

export interface MemberChange {
  /** The member's AOR (normalised). */
  uri: string;
  presence: Presence;
  /** The subscription state of the member's instance, when the server gave one. */
  instance?: InstanceState;
  /** Why a terminated (or pending) instance is in that state. */
  reason?: string;
  /** True when a full-state NOTIFY no longer lists the member. */
  removed?: boolean;
}

export interface ApplyResult {
  /** `applied`, or why nothing was applied. */
  outcome: 'applied' | 'stale' | 'no-base';
  version: number;
  fullState: boolean;
  changes: MemberChange[];
  /** Partial notification(s) were lost between the last version and this one. */
  gap: boolean;
  /** Members whose part could not be read (their last state is kept). */
  problems: string[];
}

/** Content types a NOTIFY of an event list may carry. */
export function isEventListBody(contentType: string | undefined): boolean {
  const type = parseContentType(contentType ?? '').type;
  return type === 'multipart/related' || type === 'application/rlmi+xml';
}

/** What the documents are called when their encoding cannot be read. */
const RLMI_WHAT = 'resource list (RLMI) document';
const PIDF_WHAT = 'presence document';

/** How deep lists inside lists are read; deeper parts are reported as problems. */
export const MAX_NESTING = 4;

/** A resource of the list (or of a list nested in it) with the part holding its state, if any. */
interface Entry {
  uri: string;
  instance: RlmiInstance | undefined;
  part: MimePart | undefined;
}

/** The root RLMI of a body: bare RLMI, or the root part of a multipart/related. */
function readList(body: string, contentType: ContentType, limits: MultipartOptions): { rlmi: Rlmi; parts: MimePart[] } {
  if (contentType.type === 'application/rlmi+xml') return { rlmi: parseRlmi(xmlBodyText(body, contentType.params.charset, RLMI_WHAT)), parts: [] };
  if (contentType.type !== 'multipart/related')
    throw new Error(`expected multipart/related or application/rlmi+xml, got ${contentType.type || 'no Content-Type'}`);
  const parts = parseMultipart(body, contentType, limits);
  const root = rootPart(parts, contentType);
  if (root.contentType.type !== 'application/rlmi+xml') throw new Error(`the root part is ${root.contentType.type}, not application/rlmi+xml`);
  return { rlmi: parseRlmi(xmlBodyText(root.body, root.contentType.params.charset, RLMI_WHAT)), parts };
}

interface Known {
  presence: Presence;
  key: string;
}

const keyOf = (p: Presence, instance?: string, reason?: string) =>
  JSON.stringify([p.availability, p.note, p.devices.map((d) => [d.id, d.availability, d.note, d.source ?? '']), instance ?? '', reason ?? '']);

function stateless(at: number): Presence {
  return { availability: 'unknown', note: '', updatedAt: at, devices: [] };
}

/** The instance that speaks for a resource: the one with state in this body, active first. */
function pickInstance(instances: RlmiInstance[], parts: Map<string, MimePart>): RlmiInstance | undefined {
  const withBody = instances.filter((i) => i.cid && parts.has(i.cid));
  return withBody.find((i) => i.state === 'active') ?? withBody[0] ?? instances.find((i) => i.state === 'active') ?? instances[0];
}

export class EventListState {
  private _version: number | undefined;
  private readonly known = new Map<string, Known>();

  constructor(private readonly limits: MultipartOptions = {}) {}

  get version(): number | undefined {
    return this._version;
  }

  /** Members with a known state (AORs). */
  members(): string[] {
    return [...this.known.keys()];
  }

  presenceOf(uri: string): Presence | undefined {
    return this.known.get(normaliseAor(uri))?.presence;
  }

  /** Forgets everything (a new subscription starts with a new version sequence). */
  reset(): void {
    this._version = undefined;
    this.known.clear();
  }

  /** Applies one NOTIFY body; throws `EventListError` when the body cannot be read at all. */
  apply(body: string, contentTypeHeader: string, at = Date.now()): ApplyResult {
    let parts: MimePart[];
    let rlmi: Rlmi;
    try {
      ({ rlmi, parts } = readList(body, parseContentType(contentTypeHeader), this.limits));
    } catch (error) {
      throw new EventListError(`event-list NOTIFY not readable: ${(error as Error).message}`);
    }
    const base = { version: rlmi.version, fullState: rlmi.fullState, changes: [] as MemberChange[], gap: false, problems: [] as string[] };
    const last = this._version;
    if (last !== undefined && (rlmi.fullState ? rlmi.version < last : rlmi.version <= last)) return { ...base, outcome: 'stale' };
    if (last === undefined && !rlmi.fullState) return { ...base, outcome: 'no-base' };
    const gap = !rlmi.fullState && last !== undefined && rlmi.version > last + 1;
    this._version = rlmi.version;

    const changes: MemberChange[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const { uri, instance, part } of this.entries(rlmi, parts, problems, 0)) {
      seen.add(uri);
      let presence: Presence;
      if (part) {
        const type = part.contentType.type;
        if (type !== 'application/pidf+xml' && type !== 'application/cpim-pidf+xml') {
          problems.push(`${uri}: state in ${type || 'an untyped part'}, not PIDF`);
          continue;
        }
        try {
          presence = presenceOf(parsePidf(xmlBodyText(part.body, part.contentType.params.charset, PIDF_WHAT)), at);
        } catch (error) {
          problems.push(`${uri}: ${(error as Error).message}`);
          continue;
        }
      } else if (instance?.state === 'active' && this.known.has(uri)) {
        // Active and no body: nothing new about this member in this NOTIFY.
        continue;
      } else {
        // Pending (awaiting authorisation), terminated (rejected, deactivated, quotaExceeded…)
        // or no instance yet: the list cannot say how this member is.
        presence = stateless(at);
      }
      const key = keyOf(presence, instance?.state, instance?.reason);
      if (this.known.get(uri)?.key === key) continue;
      this.known.set(uri, { presence, key });
      changes.push({ uri, presence, ...(instance ? { instance: instance.state } : {}), ...(instance?.reason ? { reason: instance.reason } : {}) });
    }
    if (rlmi.fullState) {
      for (const uri of [...this.known.keys()]) {
        if (seen.has(uri)) continue;
        this.known.delete(uri);
        changes.push({ uri, presence: stateless(at), removed: true });
      }
    }
    // Built whole rather than spread from `base` with fields overridden: this runs for every NOTIFY.
    return { version: rlmi.version, fullState: rlmi.fullState, changes, gap, problems, outcome: 'applied' };
  }

  /** The resources of `rlmi` with their state parts; a nested list's members in its place. */
  private entries(rlmi: Rlmi, parts: MimePart[], problems: string[], depth: number): Entry[] {
    const byCid = new Map(parts.filter((p) => p.contentId).map((p) => [p.contentId, p]));
    const out: Entry[] = [];
    for (const resource of rlmi.resources) {
      const uri = normaliseAor(resource.uri);
      const instance = pickInstance(resource.instances, byCid);
      const part = instance?.cid ? byCid.get(instance.cid) : undefined;
      if (part?.contentType.type !== 'multipart/related') {
        out.push({ uri, instance, part });
        continue;
      }
      if (depth + 1 >= MAX_NESTING) {
        problems.push(`${uri}: a list nested more than ${MAX_NESTING} deep was not read`);
        continue;
      }
      try {
        const nested = readList(part.body, part.contentType, this.limits);
        out.push(...this.entries(nested.rlmi, nested.parts, problems, depth + 1));
      } catch (error) {
        problems.push(`${uri}: nested list not readable: ${(error as Error).message}`);
      }
    }
    return out;
  }
}
