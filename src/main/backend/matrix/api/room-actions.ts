/**
 * Room actions that are not timeline messages: state events (optionally delayed, MSC4140), redactions, reports (of
 * events, rooms and users), typing notifications, managing delayed events, and sticky events (MSC4354).
 */
import { enc, type MatrixHttp } from '../http.ts';
import type { JSONObject } from '../../../../shared/rpc/index.ts';

export type DelayedEventAction = 'cancel' | 'restart' | 'send';

export class RoomActionsApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /** PUT /rooms/{roomId}/state/{type}/{stateKey}; with `delayMs` the server schedules it and answers a delay_id. */
  setState(roomId: string, type: string, stateKey: string, content: JSONObject, delayMs?: number) {
    return this.http.request<{ event_id?: string; delay_id?: string }>('PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      { body: content, query: { 'org.matrix.msc4140.delay': delayMs || undefined } });
  }
  redact(roomId: string, eventId: string, txnId: string, reason?: string) {
    return this.http.request<{ event_id: string }>('PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txnId)}`, { body: reason ? { reason } : {} });
  }
  /*
   * Reports are not retried on M_LIMIT_EXCEEDED here: the person waits for the answer, and the report dialog says
   * that the server asked to wait and tries again itself (see shared/rate-limit.ts), instead of a silent wait.
   */
  report(roomId: string, eventId: string, reason?: string) {
    return this.http.request<object>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/report/${enc(eventId)}`,
      { body: reason ? { reason } : {}, rateLimitRetries: 0 });
  }
  /** POST /rooms/{roomId}/report (spec v1.13): the whole room, to the homeserver's administrators. */
  reportRoom(roomId: string, reason: string) {
    return this.http.request<object>('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/report`, { body: { reason }, rateLimitRetries: 0 });
  }
  /** POST /users/{userId}/report (spec v1.14): a user, to the homeserver's administrators. */
  reportUser(userId: string, reason: string) {
    return this.http.request<object>('POST', `/_matrix/client/v3/users/${enc(userId)}/report`, { body: { reason }, rateLimitRetries: 0 });
  }
  /** Typing for `timeoutMs`, or stopped when it is 0. */
  typing(roomId: string, userId: string, timeoutMs: number) {
    const body = timeoutMs > 0 ? { typing: true, timeout: timeoutMs } : { typing: false };
    return this.http.request<object>('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/typing/${enc(userId)}`, { body });
  }
  /** A sticky event (MSC4354), optionally delayed (MSC4140); the answer has event_id or, delayed, delay_id. */
  sendSticky(roomId: string, type: string, txnId: string, content: JSONObject, stickyMs: number, delayMs?: number) {
    return this.http.request<{ event_id?: string; delay_id?: string }>('PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`,
      { body: content, query: { 'org.matrix.msc4354.sticky_duration_ms': stickyMs, 'org.matrix.msc4140.delay': delayMs || undefined } });
  }
  updateDelayedEvent(delayId: string, action: DelayedEventAction) {
    return this.http.request<JSONObject>('POST', `/_matrix/client/unstable/org.matrix.msc4140/delayed_events/${enc(delayId)}`,
      { body: { action } });
  }
}
