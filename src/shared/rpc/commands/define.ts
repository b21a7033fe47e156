/**
 * How a command is declared: its request schema and its response type, side by side, so a command cannot exist
 * without both. `command(schema).returns<Response>()` is the only way to make a `CommandDef`; forgetting
 * `.returns<…>()`, or its type argument, is a compile error on that very line rather than somewhere in the
 * dispatcher or the frontend's client.
 */
import type { z } from 'zod';

export interface CommandDef<S extends z.ZodType, R> {
  readonly schema: S;
  /** Type-only: never set at runtime. Carries the response type to `CommandResponses`. */
  readonly response?: R;
}

/** A group of commands (one area of the API); `satisfies CommandArea` makes each entry prove it is complete. */
export type CommandArea = Record<string, CommandDef<z.ZodType, unknown>>;

/** Written in place of a `CommandDef` when `returns()` lacks its type argument, so `satisfies CommandArea` fails. */
interface MissingResponseType { readonly 'command(...).returns<Response>() needs the response type': true }

/**
 * Starts a command declaration. The response type is mandatory: `returns()` without a type argument yields
 * `MissingResponseType` instead of a `CommandDef`, which the area's `satisfies CommandArea` rejects on that line.
 */
export function command<S extends z.ZodType>(schema: S) {
  return {
    returns<R = never>(): [NoInfer<R>] extends [never] ? MissingResponseType : CommandDef<S, NoInfer<R>> {
      return { schema } as [NoInfer<R>] extends [never] ? MissingResponseType : CommandDef<S, NoInfer<R>>;
    },
  };
}

/** The request schema of every command of an area, by name. */
export type AreaSchemas<A extends CommandArea> = { [C in keyof A]: A[C]['schema'] };
/** The response of every command of an area, by name. */
export type AreaResponses<A extends CommandArea> = { [C in keyof A]: A[C] extends CommandDef<z.ZodType, infer R> ? R : never };
