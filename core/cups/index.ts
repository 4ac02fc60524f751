export * from './types';
export { cupsEndpoint, envelope, exchange, readFault, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './soap';
export {
  readAllConfig,
  readContactList,
  readContactListUnknown,
  readDialingRules,
  readLicensing,
  readLogin,
  readSystemConfig,
  readUserConfig,
  systemConfigOf,
} from './parse';
export { CupsSession, type CupsSessionOptions } from './session';
export { fileOwnSessionRecord, type OwnSessionRecord } from './own-session';
export * as operations from './operations';
