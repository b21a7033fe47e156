/** The slice of the Client-Server API's JSON that the backend reads. Everything else passes through as JSON. */
import type { JSONObject } from '../../../shared/rpc/index.ts';

export interface ClientEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  content: JSONObject;
  state_key?: string;
  unsigned?: JSONObject & { transaction_id?: string; redacted_because?: JSONObject; prev_content?: JSONObject };
  room_id?: string;
  redacts?: string;
  /** MSC4354: the event stays sticky this long (unstable name, then the stable one). */
  msc4354_sticky?: { duration_ms?: number };
  sticky?: { duration_ms?: number };
}

export interface StrippedStateEvent {
  type: string;
  state_key: string;
  sender: string;
  content: JSONObject;
}

export interface Timeline {
  events?: ClientEvent[];
  limited?: boolean;
  prev_batch?: string;
}

export interface RoomSummary {
  'm.heroes'?: string[];
  'm.joined_member_count'?: number;
  'm.invited_member_count'?: number;
}

export interface JoinedRoom {
  summary?: RoomSummary;
  state?: { events?: ClientEvent[] };
  timeline?: Timeline;
  ephemeral?: { events?: { type: string; content: JSONObject }[] };
  account_data?: { events?: { type: string; content: JSONObject }[] };
  unread_notifications?: { highlight_count?: number; notification_count?: number };
  /** MSC4354: sticky events that are not in the timeline (unstable name, then the stable one). */
  msc4354_sticky?: { events?: ClientEvent[] };
  sticky?: { events?: ClientEvent[] };
}

export interface InvitedRoom {
  invite_state?: { events?: StrippedStateEvent[] };
}

export interface LeftRoom {
  state?: { events?: ClientEvent[] };
  timeline?: Timeline;
}

export interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<string, JoinedRoom>;
    invite?: Record<string, InvitedRoom>;
    leave?: Record<string, LeftRoom>;
    knock?: Record<string, unknown>;
  };
  account_data?: { events?: { type: string; content: JSONObject }[] };
  to_device?: { events?: JSONObject[] };
  presence?: { events?: JSONObject[] };
  device_lists?: { changed?: string[]; left?: string[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
}

export interface RespMessages {
  start: string;
  end?: string;
  chunk: ClientEvent[];
  state?: ClientEvent[];
}

export interface RespLoginFlows {
  flows: { type: string; [k: string]: unknown }[];
}

export interface RespLogin {
  user_id: string;
  access_token: string;
  device_id: string;
  well_known?: { 'm.homeserver'?: { base_url?: string } };
}
