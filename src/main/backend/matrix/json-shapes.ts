/**
 * Reading the homeserver's JSON, whose shapes the spec promises but nothing enforces (a broken server, a bridge, a
 * federated event nobody checked): a part of the wrong shape is read as empty and skipped, never thrown on, since a
 * throw while storing a sync response or a page of history fails it every time it is fetched again. The checks
 * every reader of server JSON shares; the types say what a part should be, these say what it is.
 */
import type { JSONObject } from '../../../shared/rpc/index.ts';

/** A JSON object: not null, not an array. */
export function isJsonObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The list itself when it is one, else an empty one (its entries are still the server's: check each). */
export function listOf<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}
