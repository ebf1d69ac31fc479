// Searching: type in the header box, pick a suggestion, narrow by a facet, open a result;
// the same search works without JavaScript. axe-core on every page and state.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, api, assertAccessible, assertPageBasics, launch, openPage } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a clerk finds an entry through suggestions and a facet', async () => {
  const { page, foreignRequests, errors } = await openPage(browser);
  await page.goto(`${BASE}/datenmodelle`);
  await assertPageBasics(page);

  // The header box is a combobox; it offers suggestions once the island is hydrated.
  const box = page.locator('#kopf-suche');
  await page.locator('#kopf-suche[data-hydrated="true"]').waitFor();
  assert.equal(await box.getAttribute('role'), 'combobox');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  await box.pressSequentially('Friedh', { delay: 40 });
  const options = page.getByRole('listbox', { name: 'Suchvorschläge' }).getByRole('option');
  await options.first().waitFor();
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  const texts = await options.allInnerTexts();
  assert.ok(texts.includes('Friedhofsverwaltung'), `suggestions: ${texts}`);
  assert.match(await page.locator('.combobox [role="status"]').innerText(), /\d+ Vorschläge/);
  await assertAccessible(page);

  // Arrow keys move through the list; the active option is announced via aria-activedescendant.
  const index = texts.indexOf('Friedhofsverwaltung');
  for (let i = 0; i <= index; i++) await box.press('ArrowDown');
  const active = await box.getAttribute('aria-activedescendant');
  assert.equal(await page.locator(`#${active}`).innerText(), 'Friedhofsverwaltung');
  assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
  await box.press('Enter');
  await page.waitForURL(/\/suche\?q=Friedhofsverwaltung/);
  await assertPageBasics(page);
  assert.match(await page.locator('h1').innerText(), /Friedhofsverwaltung/);
  const firstHit = page.locator('.card-list .entry-card').first();
  assert.equal(await firstHit.locator('h3').innerText(), 'Friedhofsverwaltung');
  assert.ok(await page.locator('.card-list mark').count() > 0, 'matched words are marked in snippets');
  await assertAccessible(page);

  // Escape closes the list.
  await page.locator('#kopf-suche[data-hydrated="true"]').waitFor();
  await box.fill('');
  await box.pressSequentially('Abfa', { delay: 40 });
  await options.first().waitFor();
  await box.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  await box.fill('');

  // Narrow by a facet: solutions only.
  const kindFacet = page.getByRole('group', { name: 'Art des Eintrags' });
  await kindFacet.getByRole('checkbox', { name: /^Lösung \(\d+\)$/ }).check();
  await page.getByRole('button', { name: 'Filter anwenden' }).click();
  await page.waitForURL(/kind=solution/);
  assert.ok(await page.getByRole('group', { name: 'Art des Eintrags' }).getByRole('checkbox', { name: /^Lösung/ }).isChecked());
  const kinds = await page.locator('.card-list .entry-card .kern-preline').allInnerTexts();
  assert.ok(kinds.length > 0, 'some solutions');
  for (const kind of kinds) assert.equal(kind, 'Lösung');
  await assertAccessible(page);

  // Open the first result.
  const name = await page.locator('.card-list .entry-card h3 a').first().innerText();
  await page.locator('.card-list .entry-card h3 a').first().click();
  await page.waitForURL(/\/loesungen\/[a-z0-9-]+$/);
  assert.equal(await page.locator('h1').innerText(), name);
  await assertAccessible(page);

  assert.deepEqual(foreignRequests, [], 'no request to another origin');
  assert.deepEqual(errors, [], 'no script errors');
});

test('typos, umlaut spellings and an empty result that helps', async () => {
  const { page } = await openPage(browser);
  await page.goto(`${BASE}/suche?q=Buergerbeteiligung`);
  assert.ok(await page.locator('.card-list .entry-card').count() >= 3, 'ue spelling finds Bürgerbeteiligung');
  await page.goto(`${BASE}/suche?q=Kitu`);
  const hint = page.locator('.did-you-mean a');
  assert.equal(await hint.innerText(), 'kita');
  await assertAccessible(page);
  await hint.click();
  await page.waitForURL(/q=kita/);
  assert.ok(await page.locator('.card-list .entry-card').count() > 0);
  await page.goto(`${BASE}/suche?q=Raumfahrtbehoerde`);
  assert.match(await page.locator('.empty-state').innerText(), /Keine Einträge gefunden/);
  await assertAccessible(page);
});

test('search and facets work without JavaScript', async () => {
  const { page } = await openPage(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE}/`);
  await page.locator('#kopf-suche').fill('Sperrmüll');
  await page.locator('#kopf-suche').press('Enter');
  await page.waitForURL(/\/suche\?q=Sperrm/);
  const total = (await api('/api/v1/search?q=Sperrm%C3%BCll')).body.total;
  assert.ok(total >= 2);
  assert.equal(await page.locator('.card-list .entry-card').count(), Math.min(total, 20));
  await page.getByRole('group', { name: 'Bundesland' }).getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Filter anwenden' }).click();
  await page.waitForURL(/state=/);
  assert.ok(await page.locator('.card-list .entry-card').count() >= 1);
});
