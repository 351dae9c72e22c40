import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * The Tenants tab's browser code (bot/tab/page/), bundled with @microsoft/teams-js and the adaptivecards
 * renderer into dist/tab/, which the bot serves. `npm start` runs this first; `npm run build` too.
 */
export async function buildTab(outDir = join(__dirname, '..', 'dist', 'tab')): Promise<string> {
  const page = join(__dirname, '..', 'bot', 'tab', 'page');
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(page, 'main.ts'), callback: join(page, 'callback.ts') },
    outdir: outDir,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'callback.html']) copyFileSync(join(page, file), join(outDir, file));
  copyFileSync(join(page, 'styles.css'), join(outDir, 'app.css'));
  return outDir;
}

if (require.main === module) {
  buildTab().then(
    (dir) => console.log(`Tenants tab built in ${dir}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
