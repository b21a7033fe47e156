/**
 * Endpoints that read and edit the account's push rules (`/pushrules`; changes come back in m.push_rules), and the
 * pushers the homeserver sends notifications to (`/pushers`).
 */
import type { JSONObject } from '../../../../shared/rpc/index.ts';
import type { PushAction, PushRule, RuleKind, Ruleset } from '../../push/types.ts';
import { enc, type MatrixHttp } from '../http.ts';

export class PushRulesApi {
  private readonly http: MatrixHttp;
  constructor(http: MatrixHttp) {
    this.http = http;
  }

  /** POST /pushers/set: the spec's body as given; `kind: null` removes the pusher. */
  setPusher(body: JSONObject, signal?: AbortSignal) {
    return this.http.request<object>('POST', '/_matrix/client/v3/pushers/set', { body, signal });
  }

  getAll(signal?: AbortSignal) {
    return this.http.request<{ global?: Ruleset }>('GET', '/_matrix/client/v3/pushrules/', { signal });
  }

  /** Creates or replaces a user rule; `before`/`after` place it among the user's rules of its kind. */
  put(kind: RuleKind, ruleId: string, rule: Pick<PushRule, 'actions' | 'conditions' | 'pattern'>,
    place: { before?: string; after?: string } = {}, signal?: AbortSignal) {
    const q = new URLSearchParams();
    if (place.before) q.set('before', place.before);
    if (place.after) q.set('after', place.after);
    const query = q.size ? `?${q.toString()}` : '';
    return this.http.request<object>('PUT', `${path(kind, ruleId)}${query}`, { body: rule, signal });
  }

  delete(kind: RuleKind, ruleId: string, signal?: AbortSignal) {
    return this.http.request<object>('DELETE', path(kind, ruleId), { signal });
  }

  setEnabled(kind: RuleKind, ruleId: string, enabled: boolean, signal?: AbortSignal) {
    return this.http.request<object>('PUT', `${path(kind, ruleId)}/enabled`, { body: { enabled }, signal });
  }

  setActions(kind: RuleKind, ruleId: string, actions: PushAction[], signal?: AbortSignal) {
    return this.http.request<object>('PUT', `${path(kind, ruleId)}/actions`, { body: { actions }, signal });
  }
}

function path(kind: RuleKind, ruleId: string): string {
  return `/_matrix/client/v3/pushrules/global/${enc(kind)}/${enc(ruleId)}`;
}
