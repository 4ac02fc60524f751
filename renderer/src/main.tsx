import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getApi } from './api';
import { ConversationWindow, conversationParam } from './ConversationWindow';
import './styles.css';

const api = getApi();
const peer = conversationParam(location.search);

createRoot(document.getElementById('root')!).render(<StrictMode>{peer ? <ConversationWindow api={api} peer={peer} /> : <App api={api} />}</StrictMode>);
