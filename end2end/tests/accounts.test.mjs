// Accounts: register (fixing a validation error on the way), create an organisation, log
// out, log in and find it again; a form posted from another origin is refused. axe-core on
// every page and form state; no CSP violation (they would show up as console errors).

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { BASE, assertAccessible, launch, openPage } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'ein langer satz als passwort';

test('register, create an organisation, log out, log in and see it', async () => {
  const { page, foreignRequests, errors } = await openPage(browser);
  const email = `anna.${Date.now()}@beispielhausen.example`;
  await page.goto(`${BASE}/`);
  await page.getByRole('link', { name: 'Registrieren' }).click();
  await page.waitForURL(/\/registrieren$/);
  await assertAccessible(page);

  // A too short password: the page comes back with the error beside the field, values kept.
  await page.getByLabel('Ihr Name').fill('Anna Berg');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill('kurz');
  await page.getByLabel('Passwort wiederholen').fill('kurz');
  await page.getByRole('button', { name: 'Konto anlegen' }).click();
  await page.locator('.error-summary').waitFor();
  assert.equal(await page.getByLabel('Ihr Name').inputValue(), 'Anna Berg');
  assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), email);
  const passwordField = page.getByLabel('Passwort', { exact: true });
  assert.equal(await passwordField.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#reg-password-fehler').innerText(), /mindestens 8 Zeichen/);
  await assertAccessible(page);

  await passwordField.fill(PASSWORD);
  await page.getByLabel('Passwort wiederholen').fill(PASSWORD);
  await page.getByRole('button', { name: 'Konto anlegen' }).click();
  // The same answer whether the address is new or known (nothing to learn from it).
  await page.waitForURL(/\/anmelden\?registriert=1/);
  assert.match(await page.locator('.form-notice').innerText(), /E-Mail/);
  await assertAccessible(page);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).last().click();
  await page.waitForURL(/\/konto/);
  assert.match(await page.locator('h1').innerText(), /Mein Konto/);
  await assertAccessible(page);

  // Create an organisation, with a wrong AGS first.
  await page.getByRole('link', { name: 'Organisation anlegen' }).click();
  await page.waitForURL(/\/organisationen\/neu$/);
  const orgName = `Gemeinde Testhausen ${Date.now() % 100000}`;
  await page.getByLabel('Name der Organisation').fill(orgName);
  await page.getByLabel('Art der Organisation').selectOption('gemeinde');
  await page.getByLabel('Bundesland').selectOption('BY');
  await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').fill('08421000');
  await page.getByRole('button', { name: 'Organisation anlegen' }).click();
  await page.locator('#org-ags-fehler').waitFor();
  assert.match(await page.locator('#org-ags-fehler').innerText(), /Bundesland/);
  assert.equal(await page.getByLabel('Name der Organisation').inputValue(), orgName);
  await assertAccessible(page);
  await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').fill('');
  await page.getByRole('button', { name: 'Organisation anlegen' }).click();
  await page.waitForURL(/\/organisationen\/[a-z0-9-]+\/mitglieder/);
  assert.match(await page.locator('h1').innerText(), new RegExp(orgName));
  assert.match(await page.locator('table').innerText(), /Anna Berg/);
  await assertAccessible(page);

  // Log out from the header, log in again.
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL(`${BASE}/?abgemeldet=1`);
  await page.getByRole('link', { name: 'Anmelden' }).click();
  await page.waitForURL(/\/anmelden/);
  await assertAccessible(page);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill('falsches passwort');
  await page.getByRole('button', { name: 'Anmelden' }).last().click();
  await page.getByText('E-Mail-Adresse oder Passwort ist nicht richtig.').waitFor();
  await assertAccessible(page);
  await page.getByLabel('Passwort').fill(PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).last().click();
  await page.waitForURL(/\/konto/);
  await page.getByRole('link', { name: orgName }).click();
  await page.waitForURL(/\/organisationen\/[a-z0-9-]+$/);
  assert.match(await page.locator('h1').innerText(), new RegExp(orgName));
  await assertAccessible(page);

  assert.deepEqual(foreignRequests, [], 'nothing is loaded from other origins');
  // Pages answered 422 on purpose (validation errors) show up as "failed to load"; nothing else may.
  const unexpected = errors.filter((e) => !/status of 422/.test(e));
  assert.deepEqual(unexpected, [], 'no page errors and no CSP violations');
});

test('a form posted from another origin is refused', async () => {
  // A page on another port of 127.0.0.1 (same site, other origin) that posts to Allmende.
  const foreign = http.createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="de"><title>Fremd</title>
      <form method="post" action="${BASE}/anmelden">
        <input name="email" value="anna@beispielhausen.example"><input name="password" value="x">
        <button type="submit">Senden</button>
      </form>`);
  });
  await new Promise((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  try {
    const { page } = await openPage(browser);
    await page.goto(`http://127.0.0.1:${foreign.address().port}/`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${BASE}/anmelden` && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Senden' }).click(),
    ]);
    assert.equal(response.status(), 403);
    assert.match(await page.locator('body').innerText(), /fremden Website abgelehnt/);
  } finally {
    foreign.close();
  }
});
