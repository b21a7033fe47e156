/**
 * What the homeserver says this account already has for encryption: a published cross-signing identity (/keys/query),
 * secret storage (the m.secret_storage.default_key account data) and a key backup (/room_keys/version). The first-run
 * step must not offer to set these up anew from what the engine or the last sync happen not to know yet: creating
 * them again replaces the recovery key and the current backup, and can leave the old backup's keys unreachable. So
 * "none" is taken only from the server's own answer ("not found"); a request that fails, answers another error
 * (a 502 from a proxy, say) or is not answered within a short bound leaves it unknown, with the reason in words.
 */
import type { MatrixClient } from '../matrix/client.ts';
import { ConnectionError, MatrixError, notAnsweringError } from '../matrix/errors.ts';
import { DEFAULT_KEY_TYPE } from './secret-storage.ts';

export interface AccountEncryption {
  crossSigning: boolean;
  secretStorage: boolean;
  keyBackup: boolean;
}

/**
 * Asks the three questions at once; the first that fails ends the others (they would only pile up on a silent
 * connection) and rejects with an error whose message says, in words, why it is not known.
 */
export async function askAccountEncryption(client: MatrixClient, userId: string, answerWithinMs: number, signal: AbortSignal): Promise<AccountEncryption> {
  const silence = AbortSignal.timeout(answerWithinMs);
  const giveUp = new AbortController();
  const s = AbortSignal.any([signal, silence, giveUp.signal]);
  // The first failure ends the other requests too.
  const watch = <T>(ask: Promise<T>): Promise<T> => ask.catch((e: unknown) => { giveUp.abort(); throw e; });
  try {
    const [keys, defaultKey, backup] = await Promise.all([
      watch(client.crypto.keysQuery(JSON.stringify({ device_keys: { [userId]: [] } }), s)),
      watch(client.account.getAccountData(userId, DEFAULT_KEY_TYPE, s).catch((e: unknown) => {
        if (e instanceof MatrixError && e.errcode === 'M_NOT_FOUND') return null;
        throw e;
      })),
      // Null only for M_NOT_FOUND: any other error is not "no backup".
      watch(client.crypto.backupVersion(s)),
    ]);
    const master = (JSON.parse(keys) as { master_keys?: Record<string, unknown> }).master_keys?.[userId];
    const key = defaultKey?.key;
    return {
      crossSigning: typeof master === 'object' && master !== null,
      secretStorage: typeof key === 'string' && key !== '',
      keyBackup: backup !== null,
    };
  } catch (e) {
    if (signal.aborted) throw e;
    if (silence.aborted) throw new Error(sentence(notAnsweringError(client.baseUrl, answerWithinMs).message));
    throw new Error(describeCheckError(e));
  }
}

/** Why the account's encryption could not be checked, in one sentence. */
function describeCheckError(e: unknown): string {
  if (e instanceof ConnectionError) return sentence(e.message);
  if (e instanceof MatrixError) {
    // A gateway's error page (no Matrix JSON) in front of a homeserver that is down or restarting.
    if (e.body === undefined || e.status >= 500) return `The homeserver answered with an error (HTTP ${e.status}): it may be down or restarting.`;
    return `The homeserver refused to say (${e.errcode}: ${e.message.replace(/\.$/, '')}).`;
  }
  return e instanceof Error ? e.message : String(e);
}

function sentence(text: string): string {
  return /[.?!)]$/.test(text) ? text : `${text}.`;
}
