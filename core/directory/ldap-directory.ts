/**
 * The corporate directory over LDAP (ldapts): binds as the server's configuration says
 * (`Directory.DN`/`Password`, or anonymously), tries the primary server and then the backups,
 * looks people up by user id in batches, and searches by name.
 *
 * Every failure becomes a `DeskError` in words ("The directory server 10.0.0.5:389 cannot be
 * reached", "The directory refused the bind DN and password…"); callers show it and go on.
 */
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import type { DirectoryPerson } from '../../shared/domain';
import type { DialingRule } from '../dialing';
import { DeskError } from '../errors';
import type { DirectoryConfig, DirectoryServer, SearchContext } from './config';
import { MAX_SEARCH_TEXT, batches, nameSearchFilter, userIdFilter } from './filter';
import { directoryKey, mapEntry } from './mapping';
import { LdapTrace } from './ldap-trace';
import type { TraceSink } from '../trace';

export interface LdapDirectoryOptions {
  config: DirectoryConfig;
  /** The server's dialing rules (directory-lookup rules are applied to numbers). */
  rules: () => DialingRule[];
  /** User ids per search request (one `(|(uid=…)…)` filter). */
  batchSize?: number;
  timeoutMs?: number;
  /** Most results a name search returns. */
  searchLimit?: number;
  log?: (line: string) => void;
  /** Diagnostics: every bind and search, written out (core/directory/ldap-trace.ts). */
  trace?: TraceSink;
}

export const describeServer = (s: DirectoryServer) => `${s.host}:${s.port}`;

/** Turns an ldapts / socket error into words, naming the server. */
export function directoryError(error: unknown, server: DirectoryServer): DeskError {
  const where = describeServer(server);
  if (error instanceof DeskError) return error;
  if (error instanceof InvalidCredentialsError) {
    return new DeskError(
      'auth',
      `The directory ${where} refused the bind DN and password from the server's configuration (Directory.DN).`,
      (error as Error).message,
    );
  }
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(code)) {
    return new DeskError('unreachable', `The directory server ${where} cannot be reached.`, `${code}: ${message}`);
  }
  if (/timeout|timed out/i.test(message) || e.name === 'TimeoutError')
    return new DeskError('timeout', `The directory server ${where} did not answer in time.`, message);
  return new DeskError('unreachable', `The directory server ${where} could not be read: ${message}`, message);
}

export class LdapDirectory {
  private client: Client | undefined;
  private server: DirectoryServer | undefined;
  private contexts: SearchContext[] | undefined;
  private trace: LdapTrace | undefined;

  constructor(private readonly options: LdapDirectoryOptions) {}

  /** The server in use (after a successful connect) or the primary. */
  get serverName(): string {
    return describeServer(this.server ?? this.options.config.servers[0]);
  }

  /**
   * Connects and binds: the primary first, then each backup while the failure is about reaching
   * the server. A refused bind is not retried elsewhere (the same credentials would be refused).
   */
  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const { config } = this.options;
    const failures: DeskError[] = [];
    for (const server of config.servers) {
      const client = new Client({
        url: `${server.tls ? 'ldaps' : 'ldap'}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
        timeout: this.options.timeoutMs ?? 8000,
        connectTimeout: this.options.timeoutMs ?? 8000,
      });
      const trace = new LdapTrace(this.options.trace, `${server.tls ? 'ldaps' : 'ldap'}://${describeServer(server)}`);
      try {
        trace.bind(config.bindDn ?? '', !!config.bindDn);
        try {
          if (config.bindDn) await client.bind(config.bindDn, config.password ?? '');
          else await client.bind('', ''); // anonymous: also proves the server answers
        } catch (error) {
          trace.bound(error);
          throw error;
        }
        trace.bound();
        this.trace = trace;
        this.client = client;
        this.server = server;
        this.options.log?.(`directory: connected to ${describeServer(server)}${config.bindDn ? ` as ${config.bindDn}` : ' anonymously'}`);
        return client;
      } catch (error) {
        await client.unbind().catch(() => undefined);
        const failure = directoryError(error, server);
        this.server = server;
        this.options.log?.(`directory: ${failure.message}`);
        if (failure.code === 'auth') throw failure;
        failures.push(failure);
      }
    }
    if (failures.length === 1) throw failures[0];
    throw new DeskError(
      'unreachable',
      `No directory server could be reached (${config.servers.map(describeServer).join(', ')}).`,
      failures.map((f) => f.detail ?? f.message).join('; '),
    );
  }

  /** Where to search: the configured contexts, else the server's naming contexts. */
  private async searchContexts(client: Client): Promise<SearchContext[]> {
    if (this.contexts) return this.contexts;
    if (this.options.config.contexts.length > 0) return (this.contexts = this.options.config.contexts);
    const { searchEntries } = await this.traced(client, '', { scope: 'base', filter: '(objectClass=*)', attributes: ['namingContexts'] });
    const named = searchEntries
      .flatMap((e) => [e.namingContexts].flat())
      .map((v) => String(v))
      .filter(Boolean);
    if (named.length === 0)
      throw new DeskError(
        'config',
        "The server's configuration names no directory search context (Directory.SearchContext1), and the directory names none either.",
      );
    return (this.contexts = named.map((base) => ({ base, recursive: true })));
  }

  /** What is asked for; the photo only when looking up the buddy list (a name search shows none). */
  private attributes(withPhoto: boolean): string[] {
    const m = this.options.config.map;
    const photo = withPhoto ? m.photo : undefined;
    return [...new Set([m.userId, ...m.displayName, m.email, m.title, ...m.phones.map((p) => p.attribute), photo].filter((a): a is string => !!a))];
  }

  private async run<T>(what: (client: Client, contexts: SearchContext[]) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await what(client, await this.searchContexts(client));
    } catch (error) {
      const failure = directoryError(error, this.server!);
      // The connection may be gone (server restarted): connect afresh next time.
      if (failure.code === 'unreachable' || failure.code === 'timeout') await this.close();
      throw failure;
    }
  }

