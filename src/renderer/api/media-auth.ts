/**
 * The web host's media token (gomuks' `image_auth`): media URLs on the web host carry it, because an <img> cannot
 * send the session token in a header and the cookie alone does not open media. The websocket delivers a new one
 * every 30 minutes, each valid for an hour, so a URL built with the latest token keeps working until the next.
 */
let current: string | null = null;

export function setImageAuthToken(token: string): void {
  current = token;
}

export function imageAuthToken(): string | null {
  return current;
}
