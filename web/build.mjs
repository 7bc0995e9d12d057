// Bundles the dashboard (web/src) into web/dist: assets/app-<hash>.js and app-<hash>.css, plus
// index.html naming them. Content-hashed names let the server mark assets immutable while
// index.html is revalidated (src/api/dashboard_routes.h). Run by the CMake target "dashboard"
// (every build) or by hand: `node web/build.mjs [--out DIR]`. Prints the gzipped size.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const outDir = path.resolve(outFlag >= 0 ? process.argv[outFlag + 1] : path.join(webDir, 'dist'));
const assetsDir = path.join(outDir, 'assets');

rmSync(assetsDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });
const result = await build({
  entryPoints: { app: path.join(webDir, 'src/main.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  entryNames: '[name]-[hash]',
  outdir: assetsDir,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const script = outputs.find((name) => name.endsWith('.js'));
const style = outputs.find((name) => name.endsWith('.css'));
if (!script || !style) throw new Error(`esbuild produced no script or stylesheet: ${outputs.join(', ')}`);
const page = readFileSync(path.join(webDir, 'src/index.html'), 'utf8')
  .replace('{{script}}', `/assets/${script}`)
  .replace('{{style}}', `/assets/${style}`);
writeFileSync(path.join(outDir, 'index.html'), page);

let gzipped = gzipSync(page).length;
for (const name of outputs) gzipped += gzipSync(readFileSync(path.join(assetsDir, name))).length;
console.log(`dashboard: ${path.relative(process.cwd(), outDir) || '.'} (${outputs.join(', ')}), ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
