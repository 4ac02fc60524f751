/**
 * Every shipped string, by language and namespace, bundled into the renderer and the Electron
 * shell (no loading at run time: the sandboxed page fetches nothing). One namespace per area of
 * the UI, so that each view's strings live together. English is the reference: the types of
 * `t()` keys come from it (renderer/src/i18next.d.ts) and the locales test holds every other
 * language to it.
 */
import deBuddies from './de/buddies.json';
import deChat from './de/chat.json';
import deCme from './de/cme.json';
import deCommon from './de/common.json';
import deDiagnostics from './de/diagnostics.json';
import dePhone from './de/phone.json';
import deSession from './de/session.json';
import deSettings from './de/settings.json';
import deShell from './de/shell.json';
import enBuddies from './en/buddies.json';
import enChat from './en/chat.json';
import enCme from './en/cme.json';
import enCommon from './en/common.json';
import enDiagnostics from './en/diagnostics.json';
import enPhone from './en/phone.json';
import enSession from './en/session.json';
import enSettings from './en/settings.json';
import enShell from './en/shell.json';
import type { Language } from '../languages';

export const NAMESPACES = ['common', 'session', 'buddies', 'chat', 'phone', 'settings', 'diagnostics', 'shell', 'cme'] as const;
export type Namespace = (typeof NAMESPACES)[number];

export const en = {
  common: enCommon,
  session: enSession,
  buddies: enBuddies,
  chat: enChat,
  phone: enPhone,
  settings: enSettings,
  diagnostics: enDiagnostics,
  shell: enShell,
  cme: enCme,
};

/** Other languages are checked against English at run time by the locales test, not by the compiler, so that a missing string names itself. */
export const RESOURCES: Record<Language, Record<Namespace, object>> = {
  en,
  de: {
    common: deCommon,
    session: deSession,
    buddies: deBuddies,
    chat: deChat,
    phone: dePhone,
    settings: deSettings,
    diagnostics: deDiagnostics,
    shell: deShell,
    cme: deCme,
  },
};
