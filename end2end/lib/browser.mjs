// Shared helpers for the browser tests: launching Debian's Chromium through playwright-core,
// recording requests to other origins and page errors, and running axe-core (WCAG 2.1 A/AA).

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/** Base URL of the server under test (started by scripts/test.sh). */
export const BASE = (process.env.ALLMENDE_E2E_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const ORIGIN = new URL(BASE).origin;

/** Starts headless Chromium with the flags this machine needs (no network chatter). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Opens a fresh browser context and page that record every request leaving the site's
 * origin and every page error (a broken wasm bundle only shows up there).
 */
export async function openPage(browser, { javaScriptEnabled = true, locale = 'de-DE' } = {}) {
  const context = await browser.newContext({ javaScriptEnabled, locale });
  const page = await context.newPage();
  const foreignRequests = [];
  const errors = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.origin !== ORIGIN) foreignRequests.push(request.url());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // Every stylesheet, font, script and wasm file must load (a missing KERN build would
  // leave the pages unstyled yet readable, so check it explicitly).
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document' && response.status() >= 400) {
      errors.push(`HTTP ${response.status()} for ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { context, page, foreignRequests, errors };
}

/** Fails with the list of violations when axe-core finds any WCAG 2.1 A/AA problem. */
export async function assertAccessible(page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  assert.deepEqual(violations, [], `axe-core found WCAG violations on ${page.url()}`);
}

/** The page has a title, a meta description, a canonical link, a breadcrumb and exactly one h1. */
export async function assertPageBasics(page) {
  assert.ok((await page.title()).length > 5, 'title is set');
  const description = await page.locator('meta[name="description"]').getAttribute('content');
  assert.ok(description && description.length > 10, 'meta description is set');
  const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
  assert.ok(canonical && canonical.startsWith('http'), 'canonical link is absolute');
  assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
  assert.equal(await page.locator('nav.breadcrumbs').count(), 1, 'breadcrumb present');
}

/** The KERN UX design system is applied: its font and its screen-reader-only utility work. */
export async function assertKernStyled(page) {
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /Fira Sans/, 'KERN font family applies');
  const srOnlyWidth = await page.evaluate(() => document.querySelector('.kern-sr-only')?.getBoundingClientRect().width);
  assert.ok(srOnlyWidth !== undefined && srOnlyWidth <= 1, 'kern-sr-only hides the header search label visually');
  await page.waitForFunction(() => document.fonts.check('16px "Fira Sans"'), null, { timeout: 5000 });
}

/** Fetches JSON from the API. */
export async function api(path) {
  const response = await fetch(`${BASE}${path}`);
  return { status: response.status, body: await response.json() };
}
