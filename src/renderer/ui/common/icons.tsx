/**
 * The app's line icons: 24×24 outlines stroked in the text's colour, and the shapes drawn in them. A room header
 * button and the header menu's item that stands in for it when the header folds draw the same shape, so the two
 * read as one action; the menus give each item an icon in a column before its label, as Element's menus do.
 */
import type { ReactNode } from 'react';

export function Icon({ shape, size = 15, className }: { shape: ReactNode; size?: number; className?: string }) {
  return (
    <svg className={className} viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" fill="none" stroke="currentColor"
      strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">{shape}</svg>
  );
}

/** A menu item's icon: the size and column every menu lines up (`.menu-icon` in app.css). */
export function MenuIcon({ shape }: { shape: ReactNode }) {
  return <Icon shape={shape} size={16} className="menu-icon" />;
}

// The room header's buttons.
export const SEARCH_ICON = <><circle cx="10.5" cy="10.5" r="6" /><path d="M15 15l5.5 5.5" /></>;
export const PIN_ICON = <><path d="M9 3h6l-1 6 4 4H6l4-4z" /><path d="M12 13v8" /></>;
export const THREADS_ICON = <><path d="M4 5h16v10H9l-5 4z" /><path d="M8 9h8M8 12h5" /></>;
export const SETTINGS_ICON = <><circle cx="12" cy="12" r="3" /><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1" /></>;
export const MEMBERS_ICON = <><circle cx="9" cy="8" r="3.5" /><path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6" /><path d="M16 4.8a3.5 3.5 0 0 1 0 6.4M18 14.3c2.1.8 3.5 2.8 3.5 5.7" /></>;
export const PHONE_ICON = <path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />;
export const CAMERA_ICON = <><path d="M15 10l5-3v10l-5-3" /><rect x="3" y="6" width="12" height="12" rx="2" /></>;
/** Leave: a door with the arrow going out of it. */
export const LEAVE_ICON = <><path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4" /><path d="M10 8l-4 4 4 4M6 12h9" /></>;

// Menu items without a button of their own.
/** A tray with an arrow out of it: export chat. */
export const EXPORT_ICON = <><path d="M12 15V4M8 8l4-4 4 4" /><path d="M4 14v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" /></>;
export const FLAG_ICON = <><path d="M5 21V4" /><path d="M5 4h11l-2 4 2 4H5" /></>;
export const LINK_ICON = <><path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1" /><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" /></>;
export const MARK_READ_ICON = <><circle cx="12" cy="12" r="9" /><path d="M8 12.5l2.5 2.5L16 9.5" /></>;
export const MARK_UNREAD_ICON = <><circle cx="12" cy="12" r="9" /><circle cx="12" cy="12" r="3" fill="currentColor" /></>;
export const BELL_OFF_ICON = <><path d="M6 16V11a6 6 0 0 1 9.5-4.9M18 10.5V16l2 2H6" /><path d="M10 21h4M3 3l18 18" /></>;
export const STAR_ICON = <path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2-5.5-2.9-5.5 2.9 1-6.2L3 9.6l6.2-.9z" />;
export const LOW_PRIORITY_ICON = <path d="M12 4v15M6 13l6 6 6-6" />;
export const FORWARD_ICON = <><path d="M14 5l7 7-7 7" /><path d="M21 12H10a6 6 0 0 0-6 6v1" /></>;
export const HISTORY_ICON = <><path d="M3 12a9 9 0 1 0 3-6.7L3 8" /><path d="M3 3v5h5M12 7v5l3 2" /></>;
export const SOURCE_ICON = <path d="M8 7l-5 5 5 5M16 7l5 5-5 5" />;
// The composer's "+" menu.
// The composer's buttons that fold into its + menu in a narrow composer (ComposerMenu.tsx).
export const ATTACH_ICON = <path d="M20 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9" />;
export const STICKER_ICON = <><path d="M6 4h12a2 2 0 0 1 2 2v8l-6 6H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" /><path d="M20 14h-4a2 2 0 0 0-2 2v4" /></>;
export const POLL_ICON = <><path d="M4 20h16" /><path d="M7 16v-5M12 16V5M17 16v-8" /></>;
export const LOCATION_ICON = <><path d="M12 21s-7-6-7-11.5a7 7 0 0 1 14 0C19 15 12 21 12 21z" /><circle cx="12" cy="9.5" r="2.5" /></>;
// The sidebar's new-conversation buttons (NewRoomButtons), which show only these in a narrow sidebar.
export const NEW_ROOM_ICON = <path d="M12 5v14M5 12h14" />;
export const NEW_DM_ICON = <><circle cx="9" cy="8" r="3.5" /><path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6" /><path d="M19 7v6M16 10h6" /></>;
/** Join: the door of LEAVE_ICON with the arrow going into it. */
export const JOIN_ICON = <><path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4" /><path d="M10 8l4 4-4 4M3 12h11" /></>;
export const EXPLORE_ICON = <><circle cx="12" cy="12" r="9" /><path d="M15.5 8.5l-2 5-5 2 2-5z" /></>;
