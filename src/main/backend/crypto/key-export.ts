/**
 * `export_keys` and `import_keys`: the engine's room keys (all, or one room's) to and from the spec's
 * passphrase-protected export file (key-export-file.ts), which Element and other clients read and write too.
 */
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { KeyImportResult } from '../../../shared/rpc/index.ts';
import { decryptKeyFile, encryptKeyFile, KeyFileError } from './key-export-file.ts';

export async function exportKeys(machine: OlmMachine, passphrase: string, roomId?: string): Promise<string> {
  if (passphrase === '') throw new KeyFileError('A key export needs a passphrase: the file would otherwise hold every key in the clear.');
  const json = await machine.exportRoomKeys((s) => roomId === undefined || s.roomId.toString() === roomId);
  return encryptKeyFile(json, passphrase);
}

export async function importKeys(machine: OlmMachine, file: string, passphrase: string): Promise<KeyImportResult> {
  const json = await decryptKeyFile(file, passphrase);
  let sessions: unknown;
  try {
    sessions = JSON.parse(json);
  } catch {
    throw new KeyFileError('The key file decrypts, but what it holds is not the JSON list of keys an export has.');
  }
  if (!Array.isArray(sessions)) throw new KeyFileError('The key file decrypts, but what it holds is not a list of keys.');
  const result = await machine.importExportedRoomKeys(json, () => undefined);
  return { imported_count: result.importedCount, total_count: result.totalCount };
}
