/**
 * The one seam between DeskSession and the server types it signs in to: what a sign-in request
 * names (checked, in words) and the back end that answers the session's questions (`CupsLike`):
 * CUPS's SOAP session, or a SIMPLE server's DNS + XCAP (core/xcap). The session itself does not
 * know which it talks to. A CME router has its own session (core/cme), chosen by ServerSessions.
 */
import type { ServerType, SignInRequest } from '../../shared/domain';
import { CupsSession } from '../cups';
import { DeskError } from '../errors';
import { SimpleServerSession, splitSipAddress } from '../xcap';
import type { CupsLike } from './connection';
import type { DeskSessionOptions } from './options';

/** The server types DeskSession signs in to. */
export type DeskServerType = Exclude<ServerType, 'cme'>;

export interface SignInTarget {
  serverType: DeskServerType;
  /** What the session shows and remembers as the server (CUPS host, or the proxy / SIP domain). */
  server: string;
  /** What it shows and remembers as the user (CUPS user name, or the SIP address). */
  user: string;
  /** The SIP user name (the address's user part for SIMPLE). */
  account: string;
}

export function signInTarget(request: SignInRequest): SignInTarget {
  const serverType = request.serverType ?? 'cups';
  // ServerSessions sends a CME router to its own session; reaching here is a wiring mistake, said in words.
  if (serverType === 'cme') throw new DeskError('config', 'A Cisco Unified CME router is signed in to by its own session, not this one.');
  const server = request.server?.trim() ?? '';
  const user = request.user?.trim() ?? '';
  if (serverType === 'simple') {
    if (!user) throw new DeskError('invalid-input', 'Enter your SIP address (for example alice@example.com).');
    const address = splitSipAddress(user);
    if (!request.password) throw new DeskError('invalid-input', 'Enter your password.');
    return { serverType, server: server || address.domain, user: `${address.user}@${address.domain}`, account: address.user };
  }
  if (!server) throw new DeskError('invalid-input', 'Enter the server to sign in to.');
  if (!user) throw new DeskError('invalid-input', 'Enter your user name.');
  if (!request.password) throw new DeskError('invalid-input', 'Enter your password.');
  return { serverType, server, user, account: user };
}

/** The back end for a sign-in: CUPS, or the SIMPLE server found from the address. */
export function createServerSession(
  target: SignInTarget,
  request: SignInRequest,
  cupsOptions: ConstructorParameters<typeof CupsSession>[0],
  host: DeskSessionOptions,
): CupsLike {
  if (target.serverType === 'cups') return host.createCups?.(cupsOptions) ?? new CupsSession(cupsOptions);
  const settings = host.settings.get();
  const dnsServers =
    host.dnsServers ??
    settings.dnsServers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return new SimpleServerSession({
    address: target.user,
    password: request.password,
    ...(request.server?.trim() ? { proxy: request.server.trim() } : {}),
    transport: settings.sipTransport,
    ...(dnsServers.length ? { dnsServers } : {}),
    ...(settings.xcapRoot ? { xcapRoot: settings.xcapRoot } : {}),
    ...(host.xcapPollMs !== undefined ? { pollMs: host.xcapPollMs } : {}),
    ...(cupsOptions.timeoutMs ? { timeoutMs: cupsOptions.timeoutMs } : {}),
    ...(cupsOptions.trace ? { trace: cupsOptions.trace } : {}),
    ...(cupsOptions.log ? { log: cupsOptions.log } : {}),
  });
}
