import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Which part may import which (README, "How it is built"). A rule per kind of import, then one block per folder.
const sdk = {
  group: ['botbuilder', 'botbuilder-*', 'botframework-*'],
  message: 'Only bot/teams/ talks to the Bot Framework SDK: a port to another SDK touches that folder only.',
};
const web = {
  group: ['restify', 'restify-*'],
  message: 'Only bot/http/ serves HTTP: restify changes Node’s HTTP prototypes for the whole process.',
};
const sandbox = {
  group: ['**/sandbox', '**/sandbox/**'],
  message:
    'The sandbox stands in for Microsoft’s services: the bot reaches it over HTTP, only tests import it.',
};
const demo = {
  group: ['**/demo/**'],
  message: 'The demo tenants are the sandbox’s data: the product never reads them.',
};
const edges = {
  group: ['**/teams', '**/teams/**', '**/http', '**/http/**'],
  message: 'Stores and features do not depend on the Teams or HTTP edges; the edges depend on them.',
};
const io = {
  group: ['ioredis', 'bullmq', 'undici', '@microsoft/*', '@azure/*', 'node:*', 'fs', 'http', 'https', 'net'],
  message: 'The core is plain TypeScript with no I/O.',
};
const outsideCore = { group: ['../*'], message: 'The core depends on nothing outside it.' };

const only = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
// no-restricted-imports sees static imports only: a dynamic import() or require() of the sandbox is refused too.
const noDynamicSandbox = {
  'no-restricted-syntax': [
    'error',
    ...['ImportExpression > Literal', "CallExpression[callee.name='require'] > Literal:first-child"].map(
      (node) => ({ selector: `${node}[value=/(^|\\/)sandbox(\\/|$)/]`, message: sandbox.message }),
    ),
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', '.m365agentsplayground/', 'appPackage/build/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        module: 'readonly',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      ...only(sdk, web, sandbox, demo),
      ...noDynamicSandbox,
    },
  },
  { files: ['bot/core/**'], rules: only(sdk, web, sandbox, demo, io, outsideCore) },
  { files: ['bot/teams/**'], rules: only(web, sandbox, demo) },
  { files: ['bot/http/**'], rules: only(sdk, sandbox, demo) },
  {
    files: ['bot/infra/**', 'bot/state/**', 'bot/notifications/**', 'bot/redis/**', 'cards/**'],
    rules: only(sdk, web, sandbox, demo, edges),
  },
  // Developer tools may read the demo tenants (the Playground plays its people).
  { files: ['scripts/**'], rules: only(sdk, web, sandbox) },
  // The emulators, the tests and the benchmarks stand outside the product and may reach into any part.
  {
    files: ['sandbox/**', 'demo/**', 'tests/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
