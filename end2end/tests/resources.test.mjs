// Resource budgets against the real server process: hostile inputs that used to cost
// gigabytes or seconds of CPU (YAML alias chains, deeply nested Markdown, a catastrophic
// `pattern` in a data model, bodies over the limit) are each answered within a fixed budget,
// several at once, while /healthz keeps answering quickly in parallel. No page is opened in
// a browser here, so there is nothing for axe-core to check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BASE } from '../lib/browser.mjs';

/** Longest a hostile request may take (the server under test is a debug build). */
const BUDGET_MS = 15_000;
/** Longest /healthz may take while they run. */
const HEALTH_BUDGET_MS = 1_500;
const PASSWORD = 'ein langer satz als passwort';

/** Sends a request with this site as origin (the CSRF check wants one) and no redirects. */
async function send(path, { method = 'GET', body, type, cookie, accept } = {}) {
  const headers = { Origin: BASE };
  if (type) headers['Content-Type'] = type;
  if (cookie) headers.Cookie = cookie;
  if (accept) headers.Accept = accept;
  const started = performance.now();
  const response = await fetch(`${BASE}${path}`, { method, body, headers, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, ms: performance.now() - started };
}

const form = (pairs) => new URLSearchParams(pairs).toString();
const FORM = 'application/x-www-form-urlencoded';

/** A member of a new organisation: the session cookie and the organisation's slug. */
async function member() {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const email = `budget.${stamp}@beispielhausen.example`;
  await send('/registrieren', {
    method: 'POST', type: FORM,
    body: form({ name: 'Budget Prüferin', email, password: PASSWORD, password_repeat: PASSWORD }),
  });
  const login = await send('/anmelden', { method: 'POST', type: FORM, body: form({ email, password: PASSWORD }) });
  assert.equal(login.status, 303, `login: ${login.status} ${login.text.slice(0, 200)}`);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const org = await send('/organisationen/neu', {
    method: 'POST', type: FORM, cookie,
    body: form({ name: `Budgetamt ${stamp.slice(-6)}`, kind: 'stadt', bundesland: 'BW', ags: '', website: '' }),
  });
  assert.equal(org.status, 303, `organisation: ${org.status}`);
  const slug = org.headers.get('location').replace('/organisationen/', '').split('/')[0];
  return { cookie, slug };
}

/** A YAML alias chain: each level references the one before ten times. */
function aliasChain() {
  let yaml = `a0: &a0 "${'x'.repeat(8_000)}"\n`;
  for (let i = 1; i < 9; i += 1) yaml += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  return yaml;
}

test('hostile inputs are answered within a budget while /healthz stays fast', async () => {
  const { cookie, slug: organisation } = await member();
  const schema = JSON.stringify({
    type: 'object',
    properties: { s: { type: 'string', pattern: '^(a+)+$' }, t: { type: 'string', pattern: '(x+x+)+y' } },
  });
  const model = await send('/datenmodelle/neu', {
    method: 'POST', type: FORM, cookie,
    body: form({
      organisation, name: `Muster ${Date.now()}`, short_description: 'Ein Datenmodell mit einem gefährlichen Muster',
      description: '', domain: 'verwaltung', json_schema: schema, examples: '', version: '1.0.0', licence: 'CC-BY-4.0',
      change_message: '',
    }),
  });
  assert.equal(model.status, 303, `data model: ${model.status} ${model.text.slice(0, 300)}`);
  const modelSlug = model.headers.get('location').replace('/datenmodelle/', '').split(/[/?]/)[0];
  const evilPayload = JSON.stringify({ s: `${'a'.repeat(60_000)}!`, t: 'x'.repeat(60_000) });

  let running = true;
  let slowestHealth = 0;
  const heartbeat = (async () => {
    while (running) {
      const answer = await send('/healthz');
      assert.equal(answer.status, 200);
      slowestHealth = Math.max(slowestHealth, answer.ms);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();

  const cases = [
    ['YAML alias chain', () => send('/api/v1/publiccode/validate', { method: 'POST', type: 'application/yaml', body: aliasChain() }),
      (a) => { assert.ok(a.status < 500, `${a.status}`); assert.equal(JSON.parse(a.text).valid, false); }],
    ['deeply nested Markdown', () => send('/fn/markdown-preview', { method: 'POST', type: FORM, body: form({ text: '>'.repeat(20_000) }) }),
      (a) => { assert.ok(a.status < 500 || a.text.length < 2_000, `${a.status}`); assert.ok(a.text.length < 300_000, `${a.text.length} bytes`); }],
    ['catastrophic pattern (API)', () => send(`/api/v1/data-models/${modelSlug}/validate`, { method: 'POST', type: 'application/json', body: evilPayload }),
      (a) => { assert.equal(a.status, 200, a.text.slice(0, 300)); assert.equal(JSON.parse(a.text).valid, false); }],
    ['catastrophic pattern (page)', () => send(`/datenmodelle/${modelSlug}/pruefen`, { method: 'POST', type: FORM, body: form({ payload: evilPayload }) }),
      (a) => assert.equal(a.status, 422, `${a.status}`)],
    // Just over the file limit (256 KiB): small enough that the upload is complete before the
    // server answers, so the client reads the 413 instead of a reset connection.
    ['body over the limit', () => send('/api/v1/publiccode/validate', { method: 'POST', type: 'application/yaml', body: 'a: b\n'.repeat(60_000) }),
      (a) => assert.equal(a.status, 413, `${a.status}`)],
  ];
  try {
    const runs = cases.flatMap(([name, run, check]) => [1, 2, 3].map(async () => {
      const answer = await run();
      check(answer);
      assert.ok(answer.ms < BUDGET_MS, `${name}: ${Math.round(answer.ms)} ms, budget ${BUDGET_MS} ms`);
      return [name, answer.ms];
    }));
    const timings = await Promise.all(runs);
    console.log(timings.map(([name, ms]) => `${name}: ${Math.round(ms)} ms`).join('\n'));
  } finally {
    running = false;
    await heartbeat;
  }
  assert.ok(slowestHealth < HEALTH_BUDGET_MS, `/healthz took ${Math.round(slowestHealth)} ms while the checks ran`);
});
