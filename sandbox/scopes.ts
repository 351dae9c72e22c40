import { EntraError, missingParameter } from './entraErrors';

/** OpenID Connect scopes: they ask for an id token and profile claims, not for an API. */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const GRAPH_RESOURCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];
/**
 * What the demo tenants have consented to for the tab app: reading the signed-in user and their organization,
 * and searching their directory for people to add (basic profiles only, which any user may consent to).
 */
const CONSENTED_GRAPH_SCOPES = ['User.Read', 'User.ReadBasic.All'];

/** The scopes of an authorization-code grant, resolved the way Entra ID reads them. */
export interface GrantedScopes {
  /** Microsoft Graph permissions, by their short names. */
  graph: string[];
  oidc: string[];
}

/**
 * Reads a `scope` parameter. A bare name means a Microsoft Graph permission, as in Entra ID; `/.default` means
 * the app's consented permissions. Other resources are not in the sandbox, so asking for one is Entra ID's
 * "resource principal not found".
 */
export function resolveScopes(raw: string | null, tenantLabel: string): GrantedScopes {
  const requested = (raw ?? '').split(' ').filter(Boolean);
  if (requested.length === 0) throw missingParameter('scope');
  const graph = new Set<string>();
  const oidc = new Set<string>();
  for (const scope of requested) {
    if (OIDC_SCOPES.includes(scope.toLowerCase())) {
      oidc.add(scope.toLowerCase());
      continue;
    }
    const slash = scope.lastIndexOf('/');
    const resource = slash < 0 ? GRAPH_RESOURCES[0] : scope.slice(0, slash);
    const permission = slash < 0 ? scope : scope.slice(slash + 1);
    if (!GRAPH_RESOURCES.includes(resource.toLowerCase())) {
      throw new EntraError(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenantLabel}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    if (permission === '.default') {
      CONSENTED_GRAPH_SCOPES.forEach((s) => graph.add(s));
      continue;
    }
    const consented = CONSENTED_GRAPH_SCOPES.find((s) => s.toLowerCase() === permission.toLowerCase());
    if (!consented) {
      throw new EntraError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid. The sandbox's tab app is consented for ${CONSENTED_GRAPH_SCOPES.join(', ')} only.`,
      );
    }
    graph.add(consented);
  }
  // Signing in with OpenID scopes only still yields a Graph token, as Entra ID gives one for the user's profile.
  if (graph.size === 0) graph.add('User.Read');
  return { graph: [...graph], oidc: [...oidc] };
}

/**
 * The `scope` of the token response: the Graph permissions, then the OpenID scopes. No refresh token is issued
 * (the product keeps none), so `offline_access` is not reported as granted.
 */
export function grantedScopeString(scopes: GrantedScopes): string {
  return [...scopes.graph, ...scopes.oidc.filter((s) => s !== 'offline_access')].join(' ');
}
