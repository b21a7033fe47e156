/**
 * What a Matrix server name looks like (a host name or IP literal, with an optional port): the contract's check on
 * `via` and directory servers, and the renderer's on what a person types before anything is asked of the server.
 */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

export function isServerName(s: string): boolean {
  return SERVER_NAME_PATTERN.test(s);
}
