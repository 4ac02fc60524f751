export { SipAccount, SipError, type IncomingMessage, type RegistrationState, type SipAccountOptions, type SipTransportKind } from './account';
export { buildPidf, composePresence, parsePidf, type ParsedPidf } from './pidf';
export { SipStreamFramer, TcpTransport } from './tcp-transport';
