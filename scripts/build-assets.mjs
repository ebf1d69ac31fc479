// Copies the KERN UX design system from node_modules into the built site (target/site/kern)
// and subsets its Fira Sans fonts to the characters German and English pages use
// (Basic Latin, Latin-1, typographic punctuation, €): about 25 KB per face instead of 130 KB.
// Then it writes precompressed copies (`.br` at brotli quality 11, `.gz` at gzip level 9) of
// the site's text and wasm files, which the server sends in place of a file when the browser
// accepts them (compressing on the fly uses brotli quality 4).
// Nothing produced here is committed; it is rebuilt from package-lock.json.
//
// Usage: node scripts/build-assets.mjs [site-root]   (default: target/site)

import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const subsetFont = require('subset-font');

const siteRoot = process.argv[2] ?? 'target/site';
const kernDir = path.dirname(require.resolve('@kern-ux/native/package.json'));
const outDir = path.join(siteRoot, 'kern');
const fontOut = path.join(outDir, 'fonts');

// The faces KERN's components use: 400 body, 500 display headings, 600 labels and titles,
// 700 for <strong>/<th>, and regular italic for <em>.
const faces = [
  ['FiraSans-Regular', 400, 'normal'],
  ['FiraSans-Italic', 400, 'italic'],
  ['FiraSans-Medium', 500, 'normal'],
  ['FiraSans-SemiBold', 600, 'normal'],
  ['FiraSans-Bold', 700, 'normal'],
];

// U+0020–007E, U+00A0–00FF, and the punctuation German typography needs.
const extra = '–—‘’‚“”„•…€→←↑↓✓×·§';
const ranges = 'U+0020-007E, U+00A0-00FF, U+2013-2014, U+2018-201A, U+201C-201E, U+2022, U+2026, U+20AC, U+2190-2193, U+2713, U+00D7, U+00B7, U+00A7';

function charset() {
  let text = extra;
  for (let c = 0x20; c <= 0x7e; c++) text += String.fromCodePoint(c);
  for (let c = 0xa0; c <= 0xff; c++) text += String.fromCodePoint(c);
  return text;
}

await mkdir(fontOut, { recursive: true });
await copyFile(path.join(kernDir, 'dist', 'kern.min.css'), path.join(outDir, 'kern.min.css'));
await copyFile(path.join(kernDir, 'LICENSE.md'), path.join(outDir, 'LICENSE.md'));

const text = charset();
let css = '/* Fira Sans (SIL Open Font License 1.1), subset for Allmende from @kern-ux/native. */\n';
for (const [name, weight, style] of faces) {
  const source = await readFile(path.join(kernDir, 'dist', 'fonts', 'fira-sans', `${name}.woff2`));
  const subset = await subsetFont(source, text, { targetFormat: 'woff2' });
  await writeFile(path.join(fontOut, `${name}.woff2`), subset);
  css += `@font-face{font-family:'Fira Sans';src:url("fonts/${name}.woff2") format('woff2');` +
    `font-weight:${weight};font-style:${style};font-display:swap;unicode-range:${ranges}}\n`;
}
await writeFile(path.join(outDir, 'fonts.css'), css);
console.log(`KERN UX ${require('@kern-ux/native/package.json').version} → ${outDir} (${faces.length} font faces subset)`);

// Precompressed copies. A copy older than its file is ignored by the server, so a rebuild
// without this script never sends stale bytes. Files above PRECOMPRESS_MAX (a debug build's
// wasm) are left to on-the-fly compression: quality 11 would take longer than it saves.
const PRECOMPRESS = new Set(['.css', '.js', '.wasm', '.svg', '.json', '.txt']);
const PRECOMPRESS_MAX = 4 * 1024 * 1024;
async function* files(dir) {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}
let saved = 0;
for (const folder of ['pkg', 'kern']) {
  for await (const file of files(path.join(siteRoot, folder))) {
    if (!PRECOMPRESS.has(path.extname(file))) continue;
    const data = await readFile(file);
    await rm(`${file}.br`, { force: true });
    await rm(`${file}.gz`, { force: true });
    if (data.length < 1024 || data.length > PRECOMPRESS_MAX) continue;
    const br = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    });
    const gz = gzipSync(data, { level: 9 });
    await writeFile(`${file}.br`, br);
    await writeFile(`${file}.gz`, gz);
    saved += data.length - br.length;
  }
}
console.log(`Precompressed (brotli 11, gzip 9): ${(saved / 1024).toFixed(0)} KiB less than the files`);
