// src/shared runs on both sides: no Node.
import { readFileSync } from 'node:fs';

export const read = readFileSync;
