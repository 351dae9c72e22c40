import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.m365agentsplayground/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        module: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['botbuilder*', 'botframework-*'],
              message: 'Keep the Bot Framework SDK behind bot/teams/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'bot/teams/**',
      'bot/infra/botStateStorage*.ts',
      'bot/infra/**/botStateStorage*.ts',
      'tests/**',
      'bench/**',
      'sandbox/**',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['bot/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'botbuilder*',
                'botframework-*',
                'ioredis',
                'restify',
                '@microsoft/*',
                '@azure/*',
                'node:*',
                'fs',
                'http',
                'https',
                'net',
              ],
              message: 'The core is plain TypeScript with no I/O.',
            },
            { group: ['../*'], message: 'The core depends on nothing outside it.' },
          ],
        },
      ],
    },
  },
);
