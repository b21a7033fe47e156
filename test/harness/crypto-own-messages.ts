/** Messages a device encrypts to itself: how the crypto store tests prove keys survived without a second client. */
import { DecryptionSettings, RoomId, TrustRequirement } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';

export const USER_ID = '@alice:lattice.test';
export const DEVICE_ID = 'LATTICEDEV';

export interface Ack {
  room: string;
  body: string;
  ciphertext: string;
}

export async function decryptOwn(machine: OlmMachine, ack: Ack): Promise<string> {
  const event = { type: 'm.room.encrypted', content: JSON.parse(ack.ciphertext), sender: USER_ID, event_id: `$${ack.body}`, origin_server_ts: 1, room_id: ack.room };
  const decrypted = await machine.decryptRoomEvent(JSON.stringify(event), new RoomId(ack.room), new DecryptionSettings(TrustRequirement.Untrusted));
  return (JSON.parse(decrypted.event) as { content: { body: string } }).content.body;
}

