export { SipAccount, SipError, type IncomingMessage, type RegistrationState, type SipAccountOptions, type SipTransportKind } from './account';
export { buildPidf, composePresence, parsePidf, type ParsedPidf } from './pidf';
export { SipStreamFramer, TcpTransport } from './tcp-transport';
export { EventListSubscription, defaultListUri, type EventListSubscriptionOptions, type ListSubscriptionState } from './rls';
export { EventListError, EventListState, type ApplyResult, type MemberChange } from './event-list';
export { MultipartError, parseContentType, parseMultipart, rootPart, type ContentType, type MimePart } from './multipart';
export { RlmiError, parseRlmi, type Rlmi, type RlmiInstance, type RlmiResource } from './rlmi';
