/** Field schemas that several areas of the contract share: Matrix IDs, URLs, free-form JSON. */
import { z } from 'zod';
import { SERVER_NAME_PATTERN } from '../../server-name.ts';
import type { JSONObject } from '../types.ts';

const matrixId = (sigil: string, what: string) =>
  z.string().regex(new RegExp(`^\\${sigil}[^:]+:.+$`), `must be a ${what} like ${sigil}name:example.org`);

// Room version 12 IDs may lack a server part. One regex rather than a union, so a bad ID is named in words
// instead of zod's "Invalid input" for a failed union.
export const roomIdField = z.string().regex(/^!(?:[^:]+:.+|[^:\s]+)$/, 'must be a room ID like !abc:example.org');
export const userIdField = matrixId('@', 'user ID');
export const roomAliasField = matrixId('#', 'room alias');
/** join_room and friends take either. */
export const roomIdOrAliasField = z.string().regex(/^(?:!(?:[^:]+:.+|[^:\s]+)|#[^:]+:.+)$/,
  'must be a room ID or alias like !abc:example.org or #room:example.org');
/** A server name to route through (`via`): a host name or IP literal, with an optional port. */
export const serverNameField = z.string().regex(SERVER_NAME_PATTERN, 'must be a server name like example.org');
export const eventIdField = z.string().regex(/^\$\S+$/, 'must be an event ID like $abc');
/** Event types and account data types: non-empty, no whitespace. */
export const eventTypeField = z.string().regex(/^\S+$/, 'must be a type like m.room.topic, without spaces');
export const jsonObject = z.record(z.string(), z.unknown()) as unknown as z.ZodType<JSONObject>;
export const httpURL = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
/** A command without parameters: `{}` or nothing. */
export const empty = z.object({}).optional();
