import type { Person } from '../core/model';

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

/** A conversation the bot can write to later (proactively), captured when it was installed there. */
export interface ConversationRef {
  conversationId: string;
  kind: ConversationKind;
  tenantId: string;
  /** For a personal chat: whose chat it is. */
  user?: Pick<Person, 'tenantId' | 'objectId'>;
  /** For a channel or group chat: its name, for `notify status`. */
  name?: string;
  /** The Bot Framework conversation reference as the Teams edge stored it; opaque to everything else. */
  reference: Record<string, unknown>;
  updatedAt: string;
}
