import type { AssociationStore, AuditLog, ConversationStore, MemberStore, RequestStore } from '../core/ports';
import type { NotificationOutbox } from './outbox';
import type { StateStorage } from './stateStorage';

/** Everything the bot persists, from Redis or (local mode) from memory. */
export interface Stores {
  members: MemberStore;
  associations: AssociationStore;
  requests: RequestStore;
  audit: AuditLog;
  /** botbuilder conversation and user state. */
  state: StateStorage;
  /** Where the bot can write proactively, and who subscribed to the account's events. */
  conversations: ConversationStore;
  /** Notification events written by request transitions, not yet queued for delivery. */
  outbox: NotificationOutbox;
}
