import type { AssociationStore, AuditLog, MemberStore, RequestStore } from '../core/ports';
import type { StateStorage } from './stateStorage';

/** Everything the bot persists, from Redis or (local mode) from memory. */
export interface Stores {
  members: MemberStore;
  associations: AssociationStore;
  requests: RequestStore;
  audit: AuditLog;
  /** botbuilder conversation and user state. */
  state: StateStorage;
}
