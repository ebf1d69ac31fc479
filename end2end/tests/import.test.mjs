// publiccode.yml import: upload a broken file, see the errors with line numbers (each a
// link to its line), fix it, import it, find it in search, download it again. axe-core on
// every state of the page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, assertAccessible, launch, openPage } from '../lib/browser.mjs';
import { registerWithOrganisation } from '../lib/accounts.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function publiccode(stamp, { status = 'stable', category = 'online-booking' } = {}) {
  return `publiccodeYmlVersion: "0"
name: Parkausweis digital ${stamp}
url: "https://gitlab.opencode.de/beispielhausen/parkausweis-${stamp}.git"
platforms:
  - web
categories:
  - ${category}
developmentStatus: ${status}
softwareType: "standalone/web"
description:
  de:
    shortDescription: Bewohnerparkausweise online beantragen und bezahlen
    longDescription: |
      Anwohnerinnen und Anwohner beantragen ihren Parkausweis online, laden die Nachweise
      hoch und bezahlen direkt. Die Straßenverkehrsbehörde prüft den Antrag im selben
      System und stellt den Ausweis digital aus; die Kontrolle liest ihn per Kennzeichen.
    features:
      - Antrag mit Nachweisen
      - Online bezahlen
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Jonas Weber
localisation:
  localisationReady: false
  availableLanguages:
    - de
`;
}

test('import a publiccode.yml: errors with line numbers, fix, import, find it', async () => {
  const { page, errors } = await openPage(browser);
  const { stamp } = await registerWithOrganisation(page, { person: 'Jonas Weber', organisation: 'Stadt Import', kind: 'stadt' });

  await page.goto(`${BASE}/loesungen`);
  await page.getByRole('link', { name: 'publiccode.yml importieren' }).click();
  await page.waitForURL(/\/loesungen\/importieren$/);
  await assertAccessible(page);

  // A broken file, uploaded: an unknown status and category.
  const broken = publiccode(stamp, { status: 'fertig', category: 'parken' });
  await page.getByLabel('Datei hochladen (optional)').setInputFiles({
    name: 'publiccode.yml', mimeType: 'application/yaml', buffer: Buffer.from(broken, 'utf8'),
  });
  await page.getByRole('button', { name: 'Prüfen' }).click();
  await page.getByText(/kann so nicht importiert werden/).waitFor();
  const report = await page.locator('.import-report').innerText();
  assert.match(report, /developmentStatus/);
  assert.match(report, /categories\[0\]/);
  assert.equal(await page.getByLabel('Inhalt der publiccode.yml').inputValue(), broken, 'the uploaded text is kept');
  // Each error links to its line of the file.
  await page.getByRole('link', { name: 'Zeile 8, Spalte 1' }).click();
  await page.waitForURL(/#zeile-8$/);
  assert.match(await page.locator('#zeile-8').innerText(), /developmentStatus: fertig/);
  assert.match(await page.locator('#zeile-8').getAttribute('class'), /yaml-listing__line--error/);
  await assertAccessible(page);

  // Fixed in the text field: valid, with a preview.
  await page.getByLabel('Inhalt der publiccode.yml').fill(publiccode(stamp));
  await page.getByRole('button', { name: 'Prüfen' }).click();
  await page.getByText(/Die Datei ist gültig/).waitFor();
  assert.match(await page.locator('.import-preview').innerText(), new RegExp(`Parkausweis digital ${stamp}`));
  await assertAccessible(page);

  await page.getByRole('button', { name: 'Importieren' }).click();
  await page.waitForURL(/\/loesungen\/parkausweis-digital-[0-9]+\?gespeichert=1$/);
  assert.equal(await page.locator('h1').innerText(), `Parkausweis digital ${stamp}`);
  await assertAccessible(page);
  const slug = new URL(page.url()).pathname.split('/').pop();

  // Findable in search (the index follows within a second).
  let found = false;
  for (let attempt = 0; attempt < 20 && !found; attempt += 1) {
    await page.goto(`${BASE}/suche?q=${encodeURIComponent(`Parkausweis ${stamp}`)}`);
    found = await page.locator(`main a[href="/loesungen/${slug}"]`).count() > 0;
    if (!found) await page.waitForTimeout(250);
  }
  assert.ok(found, 'the imported solution is found');

  // The download gives the file back, valid.
  const exported = await page.request.get(`${BASE}/api/v1/solutions/${slug}/publiccode.yml`);
  assert.equal(exported.status(), 200);
  const check = await page.request.post(`${BASE}/api/v1/publiccode/validate`, { data: await exported.text(), headers: { 'content-type': 'application/yaml' } });
  assert.equal((await check.json()).valid, true);

  const unexpected = errors.filter((e) => !/status of 422/.test(e));
  assert.deepEqual(unexpected, [], 'no page errors');
});
