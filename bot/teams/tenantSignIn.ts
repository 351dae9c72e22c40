import { CardFactory, type TurnContext } from 'botbuilder';
import { requestCard } from '../../cards';
import { DependencyUnavailableError } from '../core/errors';
import type { Person } from '../core/model';
import type { Clock, OnceGate, TenantDirectory } from '../core/ports';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { ChatMemoryStore } from './chatMemory';
import { isGroup } from './conversationKind';
import { refreshAudience } from './refreshAudience';
import { replies } from './replies';
import { sendCard, userTokenClientOf } from './turn';

export interface TenantSignInDeps {
  connectionName: string;
  service: TenantAssociation;
  directory: TenantDirectory;
  memory: ChatMemoryStore;
  gate: OnceGate;
  clock: Clock;
  /** How long after the sign-in card a code is still accepted. */
  signInLifetimeMs: number;
}

/**
 * Sign-in to the tenant to associate, through the OAuth card. Teams SSO cannot be used: it always signs in
 * to the user's own Teams tenant, and the tenant to associate may be another (R2).
 */
export class TenantSignIn {
  constructor(private readonly deps: TenantSignInDeps) {}

  /** R7: every association starts from a fresh sign-in; a previous one is never silently reused. */
  async start(context: TurnContext): Promise<void> {
    const { connectionName } = this.deps;
    const { activity } = context;
    const tokens = userTokenClientOf(context);
    let signInLink: string | undefined;
    try {
      await tokens.signOutUser(activity.from.id, connectionName, activity.channelId);
      ({ signInLink } = await tokens.getSignInResource(connectionName, activity, ''));
    } catch (error) {
      throw new DependencyUnavailableError('signIn', { cause: error });
    }
    await this.deps.memory.update(context, (memory) => {
      memory.signIn = { startedAt: this.deps.clock.now().toISOString() };
    });
    const account = this.deps.service.account;
    await context.sendActivity({
      attachments: [
        CardFactory.oauthCard(
          connectionName,
          replies.signInTitle,
          replies.signInPrompt(account, isGroup(activity) ? activity.from.name : undefined),
          signInLink,
        ),
      ],
    });
  }

  /**
   * Completes the sign-in with the code the token service issued (typed by the user, or sent by Teams as
   * signin/verifyState), reads the tenant's directory with the user's token, and shows the review card (R3).
   */
  async complete(context: TurnContext, person: Person, code: string): Promise<void> {
    const memory = await this.deps.memory.get(context);
    if (!memory.signIn) {
      await context.sendActivity(replies.noSignInInProgress);
      return;
    }
    if (this.isStale(memory.signIn.startedAt)) {
      await this.deps.memory.update(context, (m) => delete m.signIn);
      await context.sendActivity(replies.signInExpired);
      return;
    }
    const { activity } = context;
    // Teams may deliver verifyState more than once, to any process: only the first redeems the code.
    const claimKey = `signin:${activity.conversation.id}:${activity.from.id}:${code}`;
    if (!(await this.deps.gate.claim(claimKey, this.deps.signInLifetimeMs))) return;

    const token = await this.redeem(context, code);
    if (!token) {
      await context.sendActivity(replies.codeRejected);
      return;
    }
    await this.deps.memory.update(context, (m) => delete m.signIn);
    const lookup = await this.deps.directory.describe(token);
    const { service } = this.deps;
    const group = isGroup(activity);
    const opened = await service.openRequest(
      person,
      { conversationId: activity.conversation.id, isGroup: group },
      lookup,
    );
    if (!opened.ok) {
      await context.sendActivity(replies.refusal(opened.refusal, service.account));
      return;
    }
    const request = opened.value;
    const card = group
      ? requestCard(request, service.account, {
          policy: service.policy,
          refreshUserIds: await refreshAudience(context, person, await service.managers()),
        })
      : requestCard(request, service.account, { actions: ['confirm', 'cancel'] });
    const cardActivityId = await sendCard(context, card);
    await this.deps.memory.update(context, (m) => {
      m.openRequest = { id: request.id, ...(cardActivityId ? { cardActivityId } : {}) };
    });
  }

  async signOut(context: TurnContext): Promise<void> {
    const { activity } = context;
    try {
      await userTokenClientOf(context).signOutUser(
        activity.from.id,
        this.deps.connectionName,
        activity.channelId,
      );
    } catch (error) {
      throw new DependencyUnavailableError('signIn', { cause: error });
    }
    await this.deps.memory.update(context, (m) => delete m.signIn);
  }

  async abandon(context: TurnContext): Promise<boolean> {
    const memory = await this.deps.memory.get(context);
    if (!memory.signIn) return false;
    await this.deps.memory.update(context, (m) => delete m.signIn);
    return true;
  }

  /**
   * Exchanges the code for the user's token, then signs out at once: the token is used for the directory
   * reads of this turn only and is never stored, by the token service or by us.
   */
  private async redeem(context: TurnContext, code: string): Promise<string | undefined> {
    const { activity } = context;
    const tokens = userTokenClientOf(context);
    try {
      const response = await tokens.getUserToken(
        activity.from.id,
        this.deps.connectionName,
        activity.channelId,
        code,
      );
      if (!response?.token) return undefined;
      await tokens.signOutUser(activity.from.id, this.deps.connectionName, activity.channelId);
      return response.token;
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) return undefined;
      throw new DependencyUnavailableError('signIn', { cause: error });
    }
  }

  private isStale(startedAt: string): boolean {
    return this.deps.clock.now().getTime() - Date.parse(startedAt) > this.deps.signInLifetimeMs;
  }
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}
