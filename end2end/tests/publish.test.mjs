// Publishing a solution: the form (a validation error fixed on the way, values kept), the
// entry on its page and in search, editing, comparing two versions, restoring the first;
// and the same publishing flow with JavaScript disabled. axe-core on every form state.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, assertAccessible, launch, openPage } from '../lib/browser.mjs';
import { registerWithOrganisation } from '../lib/accounts.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


/** Runs `step` until it succeeds (at most 10 times). */
async function retry(step) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= 10) throw error;
    }
  }
}

/** Fills the required fields of the solution form. */
async function fillSolution(page, name, short) {
  await page.getByLabel('Name der Lösung').fill(name);
  await page.getByLabel('Kurzbeschreibung', { exact: true }).fill(short);
  await page.getByLabel('Adresse des Quellcodes').fill('https://gitlab.opencode.de/beispiel/melder');
  await page.getByLabel('Entwicklungsstand').selectOption('beta');
  await page.getByLabel('Art der Software').selectOption('standalone/web');
  await page.getByLabel('Art der Pflege').selectOption('internal');
}

test('publish, find, edit, compare and restore a solution', async () => {
  const { page, errors } = await openPage(browser);
  const { stamp } = await registerWithOrganisation(page, { person: 'Petra Mit Skript', organisation: 'Stadt Mit Skript', kind: 'stadt' });
  const name = `Mängelmelder ${stamp.slice(-5)}`;

  await page.goto(`${BASE}/loesungen`);
  await page.getByRole('link', { name: 'Lösung veröffentlichen' }).click();
  await page.waitForURL(/\/loesungen\/neu$/);
  await assertAccessible(page);

  // With JavaScript: a live, sanitised Markdown preview and a live licence verdict. The
  // islands hydrate once the page is idle, so typing is repeated until they answer.
  const description = page.getByLabel('Ausführliche Beschreibung', { exact: true });
  await retry(async () => {
    await description.fill(`## Funktionen\n\n- **Fotos** hochladen <script>alert(1)</script> ${Date.now()}`);
    await page.locator('#loesung-lang-vorschau strong', { hasText: 'Fotos' }).waitFor({ timeout: 1500 });
  });
  assert.equal(await page.locator('#loesung-lang-vorschau script').count(), 0, 'the preview is sanitised');
  const licence = page.getByLabel('Lizenz', { exact: true });
  await retry(async () => {
    await licence.fill('CC-BY-NC-4.0');
    await page.locator('#loesung-lizenz-status').getByText(/Open-Washing/).waitFor({ timeout: 1500 });
  });
  await assertAccessible(page);
  await licence.fill('EUPL-1.2');
  await page.locator('#loesung-lizenz-status').getByText(/Open Source: von der OSI/).waitFor();
  await description.fill('');

  // A too short description: the form comes back with the error, everything else kept.
  await fillSolution(page, name, 'Zu kurz');
  await page.getByLabel('Schlagwörter').fill('Straße, Schäden');
  await page.getByRole('checkbox', { name: 'Digitale Bürgerbeteiligung' }).check();
  await page.getByRole('button', { name: 'Veröffentlichen' }).click();
  await page.locator('#loesung-kurz-fehler').waitFor();
  assert.match(await page.locator('#loesung-kurz-fehler').innerText(), /mindestens 10 Zeichen/);
  assert.equal(await page.getByLabel('Name der Lösung').inputValue(), name);
  assert.equal(await page.getByLabel('Schlagwörter').inputValue(), 'Straße, Schäden');
  assert.ok(await page.getByRole('checkbox', { name: 'Digitale Bürgerbeteiligung' }).isChecked());
  assert.equal(await page.getByLabel('Entwicklungsstand').inputValue(), 'beta');
  await assertAccessible(page);

  const first = 'Schäden im Straßenraum melden, mit Foto und Ort';
  await page.getByLabel('Kurzbeschreibung', { exact: true }).fill(first);
  await page.getByRole('button', { name: 'Veröffentlichen' }).click();
  await page.waitForURL(/\/loesungen\/maengelmelder-[0-9]+\?gespeichert=1/);
  assert.equal(await page.locator('h1').innerText(), name);
  assert.match(await page.locator('main').innerText(), new RegExp(first));
  await assertAccessible(page);
  const entryUrl = page.url().replace(/\?.*$/, '');

  // Found by search (the index follows the database within a moment).
  let found = false;
  for (let i = 0; i < 20 && !found; i++) {
    await page.goto(`${BASE}/suche?q=${encodeURIComponent(name)}`);
    found = (await page.locator('main').innerText()).includes(name);
    if (!found) await page.waitForTimeout(250);
  }
  assert.ok(found, 'the new entry is found by search');

  // Edit: a sharper short description with a change note.
  await page.goto(entryUrl);
  await page.getByRole('link', { name: 'Bearbeiten' }).click();
  await page.waitForURL(/\/bearbeiten$/);
  assert.equal(await page.getByLabel('Kurzbeschreibung', { exact: true }).inputValue(), first);
  await assertAccessible(page);
  const second = 'Straßenschäden mit Foto melden – die Verwaltung sieht sie sofort';
  await page.getByLabel('Kurzbeschreibung', { exact: true }).fill(second);
  await page.getByLabel('Was haben Sie geändert? (optional)').fill('Kurzbeschreibung geschärft');
  await page.getByRole('button', { name: 'Änderungen speichern' }).click();
  await page.waitForURL(/gespeichert=1/);
  assert.match(await page.locator('main').innerText(), new RegExp(second));

  // History and comparison.
  await page.getByRole('link', { name: 'Versionen' }).click();
  await page.waitForURL(/\/versionen$/);
  assert.equal(await page.locator('table tbody tr').count(), 2);
  assert.match(await page.locator('table').innerText(), /Kurzbeschreibung geschärft/);
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Vergleichen' }).click();
  await page.waitForURL(/\/vergleich\?von=1&bis=2/);
  const table = await page.locator('table').innerText();
  assert.match(table, /short_description/);
  assert.ok(table.includes(first) && table.includes(second), 'both versions are shown');
  await assertAccessible(page);

  // Restore the first version: a third version with the old content.
  await page.getByRole('button', { name: /Diese Version wiederherstellen/ }).click();
  await page.waitForURL(/\/versionen\?gespeichert=1/);
  assert.equal(await page.locator('table tbody tr').count(), 3);
  assert.match(await page.locator('table').innerText(), /Wiederhergestellt aus Version 1/);
  await page.goto(entryUrl);
  assert.match(await page.locator('main').innerText(), new RegExp(first));

  const unexpected = errors.filter((e) => !/status of 422/.test(e));
  assert.deepEqual(unexpected, [], 'no page errors');
});

