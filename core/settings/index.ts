/**
 * # Connection settings
 *
 * **Owns** the settings a connection is built from: the SOAP limits (timeout, largest answer),
 * the SIP transport, the SIP server's trusted certificate, the event-list choice and the list
 * of trusted HTTPS certificates, read from and written to the settings store (one zod schema,
 * core/store/settings.ts) and used from the next sign-in. Certificate material never leaves
 * the core: the renderer sees fingerprints and names.
 *
 * **Events:** none (each call answers with the settings as stored).
 *
 * **IPC slice:** `connection:get`, `connection:set`, `connection:sip`, `connection:set-sip`,
 * `tls:forget`.
 */
export * from './connection-settings';
