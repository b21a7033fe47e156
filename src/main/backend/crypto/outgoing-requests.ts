/**
 * The one loop that sends the crypto engine's outgoing requests (keys upload, query and claim, to-device messages,
 * signature uploads, room messages, key backup) and acknowledges each with `markRequestAsSent`. The engine keeps
 * offering a request until it is acknowledged, so a failed send is simply offered again on the next run.
 */
import {
  KeysClaimRequest, KeysQueryRequest, KeysUploadRequest, RoomMessageRequest, SignatureUploadRequest,
  ToDeviceRequest,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { KeysBackupRequest, OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { CryptoApi } from '../matrix/api/crypto.ts';
import { ROOM_KEY_REQUEST, toVerifiedOwnDevices } from './key-request-recipients.ts';

type Request = KeysUploadRequest | KeysQueryRequest | KeysClaimRequest | ToDeviceRequest | SignatureUploadRequest
  | RoomMessageRequest | KeysBackupRequest;

export class OutgoingRequests {
  private readonly machine: OlmMachine;
  private readonly api: CryptoApi;
  private readonly signal: AbortSignal;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(machine: OlmMachine, api: CryptoApi, signal: AbortSignal) {
    this.machine = machine;
    this.api = api;
    this.signal = signal;
  }

  /**
   * Sends everything the engine has queued. Runs are serialized: a call during a run makes that run go round once
   * more, and resolves when the queue was empty (or a send failed; the failure is thrown to the caller).
   */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (async () => {
      try {
        do {
          this.again = false;
          await this.sendAll();
        } while (this.again && !this.signal.aborted);
      } finally {
        this.running = null;
      }
    })();
    this.running = run;
    return run;
  }

  /** Waits for a run in flight (used before the engine is closed). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async sendAll(): Promise<void> {
    for (;;) {
      if (this.signal.aborted) return;
      const requests = (await this.machine.outgoingRequests()) as Request[];
      if (requests.length === 0) return;
      for (const r of requests) await this.send(r);
    }
  }

  /** Sends one request and hands the server's answer to the engine, which is what lets it forget the request. */
  async send(r: Request): Promise<void> {
    const response = await this.call(r);
    if (r.id !== undefined) await this.machine.markRequestAsSent(r.id, r.type, response);
  }

  private async call(r: Request): Promise<string> {
    const { api, signal } = this;
    if (r instanceof KeysUploadRequest) return api.keysUpload(r.body, signal);
    if (r instanceof KeysQueryRequest) return api.keysQuery(r.body, signal);
    if (r instanceof KeysClaimRequest) return api.keysClaim(r.body, signal);
    if (r instanceof ToDeviceRequest && r.event_type === ROOM_KEY_REQUEST) {
      // Only our verified other devices are asked (key-request-recipients.ts); with none, it is done as it is.
      const body = await toVerifiedOwnDevices(this.machine, r.body);
      return body === undefined ? '{}' : api.sendToDevice(r.event_type, r.txn_id, body, signal);
    }
    if (r instanceof ToDeviceRequest) return api.sendToDevice(r.event_type, r.txn_id, r.body, signal);
    if (r instanceof SignatureUploadRequest) return api.signaturesUpload(r.body, signal);
    if (r instanceof RoomMessageRequest) return api.roomMessage(r.room_id, r.event_type, r.txn_id, r.body, signal);
    return api.backupKeys(r.version, r.body, signal);
  }
}
