import type { PersonKey } from '../core/ports';
import type { RedisClient } from '../redis/connection';
import type { RedisKeys } from '../redis/keys';
import { rethrowUnavailable } from '../redis/unavailable';
import {
  managingKeyOf,
  type ManagingSession,
  type SignInSession,
  type SignInSessions,
} from './signInSessions';

/** Shared by every bot process: the pop-up may come back to any of them, and the next call go to another. */
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

  putManaging(session: ManagingSession, ttlMs: number): Promise<void> {
    return rethrowUnavailable(async () => {
      const key = this.keys.tabManaging(managingKeyOf(session.person));
      await this.client.set(key, JSON.stringify(session), 'PX', ttlMs);
    });
  }

  getManaging(person: PersonKey): Promise<ManagingSession | undefined> {
    return rethrowUnavailable(async () =>
      parse(await this.client.get(this.keys.tabManaging(managingKeyOf(person)))),
    );
  }

  endManaging(person: PersonKey): Promise<void> {
    return rethrowUnavailable(async () => {
      await this.client.del(this.keys.tabManaging(managingKeyOf(person)));
    });
  }
}

function parse<T>(value: string | null): T | undefined {
  return value === null ? undefined : (JSON.parse(value) as T);
}
