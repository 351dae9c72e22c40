import type { CloudAdapterBase, TurnContext } from 'botbuilder';
import type { UserTokenClient } from 'botframework-connector';
import { DependencyUnavailableError } from '../core/errors';
import type { CodeRedeemer } from '../core/tenantSignIn';

/**
 * The Bot Framework token service for this turn's user and the tenant sign-in connection. Every call that
 * fails for want of an answer is the sign-in service being unavailable.
 */
export class TokenService implements CodeRedeemer {
  constructor(
    private readonly context: TurnContext,
    private readonly connectionName: string,
    /**
     * Managing a tenant's users takes several turns (search, more, add): the token service then keeps the
     * sign-in until `signOut`, and each turn asks it for the token again; the bot never holds it.
     */
    private readonly options: { keepSignedIn?: boolean } = {},
  ) {}

  /** R7: forgets any earlier sign-in first, so the link always asks for credentials again. */
  async freshSignInLink(): Promise<string | undefined> {
    const { activity } = this.context;
    return unavailableAsSignIn(async () => {
      await this.client.signOutUser(activity.from.id, this.connectionName, activity.channelId);
      return (await this.client.getSignInResource(this.connectionName, activity, '')).signInLink;
    });
  }

  /**
   * The user's token for the code, then (unless the sign-in is kept) an immediate sign-out: the token serves
   * the directory reads of this turn only, and neither the token service nor the bot keeps it.
   */
  async redeem(code: string): Promise<string | undefined> {
    const { activity } = this.context;
    try {
      const response = await this.client.getUserToken(
        activity.from.id,
        this.connectionName,
        activity.channelId,
        code,
      );
      if (!response?.token) return undefined;
      if (!this.options.keepSignedIn) {
        await this.client.signOutUser(activity.from.id, this.connectionName, activity.channelId);
      }
      return response.token;
    } catch (error) {
      const status = statusOf(error);
      if (status === 400 || status === 404) return undefined;
      throw new DependencyUnavailableError('signIn', { cause: error });
    }
  }

  /** The token of a sign-in the token service still keeps, for this turn; undefined once it is gone. */
  async currentToken(): Promise<string | undefined> {
    const { activity } = this.context;
    try {
      const response = await this.client.getUserToken(
        activity.from.id,
        this.connectionName,
        activity.channelId,
        '',
      );
      return response?.token || undefined;
    } catch (error) {
      const status = statusOf(error);
      if (status === 400 || status === 404) return undefined;
      throw new DependencyUnavailableError('signIn', { cause: error });
    }
  }

  async signOut(): Promise<void> {
    const { activity } = this.context;
    await unavailableAsSignIn(() =>
      this.client.signOutUser(activity.from.id, this.connectionName, activity.channelId),
    );
  }

  private get client(): UserTokenClient {
    const adapter = this.context.adapter as CloudAdapterBase;
    const client = this.context.turnState.get<UserTokenClient>(adapter.UserTokenClientKey);
    if (!client) throw new Error('No user token client on this turn');
    return client;
  }
}

async function unavailableAsSignIn<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DependencyUnavailableError('signIn', { cause: error });
  }
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}
