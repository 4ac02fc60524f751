import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickLanguage } from '../../shared/languages';
import { App } from './App';
import { getApi } from './api';
import { ConversationWindow, conversationParam } from './ConversationWindow';
import { chooseLanguage, startI18n } from './i18n';
import './styles.css';

const api = getApi();
const peer = conversationParam(location.search);

// The language is known before the first paint: the saved choice, else the system's.
const prefs = await api.invoke('desktop:prefs').catch(() => undefined);
await startI18n(pickLanguage(prefs?.language, navigator.languages));
// A language chosen in another window (the main one, while a conversation window is open) applies here too.
api.on('desktop:prefs-changed', (saved) => void chooseLanguage(saved.language));

createRoot(document.getElementById('root')!).render(<StrictMode>{peer ? <ConversationWindow api={api} peer={peer} /> : <App api={api} />}</StrictMode>);
