/**
 * Room keys for messages that could not be decrypted (gomuks' rerequest_session, same name and parameters). The
 * backend also retries on its own whenever a key arrives; this is the user's "ask again" for one session.
 */
import { z } from 'zod';
import { command, type CommandArea } from './define.ts';
import { roomIdField, userIdField } from './fields.ts';

export const roomKeyCommands = {
  /**
   * Asks the key sources (key backup) and this account's other devices that this device has verified again for a
   * megolm session's key. Unlike gomuks, the sender's devices and our unverified devices are never asked.
   */
  rerequest_session: command(z.object({
    room_id: roomIdField,
    session_id: z.string().min(1, 'session_id must name the megolm session (content.session_id of the event)'),
    /** The sender of the undecryptable event. */
    sender: userIdField,
  })).returns<boolean>(),
} satisfies CommandArea;
