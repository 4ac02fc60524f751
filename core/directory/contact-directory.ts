/**
 * The directory as the signed-in session uses it: after sign-in it looks up the buddy list's
 * people in the background (sign-in never waits for it), keeps what it found, reports its
 * state (`DirectoryStatus`) and serves name searches.
 *
 * ```
 *   not-configured                      (the server names no Directory.Primary)
 *   looking-up ──found──> ready ──lookup of added people──> looking-up …
 *        │                  ^
 *        └──failed──> error ┘ (the next lookup or search tries again)
 * ```
 *
 * People whose lookup failed are remembered and looked up again with the next lookup, or as soon
 * as a search shows the directory answers again. Photos are kept on disk per contact
 * (photo.ts): the cached ones show as soon as a lookup starts, and stay while the directory
 * cannot be reached; each answered lookup replaces or removes them.
 */
import type { DirectoryPerson, DirectoryStatus } from '../../shared/domain';
import type { SystemConfig } from '../cups/types';
import type { DialingRule } from '../dialing';
import { DeskError, toAppError } from '../errors';
import { readDirectoryConfig } from './config';
import { LdapDirectory, describeServer } from './ldap-directory';
import { directoryKey } from './mapping';
import { PhotoCache } from './photo';
import type { TraceSink } from '../trace';

export interface ContactDirectoryOptions {
  system: SystemConfig;
  rules: () => DialingRule[];
  timeoutMs?: number;
  batchSize?: number;
  log?: (line: string) => void;
  /** Diagnostics: the directory's LDAP operations. */
  trace?: TraceSink;
  /** Where contacts' photos are cached (none when absent). */
  photoDir?: string;
  onStatus: (status: DirectoryStatus) => void;
  /** Called with everyone known so far, after each lookup that found someone. */
  onPeople: (people: ReadonlyMap<string, DirectoryPerson>) => void;
}

export class ContactDirectory {
  private readonly ldap: LdapDirectory | undefined;
  private current: DirectoryStatus;
  readonly people = new Map<string, DirectoryPerson>();
  /** Photos by directory key: from the disk cache until the directory answers, then the directory's. */
  readonly photos = new Map<string, string>();
  private readonly photoCache: PhotoCache | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** Persona ids whose lookup failed: tried again when the directory answers. */
  private readonly retry = new Set<string>();
  private closed = false;

  constructor(private readonly options: ContactDirectoryOptions) {
    const problems: string[] = [];
    const config = readDirectoryConfig(options.system, problems);
    for (const p of problems) options.log?.(`directory: ${p}`);
    this.ldap = config
      ? new LdapDirectory({ config, rules: options.rules, timeoutMs: options.timeoutMs, batchSize: options.batchSize, log: options.log, trace: options.trace })
      : undefined;
    this.photoCache = config && options.photoDir ? new PhotoCache(options.photoDir, describeServer(config.servers[0]), options.log) : undefined;
    this.current = config ? { state: 'looking-up', server: describeServer(config.servers[0]) } : { state: 'not-configured' };
  }

  get status(): DirectoryStatus {
    return { ...this.current };
  }

  private setStatus(status: DirectoryStatus): void {
    if (this.closed) return;
    this.current = status;
    this.options.onStatus({ ...status });
  }

  /**
   * Looks these persona ids up (in the background, one lookup at a time); resolves when done.
   * Never rejects: a failure is reported through the status.
   */
  lookup(personaIds: string[]): Promise<void> {
    const ldap = this.ldap;
    if (!ldap) return Promise.resolve();
    const run = this.chain.then(async () => {
      if (this.closed) return;
      const ids = [...new Set([...personaIds, ...this.retry])];
      if (this.cachedPhotos(ids) && !this.closed) this.options.onPeople(this.people);
      this.setStatus({ state: 'looking-up', server: ldap.serverName });
      try {
        const found = await ldap.lookup(ids);
        for (const [k, p] of found) this.people.set(k, p);
        const photosChanged = this.keepPhotos(ids, found);
        this.retry.clear();
        this.setStatus({ state: 'ready', server: ldap.serverName, found: ids.filter((id) => this.people.has(directoryKey(id))).length });
        if ((found.size > 0 || photosChanged) && !this.closed) this.options.onPeople(this.people);
      } catch (error) {
        for (const id of ids) this.retry.add(id);
        const app = toAppError(error);
        this.options.log?.(`directory: lookup failed: ${app.message}${app.detail ? ` (${app.detail})` : ''}`);
        this.setStatus({ state: 'error', server: ldap.serverName, message: app.message });
      }
    });
    this.chain = run;
    return run;
  }

  /** Photos cached on disk for these people, not yet known: true when any was found. */
  private cachedPhotos(ids: string[]): boolean {
    let any = false;
    for (const id of ids) {
      const key = directoryKey(id);
      if (this.photos.has(key) || this.people.has(key)) continue;
      const photo = this.photoCache?.get(id);
      if (photo) {
        this.photos.set(key, photo);
        any = true;
      }
    }
    return any;
  }

  /** The directory's answer for these people: its photos cached, photos it no longer has forgotten. */
  private keepPhotos(ids: string[], found: ReadonlyMap<string, DirectoryPerson>): boolean {
    let changed = false;
    for (const id of ids) {
      const key = directoryKey(id);
      const photo = found.get(key)?.photo;
      if (photo) {
        if (this.photos.get(key) !== photo) this.photoCache?.put(id, photo);
        this.photos.set(key, photo);
      } else {
        changed ||= this.photos.delete(key);
        this.photoCache?.remove(id);
      }
    }
    return changed;
  }

  async search(text: string): Promise<DirectoryPerson[]> {
    if (!this.ldap)
      throw new DeskError('config', "The server's configuration names no directory (Directory.Primary.Address); type the user name or SIP address instead.");
    const people = await this.ldap.search(text);
    // The directory answers again: fill in the contacts whose lookup failed earlier.
    if (this.retry.size > 0) void this.lookup([]);
    return people;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ldap?.close();
  }
}
