/**
 * Electron's safeStorage offered to the backend as its fallback secret store (the worker cannot reach Electron).
 */
import type { SafeStorage } from 'electron';
import type { HostSafeStorage } from '../host/backend-worker.ts';

/**
 * Electron's safeStorage as the backend's fallback secret store. On Linux without a keyring Chromium silently
 * uses a hard-coded key ("basic_text"); that is not encryption, so it is reported as unavailable rather than
 * letting secrets land on disk as if they were protected.
 */
export function hostSafeStorage(ss: Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>, platform: NodeJS.Platform): HostSafeStorage {
  return {
    isEncryptionAvailable: () => {
      if (!ss.isEncryptionAvailable()) return false;
      if (platform !== 'linux') return true;
      const backend = ss.getSelectedStorageBackend();
      return backend !== 'basic_text' && backend !== 'unknown';
    },
    encryptString: (s) => ss.encryptString(s),
    decryptString: (b) => ss.decryptString(Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
  };
}
