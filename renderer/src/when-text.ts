import { formatDate, formatTime } from './i18n';

/**
 * When a listed item (a recent call or IM, a history search hit) happened: the time for today's,
 * the date for older ones, both in the UI's language. Today is the local calendar day of `now`.
 */
export function whenText(at: number, now: number = Date.now()): string {
  return new Date(at).toDateString() === new Date(now).toDateString() ? formatTime(at) : formatDate(at);
}
