/**
 * Builds one registered sip.js user agent on one presence server: the platform piece (our Node
 * transport for the server's protocol, the socket's address in Via and Contact), the message
 * layer's digest cache, and the REGISTER that waits for the registrar's answer. On failure
 * nothing is left running. The account holds one of these (two for a moment while it moves
 * between servers).
 */
import { Registerer, UserAgent, type Message, type URI } from 'sip.js';
import type { TraceSink } from '../trace';
import { MULTIPART_MAX_BYTES } from './codecs/multipart';
import { DigestCredentialCache } from './message/digest';
import { installFastGrammar } from './message/sip-grammar';
import { installFastMessages } from './message/fast-message';
import { SipError } from './message/sip-error';
import { ReachError, localAddressFor, transportSetup, type SipServer, type TlsTrust, type UdpTuning } from './transport/transport-choice';
import { REFRESH_PERCENT, registerAndWait, unregisterAndWait } from './usages/registration';
import { SubscriptionWire } from './usages/subscription-wire';
import type { Publication } from './usages/publication';
import type { Timers } from '../timers';

// sip.js re-decodes its whole grammar on every header it parses; see sip-grammar.ts. Should
// sip.js change shape, the app still works on sip.js's own (slow) parser and says so on stderr;
// test/unit/sip/sip-grammar.test.ts fails in CI.
try {
  installFastGrammar();
} catch (error) {
  console.error(`${(error as Error).message} Using sip.js's own parser.`);
}
// Header names, line scanning and body lengths without sip.js's generic machinery (fast-message.ts).
try {
  installFastMessages();
} catch (error) {
  console.error(`${(error as Error).message} Using sip.js's own message methods.`);
}

/** A started, registered user agent and what belongs to it alone. */
export interface Agent {
  ua: UserAgent;
  registerer: Registerer;
  /** Its server's last challenge, answered in advance on new requests (see digest.ts). */
  credentials: DigestCredentialCache;
  /** Its socket's local port (the Contact must carry it). */
  local: { port: number };
  /** The registrar's product name (`Server:` of its 200 to REGISTER), when it gave one. */
  product?: string;
}

export interface AgentOptions {
  uri: string;
  user: string;
  password: string;
  displayName?: string;
  userAgent?: string;
  registerExpires?: number;
  requestTimeoutMs: number;
  tls?: TlsTrust;
  udp?: UdpTuning;
  log: (line: string) => void;
  trace?: TraceSink;
  /** See SipAccountOptions.subscribeWindow. */
  subscribeWindow?: number;
  onMessage: (message: Message) => void;
  /** The connection of `ua` dropped (`error` set) or was closed. */
  onDisconnect: (ua: UserAgent, error?: Error) => void;
}

/** Connects once to learn the local address for Via (and to fail early and clearly). */
async function probe(server: SipServer, timeoutMs: number): Promise<string> {
  try {
    return await localAddressFor(server, timeoutMs);
  } catch (error) {
    throw error instanceof ReachError ? new SipError(error.code, error.message) : error;
  }
}

/** Builds a user agent for `server`, connects and registers. */
export async function startAgent(server: SipServer, options: AgentOptions): Promise<Agent> {
  let ua: UserAgent | undefined;
  try {
    const viaHost = await probe(server, options.requestTimeoutMs);
    const local = { port: 0 };
    const setup = transportSetup(
      server,
      { onLocalPort: (p) => (local.port = p), log: options.log, trace: options.trace },
      {
        tls: options.tls,
        udp: options.udp,
        connectTimeoutMs: options.requestTimeoutMs,
        // An event list's full state is about 1 KB a contact: room for 5,000+ contacts.
        maxMessageBytes: MULTIPART_MAX_BYTES,
      },
    );
    const agentUa: UserAgent = new UserAgent({
      uri: UserAgent.makeURI(options.uri),
      authorizationUsername: options.user,
      authorizationPassword: options.password,
      displayName: options.displayName,
      userAgentString: options.userAgent ?? 'Presence Desk',
      transportConstructor: setup.transportConstructor,
      transportOptions: setup.transportOptions,
      viaHost,
      forceRport: setup.forceRport,
      contactName: options.user,
      contactParams: setup.contactParams,
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConfiguration: false,
      logConnector: (level, category, _label, content) => {
        if (level === 'error' || level === 'warn') options.log(`sip.js ${level} ${category}: ${content}`);
      },
      delegate: {
        onMessage: options.onMessage,
        onDisconnect: (error) => options.onDisconnect(agentUa, error),
      },
    });
    ua = agentUa;
    // Every challenge on this server is answered through one cache, so new SUBSCRIBE,
    // PUBLISH and MESSAGE requests carry the answer from the start (see digest.ts).
    const credentials = new DigestCredentialCache({ username: options.user, password: options.password, log: options.log });
    credentials.install(ua.userAgentCore);
    if (options.subscribeWindow !== undefined) SubscriptionWire.of(ua).window = Math.max(1, options.subscribeWindow);
    await ua.start().catch((error: Error & { code?: string }) => {
      throw new SipError(error.code === 'tls' ? 'tls' : error.code === 'timeout' ? 'timeout' : 'unreachable', `${error.message}.`);
    });
    (ua.contact.uri as URI & { port: number }).port = local.port;
    const agent: Agent = {
      ua,
      registerer: new Registerer(ua, { expires: options.registerExpires ?? 600, refreshFrequency: REFRESH_PERCENT }),
      credentials,
      local,
    };
    await registerAndWait(agent.registerer, options.requestTimeoutMs, options.log, undefined, (product) => (agent.product = product));
    return agent;
  } catch (error) {
    await ua?.stop().catch(() => undefined);
    throw error;
  }
}

/** sip.js builds the Contact without a port; the server must reach us on this connection. */
export function fixContactPort(agent: Agent): void {
  (agent.ua.contact.uri as URI & { port: number }).port = agent.local.port;
}

/**
 * Lets go of a user agent no longer in use (after a move to the other server): ends its
 * subscriptions, publication and registration, then stops it; each step waits at most 2 s.
 */
export async function releaseAgent(
  old: { agent?: Agent; publication?: Publication; subscriptions: { stop(): Promise<void> }[] },
  timers: Timers,
): Promise<void> {
  const quick = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise<void>((resolve) => timers.set(resolve, 2000))]);
  if (old.agent?.ua.transport.isConnected()) {
    await quick(Promise.all(old.subscriptions.map((s) => s.stop())));
    if (old.publication) await quick(old.publication.remove());
    await unregisterAndWait(old.agent.registerer, 2000, timers);
  }
  old.publication?.dispose();
  await quick(old.agent?.ua.stop() ?? Promise.resolve());
}
