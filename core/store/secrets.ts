/**
 * Where "Remember me" keeps a password: only encrypted by the operating system's keychain
 * (Electron `safeStorage`: DPAPI, Keychain, libsecret/kwallet), or nowhere.
 *
 * The core sees only `SecretStore`. The browser host has `NoSecretStore` (nothing on disk, the
 * form offers no "Remember me"); Electron builds an `EncryptedSecretStore` over `safeStorage`.
 * The file holds ciphertext only, and the store refuses to write when the OS cipher is missing
 * or is Chromium's hard-coded fallback key (`basic_text` on Linux without a keyring), since that
 * would be plaintext in all but name.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SecretStore {
  /** False when secrets cannot be kept safely here: "Remember me" is not offered. */
  readonly available: boolean;
  get(account: string): string | undefined;
  set(account: string, secret: string): void;
  delete(account: string): void;
}

/** The browser host's store: keeps nothing, anywhere. */
export class NoSecretStore implements SecretStore {
  readonly available = false;
  get(): undefined {
    return undefined;
  }
  set(): void {
    throw new Error('This host cannot keep passwords.');
  }
  delete(): void {}
}

/** What `safeStorage` offers (and a fake in tests). */
export interface OsCipher {
  isEncryptionAvailable(): boolean;
  /** Linux only: which backend encrypts; `basic_text` means a fixed key, i.e. no protection. */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

/** The key under which a password is kept: user and server, so two accounts never mix. */
export function secretAccount(user: string, server: string): string {
  return `${user.trim().toLowerCase()}@${server.trim().toLowerCase()}`;
}

export class EncryptedSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly cipher: OsCipher,
  ) {}

  get available(): boolean {
    try {
      if (!this.cipher.isEncryptionAvailable()) return false;
      return this.cipher.getSelectedStorageBackend?.() !== 'basic_text';
    } catch {
      return false;
    }
  }

  private read(): Record<string, string> {
    try {
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
      return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }

  private write(all: Record<string, string>): void {
    if (Object.keys(all).length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  get(account: string): string | undefined {
    if (!this.available) return undefined;
    const sealed = this.read()[account];
    if (!sealed) return undefined;
    try {
      return this.cipher.decryptString(Buffer.from(sealed, 'base64'));
    } catch {
      // Another OS user's or a reinstalled keyring's ciphertext: as if nothing was kept.
      return undefined;
    }
  }

  set(account: string, secret: string): void {
    if (!this.available) throw new Error('The system keychain is not available; the password was not kept.');
    this.write({ ...this.read(), [account]: this.cipher.encryptString(secret).toString('base64') });
  }

  delete(account: string): void {
    const all = this.read();
    if (!(account in all)) return;
    delete all[account];
    this.write(all);
  }
}
