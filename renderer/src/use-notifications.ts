import { useEffect, useRef } from 'react';
import type { Contact } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';

/**
 * Incoming IMs while the window is not focused: a system notification (plain text; clicking it
 * opens the conversation), and the unread count in the window title for the taskbar.
 */
export function useNotifications(api: DeskApi, unread: Record<string, number>, contacts: Map<string, Contact>, open: (uri: string) => void): void {
  const contactsRef = useRef(contacts);
  contactsRef.current = contacts;
  const openRef = useRef(open);
  openRef.current = open;

  useEffect(() => {
    const total = Object.values(unread).reduce((a, b) => a + b, 0);
    document.title = total > 0 ? `(${total}) Presence Desk` : 'Presence Desk';
  }, [unread]);

  useEffect(() => {
    if (typeof Notification === 'undefined') return;
    return api.on('im:message', (m) => {
      if (m.direction !== 'in' || document.hasFocus()) return;
      const show = () => {
        const name = contactsRef.current.get(m.peer)?.displayName ?? m.peer.replace(/^sip:/, '');
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
