/**
 * The sign-in pop-up's last page, bundled with @microsoft/teams-js: it connects to Teams through
 * `window.opener` and hands its answer back. `?result=` succeeds with that text, `?failure=` fails with it, an
 * Entra ID answer (code or error, in the query or posted as form_post) succeeds with it as JSON, and a page with
 * none of them just waits, for a person to close it.
 */
import { app, authentication } from '@microsoft/teams-js';
import { meta, type PageDocument, type PageWindow } from './dom';

declare const document: PageDocument;
declare const window: PageWindow;

const status = document.getElementById('status');
const posted = meta(document, 'posted-answer');
const answer: Record<string, string> = posted
  ? (JSON.parse(posted) as Record<string, string>)
  : Object.fromEntries(new URLSearchParams(window.location.search));
const host = meta(document, 'teams-host');

app.initialize(host ? [host] : undefined).then(
  () => {
    if (status) status.textContent = 'Connected to Teams.';
    if (answer.result !== undefined) return authentication.notifySuccess(answer.result);
    if (answer.failure !== undefined) return authentication.notifyFailure(answer.failure);
    if (answer.code !== undefined || answer.error !== undefined) {
      return authentication.notifySuccess(JSON.stringify(answer));
    }
  },
  (error: unknown) => {
    if (status) status.textContent = `Not opened by Teams: ${String(error)}`;
  },
);
