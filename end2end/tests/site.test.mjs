// Site-wide behaviour: the 404 page, the language switch, the legal pages with the
// configured operator, and the JSON API with its OpenAPI document.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, assertAccessible, assertPageBasics, launch, openPage } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('unknown pages and unknown entries answer 404 with a helpful page', async () => {
  const { context, page } = await openPage(browser);
  for (const path of ['/gibt-es-nicht', '/loesungen/gibt-es-nicht', '/organisationen/unbekannt']) {
    const response = await page.goto(`${BASE}${path}`);
    assert.equal(response.status(), 404, path);
    assert.equal(await page.locator('h1').innerText(), 'Seite nicht gefunden');
    assert.equal(await page.locator('link[rel="canonical"]').count(), 0, 'an error page has no canonical address');
  }
  await assertAccessible(page);
  await context.close();
});

test('the language switch turns the interface to English and back', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(`${BASE}/loesungen`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'de');
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForURL(`${BASE}/loesungen`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'Solutions');
  assert.equal(await page.getByRole('button', { name: 'Apply filters' }).count(), 1);
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Deutsch' }).click();
  await page.waitForURL(`${BASE}/loesungen`);
  assert.equal(await page.locator('h1').innerText(), 'Lösungen');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an English browser gets English pages without choosing', async () => {
  const { context, page } = await openPage(browser, { locale: 'en-GB' });
  await page.goto(`${BASE}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('h1').innerText(), /Built once/);
  await context.close();
});

test('the legal pages show the configured operator and are accessible', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${BASE}/`);
  await page.getByRole('link', { name: 'Impressum' }).click();
  await page.waitForURL(`${BASE}/impressum`);
  await assertPageBasics(page);
  assert.match(await page.locator('main').innerText(), /Stadt Beispielhausen, Amt für Digitalisierung/);
  assert.match(await page.locator('main').innerText(), /12345 Beispielhausen/);
  await assertAccessible(page);
  for (const [link, path] of [['Datenschutzerklärung', '/datenschutz'], ['Erklärung zur Barrierefreiheit', '/barrierefreiheit']]) {
    await page.getByRole('link', { name: link }).click();
    await page.waitForURL(`${BASE}${path}`);
    await assertPageBasics(page);
    await assertAccessible(page);
  }
  await context.close();
});

test('the search page finds entries by German words', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(`${BASE}/`);
  await page.locator('#kopf-suche').fill('Sperrmüll');
  await page.locator('#kopf-suche').press('Enter');
  await page.waitForURL(/\/suche\?q=/);
  await assertPageBasics(page);
  assert.ok(await page.locator('.card-list .entry-card').count() >= 1, 'Sperrmüll finds something');
  await assertAccessible(page);
  await context.close();
});

test('the JSON API lists, filters and documents itself', async () => {
  const list = await api('/api/v1/solutions?state=BW&sort=name&per_page=5');
  assert.equal(list.status, 200);
  assert.ok(list.body.total >= 1);
  assert.ok(list.body.items.length <= 5);
  for (const item of list.body.items) assert.equal(item.organisation.bundesland, 'BW');

  const bad = await api('/api/v1/solutions?status=fertig');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /status/);

  const missing = await api('/api/v1/data-models/gibt-es-nicht');
  assert.equal(missing.status, 404);
  const unknownPath = await api('/api/v1/gibt-es-nicht');
  assert.equal(unknownPath.status, 404);
  assert.match(unknownPath.body.error, /API/);

  const doc = await api('/api/v1/openapi.json');
  assert.equal(doc.status, 200);
  for (const path of ['/solutions', '/solutions/{slug}', '/data-models', '/data-models/{slug}', '/organisations', '/organisations/{slug}']) {
    assert.ok(doc.body.paths[path], `OpenAPI documents ${path}`);
  }
});
