import type { Config } from './config';
import type { Member, Role } from './core/model';
import { startSandbox, type Sandbox } from '../sandbox';

export interface LocalMode {
  config: Config;
  sandbox: Sandbox;
  /** The demo people of the manager's own organization, with their Partner Center roles. */
  members: Member[];
}

/**
 * Local mode: no Azure registration. The sandbox stands in for the token service, Entra ID and Microsoft
 * Graph; the bot talks to them over their real HTTP APIs exactly as it would in production.
 */
export async function startLocalMode(config: Config): Promise<LocalMode> {
  if (!config.localMode) throw new Error('Local mode runs only without BOT_ID');
  // Certificates live in .sandbox/ (ignored by git) so restarts reuse them.
  const sandbox = await startSandbox({ requireAuth: false, stateDir: '.sandbox' });
  const { directory } = sandbox;
  const account = {
    id: config.account.id || directory.account.id,
    displayName: config.account.displayName || directory.account.displayName,
  };
  const members: Member[] = directory.teams.users.map((user) => ({
    accountId: account.id,
    tenantId: directory.teams.tenantId,
    objectId: user.objectId,
    displayName: user.displayName,
    upn: user.userPrincipalName,
    roles: user.partnerCenterRoles as Role[],
  }));
  return {
    sandbox,
    members,
    config: {
      ...config,
      account,
      botFrameworkEndpoints: sandbox.botFrameworkAuthConfig(),
      graphUrl: sandbox.urls.graph,
      extraCaFile: sandbox.caCertPath,
    },
  };
}
