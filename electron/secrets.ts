/**
 * "Remember me" in the desktop app: the password encrypted by the OS through `safeStorage`,
 * in a file of ciphertext under the profile. Nothing is kept when the OS offers no real
 * keychain (see `EncryptedSecretStore`).
 */
import { safeStorage } from 'electron';
import { join } from 'node:path';
import { EncryptedSecretStore } from '../core/store/secrets';

export function createElectronSecrets(profileDir: string): EncryptedSecretStore {
  return new EncryptedSecretStore(join(profileDir, 'secrets.json'), {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    // Only Linux has a choice of backends; elsewhere the OS keychain is always used.
    getSelectedStorageBackend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'),
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (cipher) => safeStorage.decryptString(cipher),
  });
}
