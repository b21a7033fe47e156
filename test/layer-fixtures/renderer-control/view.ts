// Allowed in the renderer: src/shared (values and types) and the DOM.
import { mxcToPath } from '../../../src/shared/rpc/media.ts';
import type { Envelope } from '../../../src/shared/rpc/envelope.ts';

export const path = mxcToPath('mxc://example.org/abc');
export const title = document.title;
export type E = Envelope;
