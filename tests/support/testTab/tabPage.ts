/**
 * A tiny tab, bundled with @microsoft/teams-js for the browser: it connects to its Teams host, shows who is
 * signed in, records theme changes, and signs in through `authentication.authenticate` when its button is
 * clicked. The test reads the rest through `globalThis.testTab`.
 */
import { app, authentication } from '@microsoft/teams-js';
import { meta, type PageDocument } from './dom';

declare const document: PageDocument;

export interface TestTab {
  /** app.getContext() once initialized, as plain JSON. */
  context(): Promise<unknown>;
  themes: string[];
  getAuthToken(resources?: string[]): Promise<string>;
}

const status = document.getElementById('status');
const themes: string[] = [];
// teams-js answers only its own origin, Microsoft's https origins and the origins given to initialize: a host on
// loopback is none of Microsoft's, so the tab names it.
const host = meta(document, 'teams-host');
const initialized = app.initialize(host ? [host] : undefined);

const testTab: TestTab = {
  context: async () => JSON.parse(JSON.stringify(await app.getContext())) as unknown,
  themes,
  getAuthToken: (resources) => authentication.getAuthToken(resources ? { resources } : undefined),
};
(globalThis as { testTab?: TestTab }).testTab = testTab;

initialized.then(
  async () => {
    const context = await app.getContext();
    app.registerOnThemeChangeHandler((theme) => {
      themes.push(theme);
      document.body.setAttribute('data-theme', theme);
    });
    status?.setAttribute('data-state', 'ready');
    if (status) status.textContent = `Signed in to Teams as ${context.user?.displayName ?? 'nobody'}`;
  },
  (error: unknown) => {
    status?.setAttribute('data-state', 'outside-teams');
    if (status)
      status.textContent = `Open this tab in Teams. (${error instanceof Error ? error.message : String(error)})`;
  },
);

// A person clicks: the pop-up opens from a user gesture, as browsers want.
document.getElementById('sign-in')?.addEventListener('click', () => {
  const url = document.getElementById('sign-in-url')?.value ?? '';
  const result = document.getElementById('sign-in-result');
  authentication.authenticate({ url, width: 520, height: 640 }).then(
    (value) => {
      result?.setAttribute('data-outcome', 'success');
      if (result) result.textContent = value;
    },
    (error: unknown) => {
      result?.setAttribute('data-outcome', 'failure');
      if (result) result.textContent = error instanceof Error ? error.message : String(error);
    },
  );
});
