// Shared set-up for browser tests that need a logged-in member of an organisation.

import { BASE } from './browser.mjs';

/** The password every test account uses. */
export const PASSWORD = 'ein langer satz als passwort';

/**
 * Registers a new person and creates an organisation for them (kind `kind`, named
 * `${organisation} <6 digits>`). Returns the organisation's name and the unique stamp.
 */
export async function registerWithOrganisation(page, { person, organisation, kind }) {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  await page.goto(`${BASE}/registrieren`);
  await page.getByLabel('Ihr Name').fill(person);
  const email = `${person.split(' ')[0].toLowerCase()}.${stamp}@beispielhausen.example`;
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Passwort wiederholen').fill(PASSWORD);
  await page.getByRole('button', { name: 'Konto anlegen' }).click();
  // Registration answers the same for new and known addresses: log in next.
  await page.waitForURL(/\/anmelden\?registriert=1/);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).last().click();
  await page.waitForURL(/\/konto/);
  await page.goto(`${BASE}/organisationen/neu`);
  const org = `${organisation} ${stamp.slice(-6)}`;
  await page.getByLabel('Name der Organisation').fill(org);
  await page.getByLabel('Art der Organisation').selectOption(kind);
  await page.getByRole('button', { name: 'Organisation anlegen' }).click();
  await page.waitForURL(/\/mitglieder/);
  return { org, stamp };
}