  private async searchAll(client: Client, contexts: SearchContext[], filter: string, sizeLimit = 0, withPhoto = false): Promise<Entry[]> {
    const photo = withPhoto ? this.options.config.map.photo : undefined;
    const out: Entry[] = [];
    for (const context of contexts) {
      const { searchEntries } = await this.traced(client, context.base, {
        scope: context.recursive ? 'sub' : 'one',
        filter,
        attributes: this.attributes(withPhoto),
        sizeLimit,
        // A photo is bytes: ldapts would otherwise decode it as UTF-8 text.
        ...(photo ? { explicitBufferAttributes: [photo] } : {}),
      });
      out.push(...searchEntries);
    }
    return out;
  }

  /** A search, reported to Diagnostics as it goes out and as it is answered. */
  private async traced(
    client: Client,
    base: string,
    options: { scope: 'base' | 'one' | 'sub'; filter: string; attributes: string[]; sizeLimit?: number; explicitBufferAttributes?: string[] },
  ) {
    this.trace?.search(base, options.scope, options.filter, options.attributes, options.sizeLimit ?? 0);
    try {
      const result = await client.search(base, options);
      this.trace?.found(result.searchEntries);
      return result;
    } catch (error) {
      this.trace?.failed('search', error);
      throw error;
    }
  }

  /** The directory's entries for these user ids (persona ids), keyed by lower-case user id. */
  async lookup(userIds: string[]): Promise<Map<string, DirectoryPerson>> {
    const wanted = [...new Set(userIds.map((id) => id.trim()).filter(Boolean))];
    const found = new Map<string, DirectoryPerson>();
    if (wanted.length === 0) return found;
    const { map } = this.options.config;
    await this.run(async (client, contexts) => {
      for (const batch of batches(wanted, this.options.batchSize ?? 50)) {
        for (const entry of await this.searchAll(client, contexts, userIdFilter(map.userId, batch), 0, true)) {
          const person = mapEntry(entry, map, this.options.rules(), this.options.log);
          if (person && !found.has(directoryKey(person.userId))) found.set(directoryKey(person.userId), person);
        }
      }
    });
    return found;
  }

  /** People whose name (or user id, email) starts with each word of `text`. */
  async search(text: string): Promise<DirectoryPerson[]> {
    const words = typeof text === 'string' ? text.trim() : '';
    if (words.length < 2) throw new DeskError('invalid-input', 'Type at least two letters of the name to search the directory.');
    if (words.length > MAX_SEARCH_TEXT) throw new DeskError('invalid-input', `The search text is too long (more than ${MAX_SEARCH_TEXT} characters).`);
    const limit = this.options.searchLimit ?? 25;
    const { map } = this.options.config;
    return this.run(async (client, contexts) => {
      const people = new Map<string, DirectoryPerson>();
      // With a size limit set, ldapts returns the entries found so far when the limit is reached.
      for (const entry of await this.searchAll(client, contexts, nameSearchFilter(map.searchable, map.displayName, words), limit)) {
        const person = mapEntry(entry, map, this.options.rules());
        if (person && !people.has(directoryKey(person.userId))) people.set(directoryKey(person.userId), person);
      }
      return [...people.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)).slice(0, limit);
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) this.trace?.unbind();
    await client?.unbind().catch(() => undefined);
  }
}
