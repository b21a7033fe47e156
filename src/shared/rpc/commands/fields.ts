/** Field schemas that several areas of the contract share: Matrix IDs, URLs, free-form JSON. */
import { z } from 'zod';
import type { JSONObject } from '../types.ts';

const matrixId = (sigil: string, what: string) =>
  z.string().regex(new RegExp(`^\\${sigil}[^:]+:.+$`), `must be a ${what} like ${sigil}name:example.org`);

// Room version 12 IDs may lack a server part.
export const roomIdField = matrixId('!', 'room ID').or(z.string().regex(/^![^:\s]+$/, 'must be a room ID'));
export const userIdField = matrixId('@', 'user ID');
export const jsonObject = z.record(z.string(), z.unknown()) as unknown as z.ZodType<JSONObject>;
export const httpURL = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
/** A command without parameters: `{}` or nothing. */
export const empty = z.object({}).optional();
