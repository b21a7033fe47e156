/**
 * Every command's handler, merged from the area modules. The `Handlers` annotation is what proves, at compile
 * time, that no command of the contract is left without one.
 */
import type { Handlers } from '../rpc/dispatcher.ts';
import type { CommandContext } from './context.ts';
import { accountHandlers } from './account.ts';
import { notificationHandlers } from './notifications.ts';
import { cryptoHandlers } from './crypto.ts';
import { deviceHandlers } from './devices.ts';
import { directoryHandlers } from './directory.ts';
import { ignoringHandlers } from './ignoring.ts';
import { presenceHandlers } from './presence.ts';
import { roomUpgradeHandlers } from './room-upgrades.ts';
import { mediaHandlers } from './media.ts';
import { membershipHandlers } from './membership.ts';
import { peopleHandlers } from './people.ts';
import { readingHandlers } from './reading.ts';
import { roomActionHandlers } from './room-actions.ts';
import { roomHandlers } from './rooms.ts';
import { roomKeyHandlers } from './room-keys.ts';
import { searchHandlers } from './search.ts';
import { sendHandlers } from './send.ts';
import { serverHandlers } from './server.ts';
import { sessionHandlers } from './session.ts';
import { verificationHandlers } from './verification.ts';

export function createHandlers(ctx: CommandContext): Handlers {
  return {
    ...sessionHandlers(ctx),
    ...roomHandlers(ctx),
    ...sendHandlers(ctx),
    ...notificationHandlers(ctx),
    ...presenceHandlers(ctx),
    ...ignoringHandlers(ctx),
    ...roomUpgradeHandlers(ctx),
    ...membershipHandlers(ctx),
    ...directoryHandlers(ctx),
    ...peopleHandlers(ctx),
    ...roomActionHandlers(ctx),
    ...serverHandlers(ctx),
    ...readingHandlers(ctx),
    ...searchHandlers(ctx),
    ...mediaHandlers(ctx),
    ...roomKeyHandlers(ctx),
    ...cryptoHandlers(ctx),
    ...verificationHandlers(ctx),
    ...deviceHandlers(ctx),
    ...accountHandlers(ctx),
  };
}
