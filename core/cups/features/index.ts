/**
 * CUPS features: the long-term status, privacy rules, calendar and server preferences the
 * user edits in Settings, as one IPC slice (`longterm:*`, `privacy:*`, `calendar:*`,
 * `preferences:*`) built by the session over the signed-in CUPS session. Each change is
 * checked item by item and answered with the server's state read back (docs/CUPS-OPERATIONS.md).
 */
export * from './cups-features';
