/**
 * Runs the sandbox in a process of its own. Local mode (`npm start` without BOT_ID) starts it with `--ipc`
 * and learns where everything is from one message; by hand it prints where everything is, for a bot started
 * separately:
 *   npx tsx sandbox/cli.ts [--bot-endpoint http://127.0.0.1:3978/api/messages] [--app-id ID --app-password PW]
 *                          [--tab-app-id ID --tab-app-secret SECRET] [--require-auth] [--state-dir .sandbox]
 *                          [--port-base 4100]
 * The bot process can trust the local CA with NODE_EXTRA_CA_CERTS=<state-dir>/ca.pem (kept across restarts).
 */
import { parseArgs } from 'node:util';
import { startSandbox, type Sandbox } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'bot-endpoint': { type: 'string' },
      'app-id': { type: 'string' },
      'app-password': { type: 'string' },
      'tab-app-id': { type: 'string' },
      'tab-app-secret': { type: 'string' },
      'require-auth': { type: 'boolean', default: false },
      'state-dir': { type: 'string', default: '.sandbox' },
      'port-base': { type: 'string' },
      host: { type: 'string' },
      ipc: { type: 'boolean', default: false },
    },
  });
  const base = values['port-base'] ? Number(values['port-base']) : undefined;
  if (base !== undefined && !Number.isInteger(base)) throw new Error('--port-base must be a number');
  const sandbox = await startSandbox({
    botEndpoint: values['bot-endpoint'],
    botAppId: values['app-id'],
    botAppPassword: values['app-password'] ?? process.env.MICROSOFT_APP_PASSWORD,
    requireAuth: values['require-auth'],
    tabApp: tabAppOption(values['tab-app-id'], values['tab-app-secret'] ?? process.env.TAB_APP_CLIENT_SECRET),
    stateDir: values['state-dir'],
    host: values.host,
    ports:
      base === undefined
        ? undefined
        : {
            channelAuth: base,
            connector: base + 1,
            tokenService: base + 2,
            login: base + 3,
            graph: base + 4,
            teamsHost: base + 5,
          },
  });

  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (values.ipc && process.send) {
    // The bot that started this process is gone (even killed): nothing is left to serve.
    process.once('disconnect', stop);
    process.send({ ready: localModeReport(sandbox) });
    console.log(
      `Token service, Entra ID, Microsoft Graph and Teams host emulators listening (CA ${sandbox.caCertPath})`,
    );
    return;
  }

  const lines = [
    'Sandbox running (Ctrl+C to stop)',
    '',
    ...Object.entries(sandbox.urls).map(([name, url]) => `  ${name.padEnd(13)} ${url}`),
    `  ${'CA'.padEnd(13)} ${sandbox.caCertPath}`,
    '',
    'botbuilder configuration (env lines):',
    ...Object.entries(sandbox.botFrameworkAuthConfig()).map(([k, v]) => `  ${k}=${v}`),
    '',
    `  NODE_EXTRA_CA_CERTS=${sandbox.caCertPath}`,
    '',
    // The secret is never printed: it is the one given with --tab-app-secret, or LOCAL_TAB_APP's (sandbox/tabApp.ts).
    `Tab app: client id ${sandbox.tabApp.clientId}, authority ${sandbox.urls.login}/organizations`,
    `Teams host: ${sandbox.urls.teamsHost}/?user=${sandbox.directory.teams.users[0]?.userPrincipalName ?? ''}&app=<tab URL>`,
    '',
    'Demo accounts for the sign-in page:',
    ...sandbox.directory.tenants.flatMap((t) =>
      t.users.map(
        (u) =>
          `  ${u.userPrincipalName.padEnd(30)} ${t.displayName}${u.globalAdmin ? ' (global admin)' : ''}`,
      ),
    ),
    ...sandbox.directory.personalAccounts.map(
      (a) => `  ${a.userPrincipalName.padEnd(30)} personal Microsoft account`,
    ),
  ];
  console.log(lines.join('\n'));
}

/** What local mode's bot needs: the endpoints, the CA to trust, the demo account and its people's roles. */
function localModeReport(sandbox: Sandbox) {
  const { directory } = sandbox;
  return {
    botFrameworkAuthConfig: sandbox.botFrameworkAuthConfig(),
    graphUrl: sandbox.urls.graph,
    /** https://localhost:PORT: msal-node's authority for the tab's sign-in is `${loginUrl}/organizations`. */
    loginUrl: sandbox.urls.login,
    /** http://127.0.0.1:PORT: the Teams host page, `/?user=…&app=…`, for opening the tab locally. */
    teamsHostUrl: sandbox.urls.teamsHost,
    /** The tab app's registration, for msal-node and for checking SSO tokens' audience (over IPC only). */
    tabApp: { clientId: sandbox.tabApp.clientId, clientSecret: sandbox.tabApp.clientSecret },
    caCertPath: sandbox.caCertPath,
    account: directory.account,
    /** The Teams organization's own tenant: the account's, associated from the start (R10). */
    accountTenant: {
      tenantId: directory.teams.tenantId,
      orgDisplayName: directory.teams.tenantName,
      defaultDomain: directory.teams.users[0]?.userPrincipalName.split('@')[1] ?? '',
    },
    people: directory.teams.users.map((user) => ({
      tenantId: directory.teams.tenantId,
      objectId: user.objectId,
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      roles: user.partnerCenterRoles,
    })),
  };
}

function tabAppOption(clientId: string | undefined, clientSecret: string | undefined) {
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) throw new Error('--tab-app-id and --tab-app-secret go together');
  return { clientId, clientSecret };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
