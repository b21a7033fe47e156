/**
 * sharp (libvips), the image library behind local thumbnails and re-encoded uploads, loaded on first use rather
 * than with the backend: a backend whose copy of it cannot load still runs, and only those two features say so.
 */
import type sharp from 'sharp';
import { errorMessage } from '../../../shared/error-message.ts';

export type Sharp = typeof sharp;

let loaded: Promise<Sharp> | undefined;

export function loadSharp(): Promise<Sharp> {
  const p = loaded ?? import('sharp').then((m) => m.default, (e: unknown) => {
    loaded = undefined;
    throw new Error(`the image library (sharp) could not be loaded: ${errorMessage(e)}`);
  });
  loaded = p;
  return p;
}
