// Cards as an EHR receives them, checked independently of the service's code: the 3.0-ballot
// FHIRPath invariants (npm fhirpath 5.2.0) and element rules on every card, requests signed with
// ES384 by an EHR written with npm jose.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ehr, fixture, hookRequest, post } from '../lib/ehr.mjs';
import { invariantViolations, nullOrEmpty, structureViolations } from '../lib/invariants.mjs';
import { startServer, tempDir } from '../lib/server.mjs';

const NOTICE = 'Decision support for clinicians, not a substitute for clinical judgement.';
const FIXTURES = {
  'jsh-1a-met.bundle.json': { verdict: 'switch', orderIndicator: 'critical' },
  'nr-responding.bundle.json': { verdict: 'proceed', orderIndicator: 'info' },
  'untreated-child-pugh-c.bundle.json': { verdict: 'best supportive care', orderIndicator: 'critical' },
  'therapy-alert6-regorafenib-after-intolerance.bundle.json': { verdict: 'switch', orderIndicator: 'critical' },
};

let server;
let ehr;
let checked = 0;

before(async () => {
  ehr = await Ehr.create();
  const dir = tempDir();
  writeFileSync(join(dir, 'ehr-jwks.json'), JSON.stringify(ehr.jwks()));
  server = await startServer({ config: { issuers: [{ iss: ehr.iss, jwks_file: join(dir, 'ehr-jwks.json') }] } });
});
after(async () => {
  await server?.stop();
  console.log(`# FHIRPath invariants evaluated: ${checked}`);
});

async function call(service, body) {
  const url = `${server.base}/cds-services/${service}`;
  return post(url, body, await ehr.token(url));
}

function checkCard(card) {
  const { violations, evaluated } = invariantViolations(card);
  checked += evaluated;
  assert.deepEqual(violations, [], `invariants: ${card.summary}`);
  assert.deepEqual(structureViolations(card), [], `structure: ${card.summary}`);
  assert.deepEqual(nullOrEmpty(card), [], `null or empty: ${card.summary}`);
  assert.ok(card.detail.includes(NOTICE.replace('.', '')) || card.detail.includes(NOTICE), `notice on: ${card.summary}`);
}

test('discovery lists both services with their hooks and prefetch templates', async () => {
  const url = `${server.base}/cds-services`;
  const res = await fetch(url, { headers: { Authorization: `Bearer ${await ehr.token(url)}` } });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(nullOrEmpty(body), []);
  const byId = Object.fromEntries(body.services.map((s) => [s.id, s]));
  assert.equal(byId['switchpoint-patient-view'].hook, 'patient-view');
  assert.equal(byId['switchpoint-tace-order'].hook, 'order-sign');
  for (const s of body.services) {
    assert.equal(s.prefetch.patient, 'Patient/{{context.patientId}}');
    // Observations by code; the patient's Conditions, Procedures and medications whole (a code
    // filter cannot express the families the reader reads, nor reach a referenced Medication).
    assert.match(s.prefetch.observations, /^Observation\?patient=\{\{context\.patientId\}\}&code=/);
    for (const k of ['conditions', 'procedures'])
      assert.match(s.prefetch[k], /^[A-Za-z]+\?patient=\{\{context\.patientId\}\}&_count=200$/);
    for (const [k, type] of [
      ['medications', 'MedicationStatement'],
      ['medicationRequests', 'MedicationRequest'],
      ['medicationAdministrations', 'MedicationAdministration'],
    ])
      assert.equal(s.prefetch[k], `${type}?patient={{context.patientId}}&_include=${type}:medication&_count=200`);
  }
});