test('publishing works without JavaScript', async () => {
  const { page } = await openPage(browser, { javaScriptEnabled: false });
  const { stamp } = await registerWithOrganisation(page, { person: 'Petra Ohne Skript', organisation: 'Stadt Ohne Skript', kind: 'stadt' });
  const name = `Baumkataster ${stamp.slice(-5)}`;
  await page.goto(`${BASE}/loesungen/neu`);
  await fillSolution(page, name, 'kurz');
  await page.getByRole('button', { name: 'Veröffentlichen' }).click();
  await page.locator('#loesung-kurz-fehler').waitFor();
  assert.equal(await page.getByLabel('Name der Lösung').inputValue(), name);
  // (axe-core needs JavaScript; the same form state is checked in the test above.)
  await page.getByLabel('Kurzbeschreibung', { exact: true }).fill('Alle Stadtbäume mit Zustand und Pflege erfassen');
  await page.getByRole('button', { name: 'Veröffentlichen' }).click();
  await page.waitForURL(/\/loesungen\/baumkataster-[0-9]+/);
  assert.equal(await page.locator('h1').innerText(), name);
});

test('publish a data model: a failing example first, then a passing one', async () => {
  const { page, errors } = await openPage(browser);
  const { stamp } = await registerWithOrganisation(page, { person: 'Petra Modelle', organisation: 'Stadt Modelle', kind: 'stadt' });
  const name = `Baumkataster ${stamp.slice(-5)}`;
  await page.goto(`${BASE}/datenmodelle`);
  await page.getByRole('link', { name: 'Datenmodell veröffentlichen' }).click();
  await page.waitForURL(/\/datenmodelle\/neu$/);
  await assertAccessible(page);
  const schema = JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { art: { type: 'string' }, hoehe_m: { type: 'number', minimum: 0 } },
    required: ['art'],
  }, null, 2);
  await page.getByLabel('Name des Datenmodells').fill(name);
  await page.getByLabel('Kurzbeschreibung', { exact: true }).fill('Bäume einer Stadt mit Art, Höhe und Zustand');
  await page.getByLabel('Themenbereich').selectOption('umwelt');
  await page.getByLabel('JSON Schema').fill(schema);
  await page.getByLabel('Beispiele (optional)').fill('[{"art": "Linde", "hoehe_m": -4}]');
  await page.getByRole('button', { name: 'Veröffentlichen' }).click();
  await page.locator('#modell-beispiele-fehler').waitFor();
  assert.match(await page.locator('#modell-beispiele-fehler').innerText(), /Beispiel 1 passt nicht zum Schema.*hoehe_m/);
  assert.equal(await page.getByLabel('JSON Schema').inputValue(), schema, 'the schema is kept as typed');
  await assertAccessible(page);
  await page.getByLabel('Beispiele (optional)').fill('[{"art": "Linde", "hoehe_m": 14}]');
  await page.getByRole('button', { name: 'Veröffentlichen' }).click();
  await page.waitForURL(/\/datenmodelle\/baumkataster-[0-9]+\?gespeichert=1/);
  assert.equal(await page.locator('h1').innerText(), name);
  assert.match(await page.locator('main').innerText(), /hoehe_m/);
  await assertAccessible(page);
  const unexpected = errors.filter((e) => !/status of 422/.test(e));
  assert.deepEqual(unexpected, [], 'no page errors');
});
