/**
 * Every command's handler, merged from the area modules. The `Handlers` annotation is what proves, at compile
 * time, that no command of the contract is left without one.
 */
import type { Handlers } from '../rpc/dispatcher.ts';
import type { CommandContext } from './context.ts';
import { notificationHandlers } from './notifications.ts';
import { roomHandlers } from './rooms.ts';
import { sendHandlers } from './send.ts';
import { sessionHandlers } from './session.ts';

export function createHandlers(ctx: CommandContext): Handlers {
  return {
    ...sessionHandlers(ctx),
    ...roomHandlers(ctx),
    ...sendHandlers(ctx),
    ...notificationHandlers(ctx),
  };
}
