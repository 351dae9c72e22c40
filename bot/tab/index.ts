import { readFileSync } from 'node:fs';
import type { TabConfig } from '../config';
import type { AccountUsers } from '../core/accountUsers';
import type { Attempts } from '../core/attempts';
import type { Account } from '../core/model';
import type { Clock, UserSearch } from '../core/ports';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { TenantSignIn } from '../core/tenantSignIn';
import { EntraSignIn } from './entraSignIn';
import { SignInPopUps } from './signInPopUps';
import type { SignInSessions } from './signInSessions';
import { SsoTokenVerifier } from './ssoToken';
import { TabHistory } from './tabHistory';
import { TabUsers } from './tabUsers';
import { TenantsTab } from './tenantsTab';

export interface TabDeps {
  account: Account;
  association: TenantAssociation;
  signIn: TenantSignIn;
  /** The account's users (the Users page) and its history. */
  users: AccountUsers;
  /** A tenant's directory, searched with the token of a sign-in to it, for people to add. */
  userSearch: UserSearch;
  /** How many sign-ins and directory searches one person may start in a minute: the bot's limits. */
  attempts: Attempts;
  sessions: SignInSessions;
  clock: Clock;
  /** The bot's public origin (https://BOT_DOMAIN, or local mode's own), known once it listens. */
  origin: () => string;
  signInLifetimeMs: number;
  extraCaFile?: string;
}

/** The Tenants tab of a deployment, from its configuration. */
export function createTenantsTab(config: TabConfig, deps: TabDeps): TenantsTab {
  const ca = deps.extraCaFile ? readFileSync(deps.extraCaFile, 'utf8') : undefined;
  const host = () => new URL(deps.origin()).host;
  const { account, clock, sessions, signIn, signInLifetimeMs } = deps;
  const sso = new SsoTokenVerifier({
    loginUrl: config.loginUrl,
    clientId: config.clientId,
    host,
    ...(ca ? { ca } : {}),
  });
  const entra = new EntraSignIn({
    loginUrl: config.loginUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: () => `${deps.origin()}/tab/auth/callback`,
    ...(ca ? { ca } : {}),
  });
  const popUps = new SignInPopUps({ entra, sessions, clock, signInLifetimeMs, origin: deps.origin });
  return new TenantsTab({
    account,
    association: deps.association,
    signIn,
    attempts: deps.attempts,
    popUps,
    entra,
    sso,
    users: new TabUsers({
      account,
      users: deps.users,
      signIn,
      userSearch: deps.userSearch,
      attempts: deps.attempts,
      sessions,
      popUps,
      entra,
      sso,
      clock,
      signInLifetimeMs,
    }),
    history: new TabHistory({ account, users: deps.users, sso, clock }),
  });
}
