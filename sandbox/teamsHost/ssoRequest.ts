import { type DemoDirectory, findTeamsUser, type TeamsUser } from '../../demo/directory';
import { type AuthTokenAnswer, type AuthTokenRequest, TEAMS_FAILURES } from './protocol';

/** What the manifest's `webApplicationInfo.resource` would be for a tab served at this URL. */
export function resourceFor(appUrl: URL, clientId: string): string {
  return `api://${appUrl.host}/${clientId}`;
}

/**
 * Decides an `authentication.getAuthToken` call as Teams does. Teams issues the token for the app's resource
 * only, and only when the resource's host is the frame's (a tab on another origin gets "App resource defined in
 * manifest and iframe origin do not match"); asking for any other resource fails the same way. It signs in the
 * Teams user in their home tenant, whatever tenant the tab asks for (Teams SSO cannot reach another tenant).
 */
export function answerSsoRequest(
  request: Partial<AuthTokenRequest>,
  deps: { directory: DemoDirectory; mint(user: TeamsUser, audience: string): string },
): AuthTokenAnswer {
  const user = findTeamsUser(deps.directory, String(request.user ?? ''));
  if (!user) return { ok: false, reason: 'The signed-in user is not a Teams user of the demo directory.' };
  let app: URL;
  try {
    app = new URL(String(request.app ?? ''));
  } catch {
    return { ok: false, reason: TEAMS_FAILURES.resourceMismatch };
  }
  const resource = String(request.resource ?? '').replace(/\/+$/, '');
  const resourceHost = /^api:\/\/([^/]+)\/[^/]+$/i.exec(resource)?.[1];
  if (resourceHost?.toLowerCase() !== app.host.toLowerCase()) {
    return { ok: false, reason: TEAMS_FAILURES.resourceMismatch };
  }
  const asked = Array.isArray(request.resources) ? request.resources : [];
  if (asked.some((r) => String(r).replace(/\/+$/, '') !== resource)) {
    return { ok: false, reason: TEAMS_FAILURES.resourceMismatch };
  }
  return { ok: true, token: deps.mint(user, resource) };
}
