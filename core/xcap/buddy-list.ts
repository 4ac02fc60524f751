/**
 * The buddy list kept on an XCAP server (RFC 4825/4826): the last document read, its ETag,
 * and every edit as a conditional PUT or DELETE of the smallest part (one `<list>` or one
 * `<entry>`). The rls-services document follows each change, so one event-list subscription
 * covers the whole list.
 *
 * ```
 *   edit ──plan against the list as read──> PUT/DELETE part, If-Match: <etag>
 *      2xx ──> applied here, ETag kept ──> rls-services rewritten ──> done
 *      412 ──> another client changed the list: read it again ──> plan again (the edit may
 *              no longer make sense: then refused in words) ──> at most 3 tries
 *      other ──> refused with the server's status
 * ```
 *
 * After a conflict the list as the server now holds it (the other client's change and ours)
 * is handed to the listener with a notice for the user, so nothing is lost and nothing is
 * shown that the server does not hold.
 */
import type { CupsGroup, ItemResult } from '../cups';
import { DeskError } from '../errors';
import { Emitter } from '../events';
import {
  ELEMENT_TYPE,
  RESOURCE_LISTS_AUID,
  RESOURCE_LISTS_TYPE,
  RLS_SERVICES_AUID,
  RLS_SERVICES_TYPE,
  emptyResourceLists,
  readResourceLists,
  rlsServicesDocument,
} from './resource-lists';
import { selectorValue, type XcapClient, type XcapResponse } from './xcap-client';

/** One planned write: a part's selector (under the document), and the element to PUT (none: DELETE). */
export interface PartWrite {
  selector: string;
  element?: string;
}

export type ListEvents = { list: { groups: CupsGroup[]; notice?: string } };

const TRIES = 3;
const ok = (status: number) => status >= 200 && status < 300;

export class XcapBuddyList {
  private groups: CupsGroup[] = [];
  private etag: string | undefined;
  private rlsEtag: string | null | undefined = undefined;
  private readonly events = new Emitter<ListEvents>();

  constructor(
    private readonly client: XcapClient,
    private readonly domain: string,
    /** The event-list URI the rls-services document names (`sip:<user>-list@<domain>`). */
    private readonly listUri: string,
    private readonly log: (line: string) => void,
  ) {}

  get list(): CupsGroup[] {
    return this.groups;
  }

  /** The ETag of the document as last read or written (xcap-diff compares with it). */
  get documentEtag(): string | undefined {
    return this.etag;
  }

  on<E extends keyof ListEvents>(event: E, listener: (payload: ListEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Reads the document; a user without one gets an empty one (created only if still absent). */
  async load(): Promise<CupsGroup[]> {
    const url = this.client.documentUrl(RESOURCE_LISTS_AUID);
    let res = await this.client.get(url);
    if (res.status === 404) {
      const made = await this.client.put(url, emptyResourceLists(), RESOURCE_LISTS_TYPE, null);
      // 412: another client made it in between; read theirs.
      if (!ok(made.status) && made.status !== 412) throw refusal('Creating your buddy list on the XCAP server', made);
      res = await this.client.get(url);
    }
    if (res.status !== 200) throw refusal('Reading your buddy list from the XCAP server', res);
    this.groups = readResourceLists(res.body, this.domain);
    this.etag = res.etag;
    return this.groups;
  }

  /** Reads the document again; when it changed (another client's edit), tells the listener. */
  async refresh(): Promise<boolean> {
    const before = this.etag;
    const previous = JSON.stringify(this.groups);
    await this.load();
    const changed = before !== this.etag && JSON.stringify(this.groups) !== previous;
    if (changed) {
      this.events.emit('list', { groups: this.groups });
      await this.writeRlsServices();
    }
    return changed;
  }

  /**
   * One edit: `plan` says what to write against the list as last read (or why it no longer
   * makes sense), `apply` changes the list as the server will hold it after that write.
   */
  async edit<T>(item: T, what: string, plan: (groups: CupsGroup[]) => PartWrite | string, apply: (groups: CupsGroup[]) => CupsGroup[]): Promise<ItemResult<T>> {
    let conflicted = false;
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const part = plan(this.groups);
      if (typeof part === 'string') {
        if (conflicted) this.events.emit('list', { groups: this.groups, notice: `Your buddy list was changed on another device meanwhile: ${part}` });
        return { item, ok: false, status: part };
      }
      const url = this.client.nodeUrl(RESOURCE_LISTS_AUID, part.selector);
      const res = part.element === undefined ? await this.client.delete(url, this.etag) : await this.client.put(url, part.element, ELEMENT_TYPE, this.etag);
      if (res.status === 412) {
        conflicted = true;
        this.log(`xcap: ${what}: the buddy list changed on the server (412); reading it again (try ${attempt} of ${TRIES})`);
        await this.load();
        continue;
      }
      if (!ok(res.status)) return { item, ok: false, status: statusWords(res) };
      this.groups = apply(this.groups.map((g) => ({ ...g, contacts: [...g.contacts] })));
      if (res.etag) this.etag = res.etag;
      else await this.load();
      if (conflicted) {
        await this.load();
        this.events.emit('list', {
          groups: this.groups,
          notice: `Your buddy list was changed on another device while you edited it; both changes are kept (${what}).`,
        });
      }
      await this.writeRlsServices();
      return { item, ok: true, status: 'succeeded' };
    }
    this.events.emit('list', { groups: this.groups, notice: `${what} did not go through: your buddy list kept changing on another device. Try again.` });
    return { item, ok: false, status: 'the buddy list kept changing on another device' };
  }

  /** Keeps the rls-services document in step with the buddy list (derived, so the newest list wins). */
  async writeRlsServices(): Promise<void> {
    const url = this.client.documentUrl(RLS_SERVICES_AUID);
    const body = rlsServicesDocument(this.listUri, this.groups, this.domain);
    try {
      for (let attempt = 1; attempt <= 2; attempt++) {
        if (this.rlsEtag === undefined) {
          const read = await this.client.get(url);
          this.rlsEtag = read.status === 200 ? (read.etag ?? null) : null;
        }
        const res = await this.client.put(url, body, RLS_SERVICES_TYPE, this.rlsEtag);
        if (ok(res.status)) {
          this.rlsEtag = res.etag;
          return;
        }
        this.rlsEtag = undefined;
        if (res.status !== 412) throw refusal('Writing your event list (rls-services)', res);
      }
    } catch (error) {
      // The buddy list itself is saved; only the one-subscription shortcut lags until the next edit.
      this.log(`xcap: rls-services not updated: ${(error as Error).message}`);
    }
  }
}

/** Selectors of the parts the buddy list edits (RFC 4825 §6.3), without namespace prefixes. */
export const listSelector = (name: string) => `resource-lists/list[@name=${selectorValue(name)}]`;
export const listAt = (position: number) => `resource-lists/list[${position}]`;
export const entrySelector = (list: string, uri: string) => `${listSelector(list)}/entry[@uri=${selectorValue(uri)}]`;

function statusWords(res: XcapResponse): string {
  const detail = res.body && /^\s*</.test(res.body) ? '' : res.body.trim().slice(0, 200);
  return `the XCAP server answered ${res.status}${detail ? ` (${detail})` : ''}`;
}

function refusal(what: string, res: XcapResponse): DeskError {
  return new DeskError(res.status === 403 ? 'auth' : 'http', `${what} failed: ${statusWords(res)}.`);
}
