import type { AssociationStore, AuditLog, MemberStore, RequestStore } from '../core/ports';

/** The core's stores, from Redis or (local mode) from memory. */
export interface Stores {
  members: MemberStore;
  associations: AssociationStore;
  requests: RequestStore;
  audit: AuditLog;
}