for (const [name, expected] of Object.entries(FIXTURES)) {
  test(`patient-view cards for ${name} pass every invariant`, async () => {
    const res = await call('switchpoint-patient-view', hookRequest(fixture(name)));
    assert.equal(res.status, 200, res.text);
    const { cards } = res.json();
    assert.ok(cards.length >= 3);
    for (const card of cards) checkCard(card);
    assert.match(cards[0].summary, new RegExp(`TACE checkpoint: ${expected.verdict}`));
    assert.equal(new Set(cards.map((c) => c.uuid)).size, cards.length, 'uuids are unique');
    // The report link works in a browser context: no JWT, the link itself is the capability.
    const report = cards[0].links.find((l) => l.type === 'absolute');
    assert.ok(report.url.startsWith(`${server.base}/report/`));
    const page = await fetch(report.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.ok(cards[0].links.some((l) => l.type === 'smart'));
  });

  test(`order-sign with a TACE draft order for ${name}: one "stop and think" card, ${expected.orderIndicator}`, async () => {
    const res = await call('switchpoint-tace-order', hookRequest(fixture(name), { hook: 'order-sign' }));
    assert.equal(res.status, 200, res.text);
    const { cards } = res.json();
    assert.equal(cards.length, 1);
    checkCard(cards[0]);
    // The fixtures are from 2024: on the day of the request their data are far more than 30 days old, so
    // the card says so first (P-data-age) and a "proceed" is never an untroubled "info".
    assert.match(cards[0].summary, /^Data \d+ days old — /);
    assert.match(cards[0].detail, /\*\*Warning:\*\* old data: the latest entry is from \d{4}-\d{2}-\d{2}, \d+ days before today/);
    assert.equal(cards[0].indicator, expected.orderIndicator === 'info' ? 'warning' : expected.orderIndicator);
    if (expected.orderIndicator === 'critical') {
      const cancel = cards[0].suggestions.find((s) => s.actions.some((a) => a.type === 'delete'));
      assert.equal(cancel.actions[0].resourceId, 'ServiceRequest/draft-tace-1');
    }
  });
}

test('the endoscopy that bevacizumab needs is offered as a ServiceRequest to create', async () => {
  const res = await call('switchpoint-patient-view', hookRequest(fixture('jsh-1a-met.bundle.json')));
  const plan = res.json().cards.find((c) => c.source.topic.code === 'systemic-therapy-plan');
  const action = plan.suggestions[0].actions[0];
  assert.equal(action.type, 'create');
  assert.equal(action.resource.resourceType, 'ServiceRequest');
  assert.equal(action.resource.status, 'draft');
  assert.ok(action.resource.code.coding.some((c) => c.system === 'http://snomed.info/sct' && c.code === '76009000'));
  assert.equal(action.resource.subject.reference, 'Patient/golden-jsh-1a-met');
});

test('order-sign without a TACE among the draft orders: no card', async () => {
  const res = await call('switchpoint-tace-order', hookRequest(fixture('jsh-1a-met.bundle.json'), { hook: 'order-sign', taceOrder: false }));
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { cards: [] });
});

test('prefetch incomplete and no FHIR server to fetch from: 412', async () => {
  const res = await call('switchpoint-patient-view', hookRequest(fixture('jsh-1a-met.bundle.json'), { omit: ['observations'] }));
  assert.equal(res.status, 412);
});

test('feedback on a card and its suggestion is accepted', async () => {
  const res = await call('switchpoint-patient-view', hookRequest(fixture('jsh-1a-met.bundle.json')));
  const plan = res.json().cards.find((c) => c.suggestions);
  const url = `${server.base}/cds-services/switchpoint-patient-view/feedback`;
  const fb = await post(
    url,
    { feedback: [{ card: plan.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: plan.suggestions[0].uuid }], outcomeTimestamp: new Date().toISOString() }] },
    await ehr.token(url),
  );
  assert.equal(fb.status, 200, fb.text);
});

test('the invariant checker is not vacuous: a broken card fails it', () => {
  const broken = {
    summary: 'x'.repeat(140),
    indicator: 'hard-stop',
    source: { label: '' },
    suggestions: [
      { label: 'a', isRecommended: true, actions: [{ type: 'delete', resource: { resourceType: 'ServiceRequest' } }] },
      { label: 'b', isRecommended: true, actionSelectionBehavior: 'some' },
    ],
    overrideReasons: [{ code: 'x' }],
    links: [{ label: 'l', url: 'https://x', type: 'absolute', appContext: 'y' }],
  };
  const { violations } = invariantViolations(broken);
  for (const key of ['cds-resp-6', 'cds-resp-5', 'cds-resp-7', 'cds-resp-2', 'cds-resp-4', 'cds-resp-3'])
    assert.ok(violations.some((v) => v.startsWith(key)), `${key} caught: ${violations}`);
  assert.ok(invariantViolations({ ...broken, selectionBehavior: 'at-most-one' }).violations.some((v) => v.startsWith('cds-resp-1')));
  const structure = structureViolations(broken);
  assert.ok(structure.some((v) => v.includes('140')));
  assert.ok(structure.some((v) => v.includes('indicator')));
});
