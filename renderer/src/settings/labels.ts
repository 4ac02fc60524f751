import type { ServerType, WatcherAction } from '../../../shared/domain';
import { i18n } from '../i18n';

/**
 * Names in the UI's language for the values the settings sections show: server types, the
 * visibilities of CUPS privacy rules and the actions of SIMPLE pres-rules. Call them while a
 * component that uses `useTranslation` renders, so that a language change redraws them.
 */

/** The visibilities the app offers for a CUPS privacy rule; a server may report others. */
export const VISIBILITIES = ['all', 'reachability-only', 'none'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export function isOfferedVisibility(value: string): value is Visibility {
  return (VISIBILITIES as readonly string[]).includes(value);
}

/** A rule's visibility in words; one the app has no name for is shown as the server sent it. */
export function visibilityLabel(value: string): string {
  return isOfferedVisibility(value) ? i18n.t(`settings:privacy.visibility.${value}`) : value;
}

/** What a watcher gets under a pres-rule ("Allow: sees my status"). */
export function watcherActionLabel(action: WatcherAction): string {
  return i18n.t(`settings:presenceRules.action.${action}`);
}

/** The kind of server signed in to, as Settings → Account names it. */
export function serverTypeLabel(type: ServerType): string {
  return i18n.t(`settings:account.serverType.${type}`);
}

/** Between the facts of one certificate ("host · subject · fingerprint"): a mark, the same in every language. */
export const FACT_SEPARATOR = ' · ';
