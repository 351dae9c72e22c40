import { readFileSync } from 'node:fs';
import type { TabConfig } from '../config';
import type { Account } from '../core/model';
import type { Clock } from '../core/ports';
import type { TenantAssociation } from '../core/tenantAssociation';
import type { TenantSignIn } from '../core/tenantSignIn';
import { EntraSignIn } from './entraSignIn';
import type { SignInSessions } from './signInSessions';
import { SsoTokenVerifier } from './ssoToken';
import { TenantsTab } from './tenantsTab';

export interface TabDeps {
  account: Account;
  association: TenantAssociation;
  signIn: TenantSignIn;
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
  return new TenantsTab({
    account: deps.account,
    association: deps.association,
    signIn: deps.signIn,
    sessions: deps.sessions,
    clock: deps.clock,
    signInLifetimeMs: deps.signInLifetimeMs,
    origin: deps.origin,
    sso: new SsoTokenVerifier({
      loginUrl: config.loginUrl,
      clientId: config.clientId,
      host,
      ...(ca ? { ca } : {}),
    }),
    entra: new EntraSignIn({
      loginUrl: config.loginUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: () => `${deps.origin()}/tab/auth/callback`,
      ...(ca ? { ca } : {}),
    }),
  });
}
