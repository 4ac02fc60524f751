import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { peerLabel } from './PhoneCalls';
import { peerName } from './peer-name';
import { formatNumber, i18n } from './i18n';

/** The window title: the app's name, after the unread count when there is one ("(2) Presence Desk"). */
export function windowTitle(unread: number): string {
  const app = i18n.t('common:appName');
  return unread > 0 ? i18n.t('session:app.titleUnread', { unread: formatNumber(unread), app }) : app;
}

/**
 * Incoming IMs while the window is not focused: a system notification (plain text; clicking it
 * opens the conversation), and the unread count in the window title for the taskbar.
 */
/**
 * An incoming call ringing on the user's phone while the window is not focused: a system
 * notification naming the caller (clicking it brings the window, where the call is shown).
 */
export function useCallNotifications(api: DeskApi, nameOf: (peer: string) => string | undefined): void {
  const nameRef = useRef(nameOf);
  nameRef.current = nameOf;
  useEffect(() => {
    if (typeof Notification === 'undefined') return;
    const announced = new Set<string>();
    return api.on('phone:state', (phone) => {
      for (const call of phone.calls) {
        if (call.state !== 'ringing' || announced.has(call.id)) continue;
        announced.add(call.id);
        if (document.hasFocus() || Notification.permission !== 'granted') continue;
        // Composed when the call rings, in the language of that moment.
        const note = new Notification(i18n.t('session:notifications.incomingCall'), {
          body: i18n.t('session:notifications.calling', { caller: peerLabel(call.peer || i18n.t('session:notifications.withheld'), nameRef.current) }),
          tag: `call:${call.id}`,
        });
        note.onclick = () => {
          window.focus();
          note.close();
        };
      }
      // Forget calls that ended so the set stays small over a long day.
      for (const id of announced) if (!phone.calls.some((c) => c.id === id)) announced.delete(id);
    });
  }, [api]);
}

/** `unread` counts only conversations that are not muted; `muted` ones raise no notification. */
export function useNotifications(
  api: DeskApi,
  unread: Record<string, number>,
  contacts: Map<string, Contact>,
  open: (uri: string) => void,
  muted: ReadonlySet<string> = new Set(),
): void {
  const mutedRef = useRef(muted);
  mutedRef.current = muted;
  const contactsRef = useRef(contacts);
  contactsRef.current = contacts;
  const openRef = useRef(open);
  openRef.current = open;

  // The title follows a language change too.
  const { i18n: shown } = useTranslation('session');
  const language = shown.language;
  useEffect(() => {
    const total = Object.values(unread).reduce((a, b) => a + b, 0);
    document.title = windowTitle(total);
  }, [unread, language]);

  useEffect(() => {
    if (typeof Notification === 'undefined') return;
    return api.on('im:message', (m) => {
      if (m.direction !== 'in' || document.hasFocus() || mutedRef.current.has(m.peer)) return;
      const show = () => {
        const name = peerName(contactsRef.current.get(m.peer), m.peer);
        const note = new Notification(name, { body: m.text.length > 200 ? `${m.text.slice(0, 200)}…` : m.text, tag: m.peer, silent: false });
        note.onclick = () => {
          window.focus();
          openRef.current(m.peer);
          note.close();
        };
      };
      if (Notification.permission === 'granted') show();
      else if (Notification.permission === 'default') void Notification.requestPermission().then((p) => p === 'granted' && show());
    });
  }, [api]);
}
