/**
 * Serves the page's getDisplayMedia (sharing a screen in a call), which Electron refuses without a handler. As in
 * Element Desktop, the person chooses what to share in the app's own picker: the shell lists the screens and
 * windows (desktopCapturer), sends them to the page that asked (`lattice:screen-pick`), and shares the one the page
 * answers with (`lattice:screen-choice`), or nothing when it cancels, so getDisplayMedia rejects. Only the app's own
 * page may ask, for a picture only: never the system's sound. macOS 15+ shows its own picker instead (the handler
 * is not asked), and on Wayland the desktop portal asks while the sources are listed and returns the one chosen.
 */
import type { DesktopCapturer, DesktopCapturerSource, Screen, Session, WebContents, WebFrameMain } from 'electron';
import { errorMessage } from '../../shared/error-message.ts';
import { MAX_SOURCES, MAX_SOURCE_TEXT, parseScreenChoice, type ScreenPick, type ScreenSource } from '../../shared/screen-pick.ts';
import { SCREEN_PICK_CHANNEL } from './channels.ts';
import { allowDisplayMedia, isAppUrl, primaryScreenSource } from './security.ts';
import type { Logger } from './window.ts';

/** The thumbnails' size: 16:9 tiles, sharp enough at the picker's size on a high-density screen. */
export const THUMBNAIL_SIZE = { width: 320, height: 180 };

type Grant = (streams: { video: DesktopCapturerSource } | null) => void;
type PageContents = Pick<WebContents, 'id' | 'send' | 'isDestroyed' | 'on' | 'removeListener'>;

export interface ScreenPicker {
  /** The page's answer on `lattice:screen-choice` (already known to come from an app page: `senderId` is its webContents). */
  choose(senderId: number, raw: unknown): void;
}

interface Pending {
  pickId: number;
  wc: PageContents;
  sources: readonly DesktopCapturerSource[];
  grant: Grant;
  stop(): void;
}

/** What the page is sent of a source: pictures as data URLs, since the page can load nothing else. */
export function toScreenSource(s: DesktopCapturerSource): ScreenSource {
  const kind = s.id.startsWith('screen:') ? 'screen' : 'window';
  const icon = kind === 'window' && s.appIcon && !s.appIcon.isEmpty() ? s.appIcon.toDataURL() : '';
  return {
    id: s.id, name: s.name.slice(0, MAX_SOURCE_TEXT), kind,
    thumbnail: s.thumbnail.isEmpty() ? '' : s.thumbnail.toDataURL(),
    ...(icon ? { icon } : {}),
  };
}

/** The primary display's screen first (what a plain Share gives, as before there was a picker), then the rest. */
function ordered(sources: readonly DesktopCapturerSource[], primaryDisplayId: number): DesktopCapturerSource[] {
  const screens = sources.filter((s) => s.id.startsWith('screen:'));
  const primary = primaryScreenSource(screens, primaryDisplayId);
  return [...(primary ? [primary] : []), ...sources.filter((s) => s !== primary)].slice(0, MAX_SOURCES)
    .filter((s) => s.id.length <= MAX_SOURCE_TEXT);
}

export function serveDisplayMedia(ses: Pick<Session, 'setDisplayMediaRequestHandler'>, capturer: Pick<DesktopCapturer, 'getSources'>,
  screen: Pick<Screen, 'getPrimaryDisplay'>, pageOf: (frame: WebFrameMain) => PageContents | null, log: Logger): ScreenPicker {
  let pending: Pending | null = null;
  let lastPickId = 0;

  function finish(p: Pending, source: DesktopCapturerSource | null): void {
    if (pending !== p) return;
    pending = null;
    p.stop();
    p.grant(source ? { video: source } : null);
  }

  function offer(wc: PageContents, sources: readonly DesktopCapturerSource[], grant: Grant): void {
    const pickId = ++lastPickId;
    // The page that asked goes away or loads again: nobody is left to answer, and getDisplayMedia must not hang.
    const cancel = (): void => finish(p, null);
    const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }): void => {
      if (details.isMainFrame && !details.isSameDocument) cancel();
    };
    const p: Pending = {
      pickId, wc, sources, grant,
      stop: () => {
        wc.removeListener('destroyed', cancel);
        wc.removeListener('render-process-gone', cancel);
        wc.removeListener('did-start-navigation', onNavigation);
      },
    };
    pending = p;
    wc.on('destroyed', cancel);
    wc.on('render-process-gone', cancel);
    wc.on('did-start-navigation', onNavigation);
    const pick: ScreenPick = { pick_id: pickId, sources: sources.map(toScreenSource) };
    wc.send(SCREEN_PICK_CHANNEL, pick);
  }

  ses.setDisplayMediaRequestHandler((request, callback) => {
    const frame = request.frame;
    const wc = frame && frame.parent === null && isAppUrl(frame.url) ? pageOf(frame) : null;
    if (!allowDisplayMedia(request) || !wc) {
      callback(null);
      return;
    }
    if (pending) {
      // One question at a time: the picker on screen answers the first request.
      log('a screen share was asked for while the picker was open');
      callback(null);
      return;
    }
    capturer.getSources({ types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE, fetchWindowIcons: true }).then((found) => {
      const sources = ordered(found, screen.getPrimaryDisplay().id);
      if (!sources.length) {
        // Also what the Wayland portal gives when the person cancels it.
        log('no screen or window to share was found');
        callback(null);
      } else if (sources.length === 1) {
        // Nothing to choose between: the Wayland portal's answer (the person chose there), or the only screen.
        callback({ video: sources[0] });
      } else if (wc.isDestroyed() || pending) {
        callback(null);
      } else {
        offer(wc, sources, callback);
      }
    }).catch((e: unknown) => {
      log(`the screen could not be shared: ${errorMessage(e)}`);
      callback(null);
    });
  }, { useSystemPicker: true });

  return {
    choose(senderId, raw) {
      const choice = parseScreenChoice(raw);
      const p = pending;
      if (!choice || !p || p.pickId !== choice.pick_id || p.wc.id !== senderId) {
        log('ignored a screen choice that answers no open picker');
        return;
      }
      if (choice.source_id === null) {
        finish(p, null);
        return;
      }
      const source = p.sources.find((s) => s.id === choice.source_id);
      // Only what was offered may be shared: the page cannot name another window or screen by its id.
      if (!source) log('refused to share a screen or window the picker did not offer');
      finish(p, source ?? null);
    },
  };
}
