import type { RedisClient } from '../redis/connection';
import type { RedisKeys } from '../redis/keys';
import { rethrowUnavailable } from '../redis/unavailable';
import type { SignInSession, SignInSessions } from './signInSessions';

/** Shared by every bot process: the pop-up may come back to any of them. */
export class RedisSignInSessions implements SignInSessions {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  put(session: SignInSession, ttlMs: number): Promise<void> {
    return rethrowUnavailable(async () => {
      await this.client.set(this.keys.tabSignIn(session.id), JSON.stringify(session), 'PX', ttlMs);
    });
  }

  get(id: string): Promise<SignInSession | undefined> {
    return rethrowUnavailable(async () => parse(await this.client.get(this.keys.tabSignIn(id))));
  }

  /** GETDEL: of two answers racing for one session, one gets it. */
  take(id: string): Promise<SignInSession | undefined> {
    return rethrowUnavailable(async () => parse(await this.client.getdel(this.keys.tabSignIn(id))));
  }
}

function parse(value: string | null): SignInSession | undefined {
  return value === null ? undefined : (JSON.parse(value) as SignInSession);
}
