// The backend imports only src/shared and Node, never a host.
import { mimeTypeFor } from '../../../src/main/host/static-files.ts';

export const mime = mimeTypeFor('a.png');
