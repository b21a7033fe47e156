/**
 * Small display helpers shared by the room list, the timeline and the member list. Pure, so they are unit-tested
 * under Node.
 */
import type { RoomSummary } from '../../api/room-summary.ts';
import type { PresenceState, UserPresence } from '../../../shared/rpc/types.ts';

const AVATAR_COLORS = ['#5b5bd6', '#0b8a6f', '#c2410c', '#be185d', '#0369a1', '#7c3aed', '#a16207', '#15803d'] as const;

/** The same id always gets the same color, so a room is recognizable at a glance across sessions. */
export function colorFor(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return AVATAR_COLORS[h % AVATAR_COLORS.length];
}

/** One or two letters for an avatar: "Design Team" → "DT", "#general:x" → "G", "@bob:x" → "B". */
export function initialsOf(name: string): string {
  const cleaned = name.replace(/^[#@!+]/, '').replace(/:.*$/, '').trim();
  const words = cleaned.split(/[\s_\-.]+/u).filter(Boolean);
  const first = (w: string | undefined): string => (w ? ([...w][0] ?? '') : '');
  const letters = words.length >= 2 ? first(words[0]) + first(words[1]) : first(words[0]);
  return letters.toLocaleUpperCase() || '?';
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Local calendar day, for grouping and separators. */
export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/**
 * `toLocale…String` builds a new Intl formatter on every call, which made formatting the times of a long timeline
 * the costliest part of rendering it; one formatter per locale and options is kept instead.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string | undefined, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    formatters.set(key, f);
  }
  return f;
}

/** How times are written: `hour12` undefined follows the locale (the device's, or `locale`). */
export interface TimeStyle {
  readonly hour12?: boolean | undefined;
  readonly locale?: string | undefined;
}

/**
 * The hour cycle asked for. `hour12: false` alone can still give "24:05" after midnight in some locales, so the
 * cycle is named: h23 runs 00–23, h12 runs 1–12.
 */
function clockOptions(hour12: boolean | undefined): Intl.DateTimeFormatOptions {
  return hour12 === undefined ? {} : { hourCycle: hour12 ? 'h12' : 'h23' };
}

export function formatClock(ts: number, style: TimeStyle = {}): string {
  return formatter(style.locale, { hour: 'numeric', minute: '2-digit', ...clockOptions(style.hour12) }).format(ts);
}

/** Room list: time today, weekday this week, else a short date. */
export function formatListTime(ts: number, now = Date.now(), style: TimeStyle = {}): string {
  if (!ts) return '';
  const { locale } = style;
  const d = new Date(ts);
  const n = new Date(now);
  if (sameDay(d, n)) return formatClock(ts, style);
  const days = (startOfDay(n) - startOfDay(d)) / 86_400_000;
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return formatter(locale, { weekday: 'short' }).format(d);
  if (d.getFullYear() === n.getFullYear()) return formatter(locale, { month: 'short', day: 'numeric' }).format(d);
  return formatter(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

export function formatDaySeparator(ts: number, now = Date.now(), locale?: string): string {
  const d = new Date(ts);
  const n = new Date(now);
  const days = Math.round((startOfDay(n) - startOfDay(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return formatter(locale, {
    weekday: 'long', month: 'long', day: 'numeric', ...(d.getFullYear() === n.getFullYear() ? {} : { year: 'numeric' }),
  }).format(d);
}

export function formatFullTime(ts: number, style: TimeStyle = {}): string {
  return formatter(style.locale, { dateStyle: 'full', timeStyle: 'short', ...clockOptions(style.hour12) }).format(ts);
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Badge text: large counts are noise. */
export function formatCount(n: number): string {
  return n > 99 ? '99+' : String(n);
}

/** One number formatter per locale, for the reason the date formatters above are kept. */
const numberFormatters = new Map<string, Intl.NumberFormat>();

/** A count as the locale writes it: 10,004 in English, 10.004 in German, 10 004 in French. */
export function formatNumber(n: number, locale?: string): string {
  const key = locale ?? '';
  let f = numberFormatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormatters.set(key, f);
  }
  return f.format(n);
}

/** "1 member", "10,004 members": how every member count reads (header, list, previews, directories). */
export function formatMemberCount(n: number, locale?: string): string {
  return `${formatNumber(n, locale)} ${n === 1 ? 'member' : 'members'}`;
}

/**
 * How long ago a time was, in the largest whole unit: "just now" under a minute, then minutes, hours and days.
 * English words around the locale's number, as the rest of the interface is written (Intl.RelativeTimeFormat would
 * put the locale's words into English sentences).
 */
export function formatAgo(ts: number, now = Date.now(), locale?: string): string {
  const minutes = Math.floor((now - ts) / 60_000);
  if (minutes < 1) return 'just now';
  const [n, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 24 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / (24 * 60)), 'day'];
  return `${formatNumber(n, locale)} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** The small facts under a row's name: a space, how many members, joined. */
export function summaryFacts(room: RoomSummary, members: number | undefined, joined: boolean): string[] {
  return [
    room.isSpace ? 'Space' : null,
    typeof members === 'number' ? formatMemberCount(members) : null,
    joined ? 'Joined' : null,
  ].filter((f) => f !== null);
}

/** A presence state in a word, as Element names them (a dot's label). */
export function presenceWord(state: PresenceState): string {
  return state === 'online' ? 'Online' : state === 'unavailable' ? 'Away' : 'Offline';
}

/**
 * A user's presence as the user info panel says it: "Online", "Away" (with when they were last active, if the
 * server said), "Last seen 12 minutes ago" for someone offline whose last activity is known, else "Offline"; their
 * status message after it.
 */
export function presenceText(p: UserPresence, now = Date.now(), locale?: string): string {
  const seen = p.last_active_ts === undefined ? null : formatAgo(p.last_active_ts, now, locale);
  const state = p.presence === 'online' ? 'Online'
    : p.presence === 'unavailable' ? (seen ? `Away · last seen ${seen}` : 'Away')
      : seen ? `Last seen ${seen}` : 'Offline';
  return p.status_msg ? `${state} · ${p.status_msg}` : state;
}
