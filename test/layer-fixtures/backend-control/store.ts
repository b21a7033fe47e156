// Allowed in the backend: src/shared and Node.
import { readFileSync } from 'node:fs';
import type { Envelope } from '../../../src/shared/rpc/envelope.ts';

export const read = readFileSync;
export const home = process.env.HOME;
export type E = Envelope;
