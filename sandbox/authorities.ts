import { CONSUMER_TENANT_ID, type DemoDirectory, findTenant, type SignInAccount } from '../demo/directory';
import type { SignInAudience } from './tabApp';

/** The Entra ID tenant of the Bot Framework itself (`botframework.com`), the bot's token authority. */
export const BOTFRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db';

/** What the first path segment of a login URL names: a multi-tenant audience, or one tenant. */
export type Authority =
  | { kind: 'common' }
  | { kind: 'organizations' }
  | { kind: 'consumers'; tenantId: string }
  | { kind: 'tenant'; tenantId: string; displayName: string };

export function authorityOf(directory: DemoDirectory, segment: string): Authority | undefined {
  const lower = segment.toLowerCase();
  if (lower === 'common') return { kind: 'common' };
  if (lower === 'organizations') return { kind: 'organizations' };
  if (lower === 'consumers' || lower === CONSUMER_TENANT_ID)
    return { kind: 'consumers', tenantId: CONSUMER_TENANT_ID };
  if (lower === 'botframework.com' || lower === BOTFRAMEWORK_TENANT_ID) {
    return { kind: 'tenant', tenantId: BOTFRAMEWORK_TENANT_ID, displayName: 'Microsoft Services' };
  }
  if (lower === directory.teams.tenantId) {
    return { kind: 'tenant', tenantId: lower, displayName: directory.teams.tenantName };
  }
  const tenant = findTenant(directory, lower);
  return tenant ? { kind: 'tenant', tenantId: tenant.id, displayName: tenant.displayName } : undefined;
}

/**
 * The tenant id of the issuer in the authority's discovery document. Multi-tenant authorities publish a template
 * (`{tenantid}`) that a client fills from the token's `tid`, as Entra ID does.
 */
export function issuerTenant(authority: Authority): string {
  return authority.kind === 'common' || authority.kind === 'organizations'
    ? '{tenantid}'
    : authority.tenantId;
}

/**
 * Why Entra ID's sign-in page would turn this account away here, in its words; undefined when it may sign in.
 * These refusals happen on the sign-in page itself: the browser never gets back to the app (only protocol errors
 * are sent to the redirect URI), so the person can pick another account or close the window.
 */
export function signInRefusal(
  authority: Authority,
  account: SignInAccount,
  app: { clientId: string; displayName: string; signInAudience: SignInAudience },
): string | undefined {
  const personalAllowed = app.signInAudience === 'AzureADandPersonalMicrosoftAccount';
  switch (authority.kind) {
    case 'organizations':
      return account.personal
        ? "You can't sign in here with a personal account. Use your work or school account instead."
        : undefined;
    case 'common':
      return account.personal && !personalAllowed ? consumersNotEnabled() : undefined;
    case 'consumers':
      if (!account.personal) {
        return "That Microsoft account doesn't exist. Enter a different account or get a new one.";
      }
      return personalAllowed ? undefined : consumersNotEnabled();
    case 'tenant': {
      if (account.tenantId === authority.tenantId) return undefined;
      const idp = account.personal ? 'live.com' : `https://sts.windows.net/${account.tenantId}/`;
      return `AADSTS50020: User account '${account.userPrincipalName}' from identity provider '${idp}' does not exist in tenant '${authority.displayName}' and cannot access the application '${app.clientId}'(${app.displayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`;
    }
  }
}

// What login.live.com says when an app registered for organizations only is asked for a personal account.
const consumersNotEnabled = (): string =>
  'unauthorized_client: The client does not exist or is not enabled for consumers. If you are the application developer, configure a new application through the App Registrations in the Azure Portal at https://go.microsoft.com/fwlink/?linkid=2083908.';
