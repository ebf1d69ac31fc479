// Reuse: fork a solution and see the lineage on both sides; declare "Wir nutzen das" and
// see the adopter and the new reuse count; check a payload against a data model. axe-core
// on every page and form state.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, assertAccessible, launch, openPage } from '../lib/browser.mjs';
import { registerWithOrganisation } from '../lib/accounts.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


test('fork a solution, see the lineage, declare "Wir nutzen das"', async () => {
  const { page, errors } = await openPage(browser);
  const { org } = await registerWithOrganisation(page, { person: 'Eva Nachnutzerin', organisation: 'Gemeinde Nachnutz', kind: 'gemeinde' });
  // A demo solution; find its reuse count first.
  await page.goto(`${BASE}/loesungen/friedhofsverwaltung`);
  const name = await page.locator('h1').innerText();
  await page.getByRole('link', { name: /Nachnutzen/ }).click();
  await page.waitForURL(/\/nachnutzen$/);
  await assertAccessible(page);
  const countBefore = (await page.request.get(`${BASE}/api/v1/solutions/friedhofsverwaltung`).then((r) => r.json())).reuse_count;

  // "Wir nutzen das": first with a wrong date, then right.
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: org });
  await page.getByLabel('Stand').selectOption('pilot');
  await page.getByLabel('Seit').fill('2026-02-01');
  await page.getByLabel('Öffentliche Notiz (optional)').fill('Im Pilotbetrieb für zwei Friedhöfe.');
  await page.getByRole('button', { name: 'Nutzung speichern' }).click();
  await page.waitForURL(/gespeichert=1/);
  await assertAccessible(page);
  const countAfter = (await page.request.get(`${BASE}/api/v1/solutions/friedhofsverwaltung`).then((r) => r.json())).reuse_count;
  assert.equal(countAfter, countBefore + 1, 'the reuse count grows by one organisation');
  await page.goto(`${BASE}/loesungen/friedhofsverwaltung`);
  assert.match(await page.locator('main').innerText(), new RegExp(org));

  // Fork into the organisation: the fork names its origin, the origin's tree shows the fork.
  await page.goto(`${BASE}/loesungen/friedhofsverwaltung/nachnutzen`);
  await page.getByRole('button', { name: 'Fork anlegen' }).click();
  await page.waitForURL(/\/loesungen\/friedhofsverwaltung-[0-9]+\?gespeichert=1/);
  const forkUrl = page.url().replace(/\?.*$/, '');
  assert.match(await page.locator('main').innerText(), new RegExp(`${name}`));
  await page.goto(`${forkUrl}/nachnutzen`);
  const tree = await page.locator('.lineage-list').first().innerText();
  assert.ok(tree.includes(name) && tree.includes(org), `tree: ${tree}`);
  assert.equal(await page.locator('svg.lineage-graph circle').count() >= 2, true);
  await assertAccessible(page);
  await page.goto(`${BASE}/loesungen/friedhofsverwaltung/nachnutzen`);
  assert.match(await page.locator('.lineage-list').first().innerText(), new RegExp(org));
  assert.deepEqual(errors, [], 'no page errors');
});

test('check a payload against a data model', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${BASE}/datenmodelle`);
  await page.locator('main a[href^="/datenmodelle/"]').first().click();
  await page.getByRole('link', { name: 'Daten gegen das Schema prüfen' }).click();
  await page.waitForURL(/\/pruefen$/);
  await assertAccessible(page);
  await page.getByLabel('Datensatz (JSON)').fill('{"gibt_es_nicht": true');
  await page.getByRole('button', { name: 'Prüfen' }).click();
  await page.getByText(/Kein gültiges JSON/).waitFor();
  await page.getByLabel('Datensatz (JSON)').fill('[]');
  await page.getByRole('button', { name: 'Prüfen' }).click();
  await page.getByText(/passen nicht zum Schema/).waitFor();
  assert.ok(await page.locator('.validation-errors code').count() >= 1, 'each error has its path');
  await assertAccessible(page);
  const unexpected = errors.filter((e) => !/status of 422/.test(e));
  assert.deepEqual(unexpected, [], 'no page errors');
});

test('the reuse picture: rankings, a chart with a table, newest facts', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${BASE}/`);
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Nachnutzung' }).click();
  await page.waitForURL(/\/nachnutzung$/);
  assert.equal(await page.locator('svg.stats-chart rect').count() > 0, true, 'the chart has bars');
  assert.ok(await page.getByRole('table', { name: 'Nachnutzung nach Bundesland' }).isVisible(), 'a table alternative');
  assert.ok(await page.getByRole('table', { name: 'Meistgenutzte Lösungen' }).locator('tbody tr').count() > 0);
  await assertAccessible(page);
  assert.deepEqual(errors, [], 'no page errors');
});
