import { StrictMode, useEffect, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickLanguage } from '../../shared/languages';
import { App } from './App';
import { getApi } from './api';
import { ConversationWindow, conversationParam } from './ConversationWindow';
import { holdEarlyEvents } from './early-events';
import { chooseLanguage, startI18n } from './i18n';
import './styles.css';

// What the host says while the language loads (a tel: link given at start) waits for the views.
const early = holdEarlyEvents(getApi(), ['app:open']);
const api = early.api;
const peer = conversationParam(location.search);

// The language is known before the first paint: the saved choice, else the system's.
const prefs = await api.invoke('desktop:prefs').catch(() => undefined);
await startI18n(pickLanguage(prefs?.language, navigator.languages));
// A language chosen in another window (the main one, while a conversation window is open) applies here too.
api.on('desktop:prefs-changed', (saved) => void chooseLanguage(saved.language));

/** Runs after the views' own effects (children's effects run first): they have subscribed by then. */
function AfterFirstCommit({ children }: { children: ReactNode }) {
  useEffect(() => early.release(), []);
  return children;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AfterFirstCommit>{peer ? <ConversationWindow api={api} peer={peer} /> : <App api={api} />}</AfterFirstCommit>
  </StrictMode>,
);
