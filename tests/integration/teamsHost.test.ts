import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ConfidentialClientApplication, ResponseMode } from '@azure/msal-node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Frame, Page } from 'playwright-core';
import { type Sandbox, SSO_SCOPE, startSandbox, TEAMS_FAILURES, TEAMS_WEB_CLIENT_ID } from '../../sandbox';
import { loadOrCreateLocalCa } from '../../sandbox/ca';
import { get } from '../support/entraAccountPicker';
import { type HeadlessChromium, launchHeadlessChromium } from '../support/headlessChromium';
import type { TestTab } from '../support/testTab/tabPage';
import { startTestTabServer, type TestTabServer } from '../support/testTab/server';

// The Teams host page in headless Chromium, with a tab built on @microsoft/teams-js 2.58.0.
jest.setTimeout(60_000);

const CONTOSO_ID = 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0';

describe('Teams host page (sandbox) with a teams-js tab', () => {
  let sandbox: Sandbox;
  let tab: TestTabServer;
  let chromium: HeadlessChromium;

  beforeAll(async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'teams-host-test-'));
    sandbox = await startSandbox({ stateDir });
    const { serverCertPem, serverKeyPem } = loadOrCreateLocalCa(stateDir);
    tab = await startTestTabServer({
      tls: { cert: serverCertPem, key: serverKeyPem },
      teamsHostOrigin: new URL(sandbox.urls.teamsHost).origin,
    });
    chromium = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await tab?.close();
    await sandbox?.close();
  });

  const hostUrl = (query: Record<string, string> = {}): string =>
    `${sandbox.urls.teamsHost}/?${new URLSearchParams({ user: 'nestor', app: tab.tabUrl, ...query })}`;

  /** Opens the host page and waits for the framed tab to have connected to it. */
  async function openHost(query: Record<string, string> = {}): Promise<{ page: Page; frame: Frame }> {
    const page = await chromium.context.newPage();
    await page.goto(hostUrl(query));
    const frame = await (await page.waitForSelector('#tab')).contentFrame();
    if (!frame) throw new Error('The host page has no tab frame.');
    await frame.waitForSelector('#status[data-state="ready"]');
    return { page, frame };
  }

  /** Runs `call` in the tab's frame with its `globalThis.testTab` (and a JSON argument: no closures cross over). */
  const inTab = <T, A = undefined>(
    frame: Frame,
    call: (testTab: TestTab, arg: A) => Promise<T> | T,
    arg?: A,
  ) =>
    frame.evaluate(`(${call.toString()})(globalThis.testTab, ${JSON.stringify(arg ?? null)})`) as Promise<T>;

  /**
   * Clicks in the tab as a person does, with the mouse where the element is. (Playwright's own frame.click never
   * completes under Jest for a frame of another site, while the same call outside Jest does.)
   */
  async function clickInTab(page: Page, frame: Frame, selector: string): Promise<void> {
    const frameBox = await page.locator('#tab').boundingBox();
    const box = (await frame.evaluate(
      `(() => { const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; })()`,
    )) as { x: number; y: number; width: number; height: number };
    if (!frameBox) throw new Error('The tab frame is not on the page.');
    await page.mouse.click(frameBox.x + box.x + box.width / 2, frameBox.y + box.y + box.height / 2);
  }

  /** Clicks the tab's sign-in button for this pop-up URL; returns the pop-up and, later, the tab's result. */
  async function signIn(page: Page, frame: Frame, url: string) {
    await frame.fill('#sign-in-url', url);
    await frame.evaluate(`document.getElementById('sign-in-result').removeAttribute('data-outcome')`);
    const [popup] = await Promise.all([
      page.context().waitForEvent('page'),
      clickInTab(page, frame, '#sign-in'),
    ]);
    const result = frame.waitForSelector('#sign-in-result[data-outcome]').then(async (element) => ({
      outcome: await element.getAttribute('data-outcome'),
      text: await element.textContent(),
    }));
    return { popup, result };
  }

  test('app.initialize and app.getContext: the demo Teams user, the tab entity, Teams on the web', async () => {
    const { page, frame } = await openHost();
    try {
      await expect(page.textContent('#signed-in-user')).resolves.toContain('Nestor Wilke');
      expect(await frame.textContent('#status')).toBe('Signed in to Teams as Nestor Wilke');
      const nestor = sandbox.directory.teams.users[0];
      expect(await inTab(frame, (t) => t.context())).toMatchObject({
        app: { theme: 'default', locale: 'en-US', host: { name: 'Teams', clientType: 'web' } },
        page: { id: 'tenants', frameContext: 'content' },
        user: {
          id: nestor.objectId,
          displayName: 'Nestor Wilke',
          userPrincipalName: 'nestor@adatum.example',
          tenant: { id: sandbox.directory.teams.tenantId },
        },
      });
    } finally {
      await page.close();
    }
  });

  test("getAuthToken: an SSO token for api://{tab host}/{client id} that verifies against the sandbox's keys; other resources fail as in Teams", async () => {
    const { page, frame } = await openHost({ user: 'Lidia Holloway' });
    try {
      const token = await inTab(frame, (t) => t.getAuthToken());
      const keys = createRemoteJWKSet(new URL(`${sandbox.urls.login}/common/discovery/v2.0/keys`), {
        agent: new https.Agent({ ca: sandbox.caCertPem }),
      });
      const audience = `api://${new URL(tab.tabUrl).host}/${sandbox.tabApp.clientId}`;
      const { payload } = await jwtVerify(token, keys, {
        issuer: `${sandbox.urls.login}/${sandbox.directory.teams.tenantId}/v2.0`,
        audience,
      });
      expect(payload).toMatchObject({
        oid: sandbox.directory.teams.users[1].objectId,
        name: 'Lidia Holloway',
        scp: SSO_SCOPE,
        azp: TEAMS_WEB_CLIENT_ID,
        ver: '2.0',
      });
      const askFor = (t: TestTab, resources: string[]) => t.getAuthToken(resources);
      await expect(inTab(frame, askFor, ['api://localhost:1/other'])).rejects.toThrow(
        TEAMS_FAILURES.resourceMismatch,
      );
      expect(await inTab(frame, askFor, [audience])).toMatch(/^ey/);
    } finally {
      await page.close();
    }
    // A manifest whose resource names another host than the tab's: Teams refuses every token.
    const misconfigured = await openHost({
      resource: `api://tenants.contoso.com/${sandbox.tabApp.clientId}`,
    });
    try {
      await expect(inTab(misconfigured.frame, (t) => t.getAuthToken())).rejects.toThrow(
        TEAMS_FAILURES.resourceMismatch,
      );
    } finally {
      await misconfigured.page.close();
    }
  });

  test('a theme change in the host reaches the handler the tab registered, and the context follows it', async () => {
    const { page, frame } = await openHost({ theme: 'default' });
    try {
      await page.click('button[data-theme-choice="dark"]');
      await frame.waitForSelector('body[data-theme="dark"]');
      await page.click('button[data-theme-choice="contrast"]');
      await frame.waitForSelector('body[data-theme="contrast"]');
      expect(await inTab(frame, (t) => t.themes)).toEqual(['dark', 'contrast']);
      expect(await inTab(frame, (t) => t.context())).toMatchObject({ app: { theme: 'contrast' } });
      expect(await page.getAttribute('html', 'data-theme')).toBe('contrast');
      expect(await page.getAttribute('button[data-theme-choice="contrast"]', 'aria-pressed')).toBe('true');
    } finally {
      await page.close();
    }
  });

  test("authenticate: a real pop-up whose notifySuccess is the tab's result; notifyFailure is the reason; closing it is CancelledByUser", async () => {
    const { page, frame } = await openHost();
    try {
      const success = await signIn(page, frame, tab.popupUrl({ result: 'request-123' }));
      await expect(success.result).resolves.toEqual({ outcome: 'success', text: 'request-123' });
      if (!success.popup.isClosed()) await success.popup.waitForEvent('close');

      const failure = await signIn(page, frame, tab.popupUrl({ failure: 'nope' }));
      await expect(failure.result).resolves.toEqual({ outcome: 'failure', text: 'nope' });

      const cancelled = await signIn(page, frame, tab.popupUrl({ wait: '1' }));
      await cancelled.popup.locator('#status', { hasText: 'Connected to Teams.' }).waitFor();
      // Asked of the pop-up that waits: the others close themselves as soon as they have answered.
      expect(await cancelled.popup.evaluate('window.opener !== null')).toBe(true);
      await cancelled.popup.close();
      await expect(cancelled.result).resolves.toEqual({
        outcome: 'failure',
        text: TEAMS_FAILURES.cancelledByUser,
      });
    } finally {
      await page.close();
    }
  });

  test('the pop-up runs the Entra ID sign-in: picker, form_post back to the tab, and the code redeems with msal-node', async () => {
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.tabApp.clientId,
        clientSecret: sandbox.tabApp.clientSecret,
        authority: `${sandbox.urls.login}/organizations`,
        knownAuthorities: [new URL(sandbox.urls.login).host],
      },
      system: { customAgentOptions: { ca: sandbox.caCertPem } },
    });
    const codeVerifier = randomBytes(32).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const redirectUri = `${tab.origin}/popup.html`;
    const authorizeUrl = await msal.getAuthCodeUrl({
      scopes: ['User.Read'],
      redirectUri,
      responseMode: ResponseMode.FORM_POST,
      state: 'session-1',
      nonce,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      codeChallengeMethod: 'S256',
      prompt: 'select_account',
    });

    const { page, frame } = await openHost();
    try {
      const { popup, result } = await signIn(page, frame, authorizeUrl);
      await popup.click('a.account[data-upn="megan@contoso.com"]');
      const { outcome, text } = await result;
      expect(outcome).toBe('success');
      const answer = JSON.parse(text ?? '{}') as Record<string, string>;
      expect(answer.state).toBe('session-1');
      const tokens = await msal.acquireTokenByCode(
        { code: answer.code, scopes: ['User.Read'], redirectUri, codeVerifier, state: 'session-1' },
        { code: answer.code, state: answer.state, nonce, client_info: answer.client_info },
      );
      expect(tokens.idTokenClaims).toMatchObject({ tid: CONTOSO_ID, nonce });
      const organization = await get(`${sandbox.urls.graph}/v1.0/organization`, sandbox.caCertPem, {
        Authorization: `Bearer ${tokens.accessToken}`,
      });
      expect(JSON.parse(organization.body)).toMatchObject({ value: [{ displayName: 'Contoso Ltd' }] });
    } finally {
      await page.close();
    }
  });

  test('opened outside Teams, the same tab fails to initialize, so it can say "open me in Teams"', async () => {
    const page = await chromium.context.newPage();
    try {
      await page.goto(tab.tabUrl);
      await page.waitForSelector('#status[data-state="outside-teams"]');
      expect(await page.textContent('#status')).toContain('No Parent window found');
    } finally {
      await page.close();
    }
  });

  test('the phone-width toggle narrows the tab to a phone', async () => {
    const { page } = await openHost();
    try {
      expect((await page.locator('#tab').boundingBox())?.width).toBeGreaterThan(800);
      await page.click('#phone-width');
      expect(await page.getAttribute('#phone-width', 'aria-pressed')).toBe('true');
      expect((await page.locator('#tab').boundingBox())?.width).toBe(375);
    } finally {
      await page.close();
    }
  });

  test('the host explains its URL, and refuses unknown people and non-http tabs', async () => {
    const help = await get(`${sandbox.urls.teamsHost}/`, sandbox.caCertPem);
    expect(help.status).toBe(200);
    expect(help.body).toContain('nestor@adatum.example');
    expect((await get(hostUrl({ user: 'nobody' }), sandbox.caCertPem)).status).toBe(400);
    expect((await get(hostUrl({ app: 'javascript:alert(1)' }), sandbox.caCertPem)).status).toBe(400);
    expect((await get(hostUrl({ theme: 'neon' }), sandbox.caCertPem)).status).toBe(400);
  });
});
