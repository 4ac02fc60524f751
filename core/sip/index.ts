export { SipAccount, SipError, type IncomingMessage, type RegistrationState, type SipAccountOptions, type SipTransportKind } from './account';
export { buildPidf, composePresence, parsePidf, type ParsedPidf } from './pidf';
export { SipStreamFramer, TcpTransport } from './tcp-transport';
export { TlsTransport } from './tls-transport';
export { UdpTransport } from './udp-transport';
export { describeServer, type SipServer, type TlsTrust, type UdpTuning } from './transport-choice';
