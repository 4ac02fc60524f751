/** Signing in to the lab and waiting for the corporate directory's first answer, for the directory tests. */
import type { DirectoryStatus } from '../../shared/domain';
import type { DeskSession } from '../../core/desk-session';
import type { Lab } from '../../lab';
import { waitForEvent } from './wait';

/**
 * Signs the demo user in to `server` (the lab's CUPS unless given) and resolves with the
 * directory's first settled status (ready or error). A sign-in that fails is an error in words.
 */
export async function signInUntilDirectorySettles(session: DeskSession, lab: Lab, server = lab.cupsUrl): Promise<DirectoryStatus> {
  const settled = waitForEvent<DirectoryStatus>(
    (cb) => session.on('directory:status', cb),
    (s) => s.state === 'ready' || s.state === 'error',
    'directory status',
    10_000,
  );
  const state = await session.signIn({ server, user: lab.demoUser.id, password: lab.demoUser.password });
  if (state.phase !== 'signed-in') throw new Error(`sign-in to ${server} ended ${state.phase}: ${state.error?.message ?? 'no error given'}`);
  return settled;
}
