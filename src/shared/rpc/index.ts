export * from './envelope.ts';
export * from './types.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './media.ts';
export * from './responses.ts';
