/**
 * The bot as production runs it (`npm run build && npm run start:prod`: plain JavaScript, no TypeScript loader),
 * compiled here with esbuild — the compiler tsx uses, file by file, no bundling — into a temporary folder:
 * nobody's dist/ is disturbed, and the project's lint never sees the output. tsx's loader adds about 40 MB of
 * resident memory (its compile caches and source maps), which is no part of the bot's.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './serverProcess';

const SOURCES = ['bot', 'cards'];

/**
 * Compiles bot/ and cards/ of `sourceRoot` (this repository, or another checkout to compare with) into
 * `<tmp>/pcta-bench-<name>/`, beside a link to this repository's node_modules so the same packages load;
 * returns the absolute path of the entry point.
 */
export async function compileBot(sourceRoot = ROOT, name = 'bot'): Promise<string> {
  const outDir = join(os.tmpdir(), `pcta-bench-${name}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  const files = SOURCES.flatMap((dir) => walk(join(sourceRoot, dir)));
  const typescript = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await build({
    entryPoints: typescript,
    outdir: outDir,
    outbase: sourceRoot,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  // JSON card templates and any other file the code reads beside itself.
  for (const file of files.filter((f) => !f.endsWith('.ts'))) {
    const target = join(outDir, relative(sourceRoot, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return join(outDir, 'bot', 'index.js');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
