export { TraceRecorder, relabel, DEFAULT_TRACE_LIMITS, type TraceRecorderOptions } from './recorder';
export { maskMessage, maskSipAuthorization, maskXmlSecrets, maskKnownSecrets, maskNamedSecrets, isSecretName, MASK } from './mask';
export { describe as describeTrace, describeSip, describeSoap } from './describe';
