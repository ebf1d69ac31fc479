// The main reading path: start page → solution list → filter → detail → organisation →
// data model detail, with axe-core on every page, hydrated islands, and no request to
// another origin.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, assertAccessible, assertKernStyled, assertPageBasics, launch, openPage } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a visitor browses from the start page to a data model', async () => {
  const { context, page, foreignRequests, errors } = await openPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });

  // Start page
  const response = await page.goto(`${BASE}/`);
  assert.equal(response.status(), 200);
  await assertPageBasics(page);
  assert.match(await page.locator('h1').innerText(), /Einmal gebaut/);
  await assertKernStyled(page);
  const solutionCount = Number((await page.locator('.stats__item').first().locator('.stats__number').innerText()).replace(/\./g, ''));
  assert.ok(solutionCount >= 60, `start page counts ${solutionCount} solutions`);
  assert.ok(await page.locator('#neue-loesungen ~ ul .entry-card').count() >= 3, 'newest solutions shown');
  await assertAccessible(page);

  // Solution list through the main navigation
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Lösungen' }).click();
  await page.waitForURL(`${BASE}/loesungen`);
  await assertPageBasics(page);
  assert.equal(await page.locator('nav[aria-label="Hauptnavigation"] a[aria-current="page"]').innerText(), 'Lösungen');
  const allCards = await page.locator('.card-list .entry-card').count();
  assert.equal(allCards, 20, 'first page holds 20 solutions');
  await assertAccessible(page);

  // Filter by Bundesland: the choice lands in the URL and survives a reload
  await page.selectOption('#filter-state', 'BY');
  await page.getByRole('button', { name: 'Filter anwenden' }).click();
  await page.waitForURL(/state=BY/);
  const lines = await page.locator('.card-list .entry-card .kern-body--muted').allInnerTexts();
  assert.ok(lines.length > 0, 'some solutions from Bayern');
  for (const line of lines) assert.match(line, /Bayern$/);
  await page.reload();
  assert.equal(await page.locator('#filter-state').inputValue(), 'BY');
  await assertAccessible(page);

  // Detail page of the first hit
  const firstName = await page.locator('.card-list .entry-card h3 a').first().innerText();
  await page.locator('.card-list .entry-card h3 a').first().click();
  await page.waitForURL(/\/loesungen\/[a-z0-9-]+$/);
  await assertPageBasics(page);
  assert.equal(await page.locator('h1').innerText(), firstName);
  assert.ok(await page.locator('#beschreibung ~ .prose').innerText().then((t) => t.length > 100), 'description rendered');
  assert.ok(await page.locator('.facts').getByText('Lizenz').count() === 1, 'licence listed');
  await assertAccessible(page);

  // Its organisation
  await page.locator('.detail__aside .facts a[href^="/organisationen/"]').click();
  await page.waitForURL(/\/organisationen\/[a-z0-9-]+$/);
  await assertPageBasics(page);
  assert.ok(await page.locator('#org-loesungen ~ ul .entry-card').count() >= 1, 'organisation lists its solutions');
  await assertAccessible(page);

  // A data model (via the list, sorted by name)
  await page.goto(`${BASE}/datenmodelle?sort=name`);
  await assertPageBasics(page);
  await assertAccessible(page);
  await page.locator('.card-list .entry-card h3 a').first().click();
  await page.waitForURL(/\/datenmodelle\/[a-z0-9-]+$/);
  await assertPageBasics(page);
  assert.ok(await page.locator('table.schema-table tbody tr').count() >= 3, 'schema shown as a table of properties');
  assert.ok(await page.locator('table.schema-table th[scope="col"]').count() === 4);
  assert.match(await page.locator('#beispiel-1').innerText(), /^\{/);

  // The copy button is an island: it appears only once the wasm has hydrated it.
  const copy = page.getByRole('button', { name: 'In die Zwischenablage kopieren' }).last();
  await copy.waitFor({ state: 'visible', timeout: 15000 });
  await copy.click();
  await page.getByText('Kopiert.').waitFor({ timeout: 5000 });
  await page.locator('details.raw-json summary').click();
  await assertAccessible(page);

  assert.deepEqual(foreignRequests, [], 'no request leaves the site');
  assert.deepEqual(errors, [], 'no page errors');
  await context.close();
});
