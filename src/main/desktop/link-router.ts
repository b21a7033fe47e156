/**
 * Links on their way to the page: a matrix: or matrix.to link from the OS, an unread room picked in the tray, a
 * clicked notification. They queue until the page in the window says it listens (`lattice:navigate-ready`, once
 * per page load), so a link that launched the app is not lost while the page is still loading.
 */
import { parseMatrixLink, type MatrixLink } from '../../shared/matrix-uri.ts';
import { NAVIGATE_CHANNEL, type NavigateMessage } from './channels.ts';
import type { ShellState } from './state.ts';

export interface LinkRouterDeps {
  state: Pick<ShellState, 'win' | 'pendingLinks' | 'navigateReady'>;
  /** Brings the window up (creating it if needed). */
  focusWindow(): void;
  log(m: string): void;
}

export class LinkRouter {
  private readonly deps: LinkRouterDeps;

  constructor(deps: LinkRouterDeps) {
    this.deps = deps;
  }

  /** Sends the waiting links, if the window's page listens. */
  flush(): void {
    const { win: w, navigateReady, pendingLinks } = this.deps.state;
    if (!w || w.isDestroyed() || !navigateReady.has(w.webContents.id)) return;
    for (const link of pendingLinks.splice(0)) w.webContents.send(NAVIGATE_CHANNEL, { link } satisfies NavigateMessage);
  }

  navigate(link: MatrixLink): void {
    this.deps.state.pendingLinks.push(link);
    this.deps.focusWindow();
    this.flush();
  }

  /** A link as text; one that does not parse is logged with the reason, and the window still comes up. */
  open(text: string): void {
    const parsed = parseMatrixLink(text);
    if (!parsed.ok) {
      this.deps.log(`could not open the link ${JSON.stringify(text.slice(0, 200))}: ${parsed.error}`);
      this.deps.focusWindow();
      return;
    }
    this.navigate(parsed.link);
  }
}
