// Copies the KERN UX design system from node_modules into the built site (target/site/kern)
// and subsets its Fira Sans fonts to the characters German and English pages use
// (Basic Latin, Latin-1, typographic punctuation, €): about 25 KB per face instead of 130 KB.
// Nothing produced here is committed; it is rebuilt from package-lock.json.
//
// Usage: node scripts/build-assets.mjs [site-root]   (default: target/site)

import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
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
