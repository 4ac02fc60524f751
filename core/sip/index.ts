export {
  AccountState,
  SipAccount,
  SipError,
  type ConfigWatchOptions,
  type IncomingMessage,
  type PublishedStatus,
  type Registered,
  type RegistrationState,
  type SipAccountOptions,
  type SipTransportKind,
} from './account';
export { buildPidf, composePresence, parsePidf, type ParsedPidf } from './codecs/pidf';
export { SipStreamFramer, TcpTransport } from './transport/tcp-transport';
export { TlsTransport } from './transport/tls-transport';
export { UdpTransport } from './transport/udp-transport';
export { describeServer, type SipServer, type TlsTrust, type UdpTuning } from './transport/transport-choice';
export { locateSipServers, parseTarget, type LocateOptions } from './transport/server-location';
export { EventListSubscription, defaultListUri, type EventListSubscriptionOptions, type ListSubscriptionState } from './usages/rls';
export {
  MAX_PATH_FIGURES,
  PresencePaths,
  choosePresencePath,
  type PathChoice,
  type PathFigures,
  type PresencePath,
  type StoredPathFigures,
} from './usages/presence-path';
export { EventListError, EventListState, type ApplyResult, type MemberChange } from './usages/event-list';
export type { SubscriptionNotify } from './usages/presence-subscription';
export type { EventWatch } from './usages/watching';
export { MultipartError, parseContentType, parseMultipart, rootPart, type ContentType, type MimePart } from './codecs/multipart';
export { RlmiError, parseRlmi, type Rlmi, type RlmiInstance, type RlmiResource } from './codecs/rlmi';
