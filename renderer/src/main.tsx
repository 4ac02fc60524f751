import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickLanguage } from '../../shared/languages';
import { App } from './App';
import { getApi } from './api';
import { ConversationWindow, conversationParam } from './ConversationWindow';
import { startI18n } from './i18n';
import './styles.css';

const api = getApi();
const peer = conversationParam(location.search);

// The language is known before the first paint: the saved choice, else the system's.
const prefs = await api.invoke('desktop:prefs').catch(() => undefined);
await startI18n(pickLanguage(prefs?.language, navigator.languages));

createRoot(document.getElementById('root')!).render(<StrictMode>{peer ? <ConversationWindow api={api} peer={peer} /> : <App api={api} />}</StrictMode>);
