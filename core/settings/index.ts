/**
 * Connection settings: the SOAP limits, SIP transport, trusted certificates and event-list
 * choice behind the `connection:*` and `tls:forget` IPC slice, read from and written to the
 * settings store and used from the next sign-in. Certificate material never leaves core.
 */
export * from './connection-settings';
