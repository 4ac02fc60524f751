import type { SignInRequest } from '../../shared/domain';
import { toAppError } from '../errors';
import { secretAccount, type SecretStore } from '../store/secrets';

/** "Remember me": kept only where the host has an OS keychain; unticked forgets it. */
export function rememberPassword(secrets: SecretStore | undefined, request: SignInRequest, user: string, server: string, log: (line: string) => void): void {
  if (!secrets || request.remember === undefined) return;
  const account = secretAccount(user, server);
  try {
    if (request.remember && secrets.available) secrets.set(account, request.password);
    else secrets.delete(account);
  } catch (e) {
    log(`session: the password could not be kept: ${toAppError(e).message}`);
  }
}
