/**
 * The features only some server types serve, each by the channels that carry it. A session
 * offers a feature when it answers all of them: the router of sessions works this out from the
 * session's own handlers (core/session/server-session.ts), so a new server type needs no list of
 * its own here, and the renderer asks `offers` instead of looking at the server type.
 */
import type { Feature, SessionState } from './domain';
import type { InvokeChannel } from './ipc';

export const FEATURE_CHANNELS: Record<Feature, readonly InvokeChannel[]> = {
  im: ['im:send'],
  // Adding a contact stays: on CME it is the directory search.
  contactEdits: ['contacts:add-group', 'contacts:rename-group', 'contacts:delete-group', 'contacts:rename', 'contacts:move', 'contacts:remove'],
  privacy: ['privacy:get', 'privacy:set-rule'],
  calendar: ['calendar:set'],
  serverPreferences: ['preferences:set'],
  longTermStatus: ['longterm:set', 'longterm:clear'],
};

export const FEATURES = Object.keys(FEATURE_CHANNELS) as Feature[];

/** Whether the session offers `feature` (a state that does not say offers everything). */
export function offers(session: Pick<SessionState, 'features'>, feature: Feature | undefined): boolean {
  return !feature || !session.features || session.features.includes(feature);
}
