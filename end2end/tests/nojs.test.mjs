// Reading works without JavaScript: lists and detail pages arrive fully rendered.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, assertPageBasics, launch, openPage } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('lists and detail pages render their content with JavaScript disabled', async () => {
  const { context, page, foreignRequests } = await openPage(browser, { javaScriptEnabled: false });
  const { body: solutions } = await api('/api/v1/solutions?per_page=1');
  const { body: models } = await api('/api/v1/data-models?per_page=1');
  const { body: orgs } = await api('/api/v1/organisations?per_page=1');

  await page.goto(`${BASE}/loesungen?sort=name`);
  await assertPageBasics(page);
  assert.equal(await page.locator('.card-list .entry-card').count(), 20);

  // Filtering is a plain GET form
  await page.selectOption('#filter-status', 'stable');
  await page.getByRole('button', { name: 'Filter anwenden' }).click();
  await page.waitForURL(/status=stable/);
  const badges = await page.locator('.card-list .entry-card .kern-badge--info').allInnerTexts();
  assert.ok(badges.length > 0);
  for (const badge of badges) assert.equal(badge, 'Stabil');

  const solution = solutions.items[0];
  await page.goto(`${BASE}/loesungen/${solution.slug}`);
  await assertPageBasics(page);
  assert.equal(await page.locator('h1').innerText(), solution.name);
  assert.ok((await page.locator('.prose').first().innerText()).length > 50);

  await page.goto(`${BASE}/datenmodelle`);
  assert.ok(await page.locator('.card-list .entry-card').count() >= 20);

  const model = models.items[0];
  await page.goto(`${BASE}/datenmodelle/${model.slug}`);
  await assertPageBasics(page);
  assert.ok(await page.locator('table.schema-table tbody tr').count() >= 3);
  // The island's button stays hidden without JavaScript.
  assert.equal(await page.getByRole('button', { name: 'In die Zwischenablage kopieren' }).count(), 0);

  await page.goto(`${BASE}/organisationen/${orgs.items[0].slug}`);
  await assertPageBasics(page);

  assert.deepEqual(foreignRequests, []);
  await context.close();
});
