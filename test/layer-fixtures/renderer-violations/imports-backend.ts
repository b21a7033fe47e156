// A renderer file importing the backend: the renderer reaches the backend over RPC only.
import { resolveDataPaths } from '../../../src/main/backend/paths.ts';

export const paths = resolveDataPaths();
