import { app, authentication } from '@microsoft/teams-js';
import { paragraphs } from './dom';
import { hostOrigins } from './teams';

/**
 * The pop-up's last page: Entra ID's answer was handled on the server, and its outcome (a request id or
 * the words to say) sits in this page. It goes back to the tab through Teams, and the pop-up closes.
 */
async function finish(): Promise<void> {
  const result = document.querySelector('meta[name="sign-in-result"]')?.getAttribute('content') ?? '';
  const status = document.getElementById('status') as HTMLElement;
  let parsed: { ok?: boolean; message?: string } = {};
  try {
    parsed = JSON.parse(result) as typeof parsed;
  } catch {
    parsed = { ok: false, message: 'The sign-in did not complete.' };
  }
  status.replaceChildren(
    paragraphs(parsed.ok ? 'Signed in. You can close this window.' : (parsed.message ?? '')),
  );
  try {
    await app.initialize(hostOrigins());
    authentication.notifySuccess(result);
  } catch {
    // Opened outside Teams: the words above are all there is to say.
  }
}

void finish();
