/**
 * Every command the backend understands: its request schema (checked at runtime on every request, because the
 * websocket is reachable by other programs) and its response type. The frontend's RpcClient is typed from the
 * same table, so a command's shape is written exactly once.
 *
 * Commands are declared by area in `commands/` (session, rooms, send, notifications, membership, people, room actions, server;
 * media, reading and the rest of gomuks' commands each get a file there) as `command(schema).returns<Response>()` pairs, and merged
 * here. The backend's handlers are split along the same areas (src/main/backend/commands/).
 */
import type { z } from 'zod';
import type { AreaResponses, AreaSchemas, CommandArea } from './commands/define.ts';
import { notificationCommands } from './commands/notifications.ts';
import { accountCommands } from './commands/account.ts';
import { cryptoCommands } from './commands/crypto.ts';
import { deviceCommands } from './commands/devices.ts';
import { directoryCommands } from './commands/directory.ts';
import { ignoringCommands } from './commands/ignoring.ts';
import { presenceCommands } from './commands/presence.ts';
import { roomUpgradeCommands } from './commands/room-upgrades.ts';
import { mediaCommands } from './commands/media.ts';
import { membershipCommands } from './commands/membership.ts';
import { peopleCommands } from './commands/people.ts';
import { readingCommands } from './commands/reading.ts';
import { roomActionCommands } from './commands/room-actions.ts';
import { roomCommands } from './commands/rooms.ts';
import { roomKeyCommands } from './commands/room-keys.ts';
import { searchCommands } from './commands/search.ts';
import { sendCommands } from './commands/send.ts';
import { serverCommands } from './commands/server.ts';
import { sessionCommands } from './commands/session.ts';
import { verificationCommands } from './commands/verification.ts';

export {
  accountCommands, deviceCommands, directoryCommands, ignoringCommands, mediaCommands, membershipCommands, notificationCommands, peopleCommands, presenceCommands,
  readingCommands,
  roomActionCommands, roomCommands, roomKeyCommands, roomUpgradeCommands, searchCommands, sendCommands, serverCommands,
  sessionCommands, verificationCommands,
};
export { MAX_DECLARED_DURATION_MS, MEDIA_ENCODINGS, PICTURE_MAX_BYTES, WAVEFORM_MAX_SAMPLES, WAVEFORM_MAX_VALUE, isImageEncoding } from './commands/media.ts';
export type { AudioEncoding, ImageEncoding, MediaEncoding, MediaMessageContent, PictureData, VideoEncoding, VoiceFacts } from './commands/media.ts';
export { cryptoCommands };
export type { BackupKeyCheck, KeyBackupRestore, KeyBackupStatus, KeyImportResult, RecoveryKeyResponse } from './commands/crypto.ts';
export type {
  ProfileDevice, ProfileEncryptionInfo, RespDeviceInfo, TrustState, UserIdentityUpdate, VerificationFlow, VerificationPhase,
} from './commands/verification.ts';

/** All areas in one table. A name used by two areas would silently shadow one; the unit tests check for that. */
export const commandAreas = {
  ...sessionCommands, ...roomCommands, ...sendCommands, ...membershipCommands, ...peopleCommands, ...roomActionCommands,
  ...serverCommands, ...presenceCommands, ...ignoringCommands, ...roomUpgradeCommands,
  ...readingCommands, ...searchCommands, ...mediaCommands, ...notificationCommands, ...roomKeyCommands,
  ...cryptoCommands,
  ...verificationCommands, ...deviceCommands, ...accountCommands, ...directoryCommands,
} satisfies CommandArea;
type AllCommands = typeof commandAreas;

export const commandSchemas = schemasOf(commandAreas);

export type CommandName = keyof AllCommands;
export type CommandParams<C extends CommandName> = z.input<(typeof commandSchemas)[C]>;

/** What each command answers with (the `data` of its `response`). */
export type CommandResponses = AreaResponses<AllCommands>;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandSchemas, name);
}

function schemasOf<A extends CommandArea>(area: A): AreaSchemas<A> {
  return Object.fromEntries(Object.entries(area).map(([name, def]) => [name, def.schema])) as AreaSchemas<A>;
}
