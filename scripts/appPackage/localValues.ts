/**
 * What `npm run package` uses for ENV_NAME=local where nothing else sets a value, so a fresh clone builds
 * with no set-up. They live here and not in env/.env.local because BOT_ID there would take `npm start` out
 * of local mode. None of them is registered with Microsoft: the local package is for checking the manifest
 * and the zip offline, not for uploading (Teams cannot reach a bot on localhost). `10ca1` reads "local".
 */
export const LOCAL_VALUES: Readonly<Record<string, string>> = {
  TEAMS_APP_ID: '10ca1000-0000-4000-8000-000000000001',
  // The bot's id in the Microsoft 365 Agents Playground (bot.id in .m365agentsplayground.yml).
  BOT_ID: '6b0c1a2e-5f1a-4c0e-9b07-000000000b07',
  AAD_APP_CLIENT_ID: '10ca1000-0000-4000-8000-000000000002',
  // Where `npm start` listens in local mode; the Tenants tab is served by the bot's web server.
  BOT_DOMAIN: 'localhost:3978',
  PUBLISHER_NAME: 'Adatum (local build)',
  PUBLISHER_WEBSITE: 'https://adatum.example',
};
