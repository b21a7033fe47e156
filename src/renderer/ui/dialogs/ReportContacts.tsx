/**
 * In a report about someone of another homeserver: whom to contact there, since our own administrators cannot act on
 * their account. The other server's support file (`get_server_support`, its `/.well-known/matrix/support`) names its
 * administrators and security contacts and a support page; this lists those, or nothing at all when it publishes
 * none, cannot be reached or is still being asked (the report never waits for it).
 *
 * Everything shown comes from a stranger's server: plain text in React (never markup), and links only of the three
 * kinds made here (a Matrix ID as a matrix.to link that Lattice opens as a chat, an address as mailto:, the support
 * page only when it is https), each checked again here though the backend checked them already.
 *
 * A Matrix ID opens the chat prompt over the report dialog, which stays as it was under it (*Close* goes back to
 * it); only opening the chat itself (an existing one at once, or *Start a chat*) closes the report, whose draft keeps
 * what was typed for when it is opened again (reporting.ts). The list says so before the report went.
 */
import { useEffect, useRef, useState } from 'react';
import type { ServerSupport, SupportContact } from '../../../shared/rpc/index.ts';
import { useSession } from '../../api/hooks.ts';
import { findDm } from '../../links/link-route.ts';

/** The roles a report is for, in the order shown; a server's other roles (its own names) are left out. */
const ROLES: Record<string, string> = { 'm.role.admin': 'Administrator', 'm.role.security': 'Security' };
const USER_ID = /^@[\x21-\x39\x3B-\x7E]+:[A-Za-z0-9.:[\]-]+$/;
const EMAIL = /^[^\s@<>"()[\]\\,;:\p{C}]+@[^\s@<>"()[\]\\,;:\p{C}]+$/u;

/**
 * The support file of `server` (null: ours, nothing is asked), once it came; null while asked, and for none or a
 * failure.
 */
export function useServerSupport(server: string | null): ServerSupport | null {
  const session = useSession();
  const [support, setSupport] = useState<{ server: string; support: ServerSupport | null } | null>(null);
  useEffect(() => {
    if (server === null) return undefined;
    const controller = new AbortController();
    session.client.request('get_server_support', { server_name: server }, { signal: controller.signal }).then(
      (s) => setSupport({ server, support: s }),
      // Not reachable, or no such file: the dialog simply offers no contacts (the report goes all the same).
      () => undefined,
    );
    return () => controller.abort();
  }, [session, server]);
  return support?.server === server ? support.support : null;
}

/**
 * The other server's contacts (`server`, the reported account's homeserver, and what useServerSupport read of it).
 * `onLeave` closes the report dialog when a Matrix ID with whom there is a chat already is chosen: that chat opens at
 * once, under the modal dialog. `unsent`: the report has not gone yet (its draft is kept).
 */
export function ReportContacts({ server, support, unsent, onLeave }: {
  server: string;
  support: ServerSupport | null;
  unsent: boolean;
  onLeave: () => void;
}) {
  const session = useSession();
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Matrix links are taken by the page's link router in the document's capture phase, which stops the click there
    // (link-clicks.ts): only a listener on the window, earlier still, sees it.
    const onClick = (ev: MouseEvent) => {
      const plain = ev.button === 0 && !ev.metaKey && !ev.ctrlKey && !ev.shiftKey && !ev.altKey;
      const link = plain && ev.target instanceof Element ? ev.target.closest<HTMLElement>('a[data-chat]') : null;
      if (link && list.current?.contains(link) && findDm(session.store.getSnapshot(), link.dataset.chat ?? '') !== null) onLeave();
    };
    window.addEventListener('click', onClick, true);
    return () => window.removeEventListener('click', onClick, true);
  }, [session, onLeave]);
  if (support === null) return null;
  const contacts = Object.keys(ROLES).flatMap((role) => support.contacts.filter((c) => c.role === role && reachable(c)));
  const page = httpsUrl(support.support_page);
  if (contacts.length === 0 && page === null) return null;
  return (
    <div ref={list} className="report-contacts" data-testid="report-contacts">
      <p>You can also contact {server}&apos;s administrators:</p>
      <ul>
        {contacts.map((c, i) => (
          <li key={i} data-testid="report-contact">
            {ROLES[c.role]}:{' '}
            {c.matrix_id !== undefined && USER_ID.test(c.matrix_id) && (
              <a href={`https://matrix.to/#/${encodeURIComponent(c.matrix_id)}?action=chat`} data-chat={c.matrix_id}>{c.matrix_id}</a>
            )}
            {c.matrix_id !== undefined && USER_ID.test(c.matrix_id) && c.email_address !== undefined && EMAIL.test(c.email_address) && ', '}
            {c.email_address !== undefined && EMAIL.test(c.email_address) && (
              <a href={`mailto:${c.email_address}`} target="_blank" rel="noreferrer noopener"><bdi>{c.email_address}</bdi></a>
            )}
          </li>
        ))}
        {page !== null && (
          <li data-testid="report-support-page">
            Support page: <a href={page} target="_blank" rel="noreferrer noopener">{page}</a>
          </li>
        )}
      </ul>
      {unsent && contacts.some((c) => c.matrix_id !== undefined && USER_ID.test(c.matrix_id)) && (
        <p className="report-contacts-note" data-testid="report-contacts-note">
          Chatting with them does not send this report or lose it: what you typed stays here until you send it.
        </p>
      )}
    </div>
  );
}

function reachable(c: SupportContact): boolean {
  return (c.matrix_id !== undefined && USER_ID.test(c.matrix_id)) || (c.email_address !== undefined && EMAIL.test(c.email_address));
}

function httpsUrl(v: string | undefined): string | null {
  if (v === undefined) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && u.username === '' && u.password === '' ? u.href : null;
  } catch {
    return null;
  }
}
