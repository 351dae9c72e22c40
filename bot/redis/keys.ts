/**
 * Key layout. Everything one script touches shares a hash tag, so each script runs on one Redis Cluster
 * slot: `{acct:<id>}` for an account's requests, associations, members and audit stream; each bot state
 * key is tagged by itself. Braces and '%' inside ids are percent-encoded so an id cannot end the tag early.
 *
 *   <prefix>:{acct:<accountId>}:req:<requestId>   string  JSON AssociationRequest, expires at retainUntil
 *   <prefix>:{acct:<accountId>}:open              set     ids of the account's open requests (added by create,
 *                                                         removed by the transition that closes them)
 *   <prefix>:{acct:<accountId>}:assoc             hash    tenantId -> JSON Association
 *   <prefix>:{acct:<accountId>}:members           hash    <tenantId>/<objectId> -> JSON Member
 *   <prefix>:{acct:<accountId>}:audit             stream  entries { event: JSON AuditEvent }, capped
 *   <prefix>:{acct:<accountId>}:outbox            stream  entries { event: JSON NotificationEvent }, appended by the
 *                                                         request transition, read by consumer group 'relay', deleted
 *                                                         once their deliveries are queued (never trimmed unread)
 *   <prefix>:{acct:<accountId>}:convs             hash    conversationId -> JSON ConversationRef
 *   <prefix>:{acct:<accountId>}:personal          hash    <tenantId>/<objectId> -> conversationId of their personal chat
 *   <prefix>:{acct:<accountId>}:subs              set     conversationIds subscribed to the account's events
 *   <prefix>:rl:{conv:<conversationId>}           zset    rate-limit log of one conversation: member -> send time (ms)
 *   <prefix>:rl:{tenant:<tenantId>}               zset    rate-limit log of one tenant
 *   <prefix>:sent:{<deliveryId>}                  string  a notification was delivered (idempotency guard), expires
 *   <prefix>:sending:{<deliveryId>}               string  the worker sending it now (its claim), expires
 *   {<prefix>:bull}:notifications:*               BullMQ  the delivery queue (one hash tag: BullMQ's scripts span it)
 *   <prefix>:state:{<storage key>}                string  JSON [eTag, item], expires after the storage TTL
 *   <prefix>:once:{<claim>}                       string  a write-once claim, expires after its TTL
 *   <prefix>:attempts:{<kind>:<person>}           string  one person's attempts in the current window, expires with it
 *   <prefix>:tabsignin:{<sessionId>}              string  JSON of a Tenants tab sign-in pop-up in progress, expires
 *   <prefix>:tabmanaging:{<tenantId>/<objectId>}  string  JSON of who a Teams person signed in to a tenant as, to manage
 *                                                         its users from the tab (never a token), expires
 */
/** The one field of an audit stream entry, written by the audit log and by the request scripts alike. */
export const AUDIT_EVENT_FIELD = 'event';
/** The one field of an outbox stream entry, written by the request transition script. */
export const OUTBOX_EVENT_FIELD = 'event';

export class RedisKeys {
  /** `prefix` starts every key (REDIS_KEY_PREFIX), so several deployments can share one Redis. */
  constructor(readonly prefix: string) {
    if (!/^[^{}\s]+$/.test(prefix)) throw new Error(`invalid Redis key prefix "${prefix}"`);
  }

  request(accountId: string, requestId: string): string {
    return `${this.account(accountId)}:req:${escape(requestId)}`;
  }

  /** The account's open requests, for the Tenants tab's pending list. */
  openRequests(accountId: string): string {
    return `${this.account(accountId)}:open`;
  }

  associations(accountId: string): string {
    return `${this.account(accountId)}:assoc`;
  }

  members(accountId: string): string {
    return `${this.account(accountId)}:members`;
  }

  audit(accountId: string): string {
    return `${this.account(accountId)}:audit`;
  }

  outbox(accountId: string): string {
    return `${this.account(accountId)}:outbox`;
  }

  conversations(accountId: string): string {
    return `${this.account(accountId)}:convs`;
  }

  personalChats(accountId: string): string {
    return `${this.account(accountId)}:personal`;
  }

  subscriptions(accountId: string): string {
    return `${this.account(accountId)}:subs`;
  }

  conversationRate(conversationId: string): string {
    return `${this.prefix}:rl:{conv:${escape(conversationId)}}`;
  }

  tenantRate(tenantId: string): string {
    return `${this.prefix}:rl:{tenant:${escape(tenantId)}}`;
  }

  /** Set once a notification delivery has been accepted by Teams. */
  delivered(deliveryId: string): string {
    return `${this.prefix}:sent:{${escape(deliveryId)}}`;
  }

  /** Held by the worker sending a delivery now; same hash tag as `delivered`, so one script checks both. */
  sending(deliveryId: string): string {
    return `${this.prefix}:sending:{${escape(deliveryId)}}`;
  }

  /** BullMQ's key prefix: every key of the queue shares one hash tag, as BullMQ requires on a Cluster. */
  get queuePrefix(): string {
    return `{${this.prefix}:bull}`;
  }

  /** A write-once claim, e.g. one Teams delivery acted on once. */
  attempts(key: string): string {
    return `${this.prefix}:attempts:{${escape(key)}}`;
  }

  once(key: string): string {
    return `${this.prefix}:once:{${escape(key)}}`;
  }

  /** A Tenants tab sign-in pop-up in progress. */
  tabSignIn(sessionId: string): string {
    return `${this.prefix}:tabsignin:{${escape(sessionId)}}`;
  }

  /** A Teams person's sign-in to a tenant whose users they manage from the Tenants tab. */
  tabManaging(person: string): string {
    return `${this.prefix}:tabmanaging:{${escape(person)}}`;
  }

  state(storageKey: string): string {
    return `${this.prefix}:state:{${escape(storageKey)}}`;
  }

  private account(accountId: string): string {
    return `${this.prefix}:{acct:${escape(accountId)}}`;
  }
}

/** The field of a member in the account's members hash. */
export function memberField(tenantId: string, objectId: string): string {
  return `${encodeURIComponent(tenantId)}/${encodeURIComponent(objectId)}`;
}

function escape(part: string): string {
  return part.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
