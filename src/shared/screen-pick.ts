/**
 * The desktop app's own picker of what to share in a call (getDisplayMedia), as messages between the shell and the
 * page: the shell offers the screens and windows desktopCapturer lists (`ScreenPick`), the page answers with one of
 * them or none (`ScreenChoice`). Shared by the shell, the preload and the renderer, which each check what the
 * other side sent with the parsers here: each side treats the other as untrusted.
 */

export type ScreenSourceKind = 'screen' | 'window';

export interface ScreenSource {
  /** desktopCapturer's id (`screen:…` or `window:…`), which the answer names. */
  id: string;
  name: string;
  kind: ScreenSourceKind;
  /** A PNG `data:` URL of the source's picture now; empty when it has none (a minimized window). */
  thumbnail: string;
  /** The window's application icon as a PNG `data:` URL, when it has one. */
  icon?: string;
}

/** shell → page: one getDisplayMedia request's choices. `pick_id` ties the answer to it. */
export interface ScreenPick {
  pick_id: number;
  sources: ScreenSource[];
}

/** page → shell: the source chosen for a pick, or null (cancelled: getDisplayMedia rejects). */
export interface ScreenChoice {
  pick_id: number;
  source_id: string | null;
}

/** Longest id or name kept; window titles can be long, and nothing longer is shown. */
export const MAX_SOURCE_TEXT = 512;
/** More than anyone can look through; a list longer than this is cut. */
export const MAX_SOURCES = 200;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPickId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_SOURCE_TEXT;
/** Only PNG pictures as data: URLs, so an image in the page can never be made to load something from elsewhere. */
const isPicture = (v: unknown): v is string => typeof v === 'string' && (v === '' || v.startsWith('data:image/png;base64,'));

function parseSource(raw: unknown): ScreenSource | null {
  if (!isRecord(raw)) return null;
  const { id, name, kind, thumbnail, icon } = raw;
  if (!isText(id) || typeof name !== 'string' || name.length > MAX_SOURCE_TEXT || (kind !== 'screen' && kind !== 'window') || !isPicture(thumbnail)) return null;
  if (icon !== undefined && !isPicture(icon)) return null;
  return { id, name, kind, thumbnail, ...(icon ? { icon } : {}) };
}

/** The shell's offer, checked; malformed sources are left out, and a pick with none is no pick. */
export function parseScreenPick(raw: unknown): ScreenPick | null {
  if (!isRecord(raw) || !isPickId(raw.pick_id) || !Array.isArray(raw.sources)) return null;
  const sources = raw.sources.slice(0, MAX_SOURCES).map(parseSource).filter((s): s is ScreenSource => s !== null);
  return sources.length ? { pick_id: raw.pick_id, sources } : null;
}

/** The page's answer, checked: whether the id is one the shell offered is the shell's own question. */
export function parseScreenChoice(raw: unknown): ScreenChoice | null {
  if (!isRecord(raw) || !isPickId(raw.pick_id)) return null;
  const id = raw.source_id;
  if (id !== null && !isText(id)) return null;
  return { pick_id: raw.pick_id, source_id: id };
}
