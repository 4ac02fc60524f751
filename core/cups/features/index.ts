/**
 * # CUPS features
 *
 * **Owns** what the user edits in Settings that lives on the CUPS server: the long-term status,
 * privacy rules (policy and watchers), calendar integration and server preferences, over the
 * signed-in CUPS session (`CupsFeatureMethods` of the session's `CupsLike`). Each change is
 * checked item by item and answered with the server's state read back (docs/CUPS-OPERATIONS.md).
 * Built by the session; it keeps no connection of its own.
 *
 * **Events:** `longterm:changed` (through the session's `onLongTerm`).
 *
 * **IPC slice:** `longterm:get`, `longterm:set`, `longterm:clear`, `privacy:get`,
 * `privacy:set-rule`, `privacy:delete-rule`, `privacy:add-watcher`, `privacy:remove-watcher`,
 * `calendar:get`, `calendar:set`, `preferences:get`, `preferences:set`.
 */
export * from './cups-features';
