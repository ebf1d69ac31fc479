// Prints the compressed transfer size of a first visit to a page (empty cache), per
// resource type and in total, as Markdown table rows. Usage: node page-weight.mjs /path

import { BASE, launch, openPage } from './browser.mjs';

const path = process.argv[2] ?? '/';
const browser = await launch();
const { context, page } = await openPage(browser);
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
const types = new Map();
const byType = {};
cdp.on('Network.responseReceived', (e) => types.set(e.requestId, `${e.type} ${new URL(e.response.url).pathname}`));
cdp.on('Network.loadingFinished', (e) => {
  const label = types.get(e.requestId) ?? 'other';
  const kind = label.split(' ')[0];
  byType[kind] = (byType[kind] ?? 0) + e.encodedDataLength;
});
await page.goto(`${BASE}${path}`, { waitUntil: 'networkidle' });
await page.waitForTimeout(500);
let total = 0;
for (const [kind, bytes] of Object.entries(byType).sort()) {
  console.log(`| first visit of ${path}: ${kind} | ${(bytes / 1024).toFixed(1)} KiB |`);
  total += bytes;
}
console.log(`| first visit of ${path}: total transferred (compressed) | ${(total / 1024).toFixed(1)} KiB |`);
await browser.close();
