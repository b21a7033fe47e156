/**
 * Space edges: which rooms a space holds, from m.space.child events in the space and m.space.parent events in
 * the child (either may be missing). One row per (space, child) carries both halves.
 */
import type { SpaceEdge } from '../../../shared/rpc/index.ts';
import type { DB } from './database.ts';

interface EdgeRow {
  space_id: string;
  child_id: string;
  child_event_rowid: number | null;
  order: string;
  suggested: number;
  parent_event_rowid: number | null;
  canonical: number;
}

function rowToEdge(r: EdgeRow): SpaceEdge {
  const e: SpaceEdge = { child_id: r.child_id };
  if (r.child_event_rowid !== null) e.child_event_rowid = r.child_event_rowid;
  if (r.order) e.order = r.order;
  if (r.suggested) e.suggested = true;
  if (r.parent_event_rowid !== null) e.parent_event_rowid = r.parent_event_rowid;
  if (r.canonical) e.canonical = true;
  return e;
}

export class SpaceStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      setChild: db.prepare<[string, string, number, string, number]>(`INSERT INTO space_edge (space_id, child_id, child_event_rowid, "order", suggested)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (space_id, child_id) DO UPDATE SET child_event_rowid = excluded.child_event_rowid,
          "order" = excluded."order", suggested = excluded.suggested`),
      clearChild: db.prepare<[string, string]>(`UPDATE space_edge SET child_event_rowid = NULL, "order" = '', suggested = 0
        WHERE space_id = ? AND child_id = ?`),
      setParent: db.prepare<[string, string, number, number]>(`INSERT INTO space_edge (space_id, child_id, parent_event_rowid, canonical)
        VALUES (?, ?, ?, ?) ON CONFLICT (space_id, child_id) DO UPDATE SET parent_event_rowid = excluded.parent_event_rowid,
          canonical = excluded.canonical`),
      clearParent: db.prepare<[string, string]>('UPDATE space_edge SET parent_event_rowid = NULL, canonical = 0 WHERE space_id = ? AND child_id = ?'),
      dropEmpty: db.prepare<[string, string]>(`DELETE FROM space_edge WHERE space_id = ? AND child_id = ?
        AND child_event_rowid IS NULL AND parent_event_rowid IS NULL`),
      edges: db.prepare<[string], EdgeRow>('SELECT * FROM space_edge WHERE space_id = ? ORDER BY "order", child_id'),
      all: db.prepare<[], EdgeRow>('SELECT * FROM space_edge ORDER BY space_id, "order", child_id'),
      // Joined spaces that no other joined space lists as a child.
      topLevel: db.prepare<[], string>(`SELECT room_id FROM room
        WHERE creation_content ->> '$.type' = 'm.space'
          AND NOT EXISTS (SELECT 1 FROM space_edge se JOIN room p ON p.room_id = se.space_id
            WHERE se.child_id = room.room_id AND se.child_event_rowid IS NOT NULL)
        ORDER BY room_id`).pluck(),
      forget: db.prepare<[string]>('DELETE FROM space_edge WHERE space_id = ?'),
    };
  }

  /** m.space.child in `spaceId` for `childId`: an edge with its order, or none when `via` was emptied. */
  setChild(spaceId: string, childId: string, edge: { rowid: number; order?: string; suggested?: boolean } | null): void {
    if (edge) this.stmts.setChild.run(spaceId, childId, edge.rowid, edge.order ?? '', edge.suggested ? 1 : 0);
    else {
      this.stmts.clearChild.run(spaceId, childId);
      this.stmts.dropEmpty.run(spaceId, childId);
    }
  }

  /** m.space.parent in `childId` naming `spaceId`, or its removal. */
  setParent(spaceId: string, childId: string, edge: { rowid: number; canonical?: boolean } | null): void {
    if (edge) this.stmts.setParent.run(spaceId, childId, edge.rowid, edge.canonical ? 1 : 0);
    else {
      this.stmts.clearParent.run(spaceId, childId);
      this.stmts.dropEmpty.run(spaceId, childId);
    }
  }

  edges(spaceId: string): SpaceEdge[] {
    return this.stmts.edges.all(spaceId).map(rowToEdge);
  }

  /** Every space's edges, for a frontend that connects. */
  all(): Record<string, SpaceEdge[]> {
    const out: Record<string, SpaceEdge[]> = {};
    for (const r of this.stmts.all.all()) (out[r.space_id] ??= []).push(rowToEdge(r));
    return out;
  }

  topLevel(): string[] {
    return this.stmts.topLevel.all();
  }

  /** Forgets a left space's children. */
  forget(spaceId: string): void {
    this.stmts.forget.run(spaceId);
  }
}
