// Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the project's own
// fixtures: examples/, tests/golden/records/, tests/readers/malformed/, tests/cds/fixtures/, a few
// rows of the DTSDHCC file (data/dtsdhcc) and JWTs shaped like those of the
// JWT tests. Deterministic: the same fixtures give the same files. At most 40 files per target.
// Run through fuzz/make_corpus.sh.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'fuzz', 'corpus');
const MAX = 40;

const read = (p) => fs.readFileSync(path.join(root, p));
const list = (dir, re = /\.json$/) =>
  fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`) : [];
const isBundle = (p) => { try { return JSON.parse(read(p)).resourceType === 'Bundle'; } catch { return false; } };
// Every k-th element so that a long list is sampled across its whole range.
const spread = (xs, n) => (xs.length <= n ? xs : Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]));

const corpora = {};
const seen = {};
const add = (target, name, bytes) => {
  const key = Buffer.from(bytes).toString('base64');
  if ((seen[target] ??= new Set()).has(key)) return;  // the same bytes once
  seen[target].add(key);
  (corpora[target] ??= new Map()).set(name.replace(/[^A-Za-z0-9._-]/g, '_'), Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
};

// ---- records -------------------------------------------------------------------------------
const natives = [...list('examples'), ...list('tests/golden/records')].filter((p) => !isBundle(p));
const bundles = [...list('examples/fhir'), ...list('tests/golden/records').filter(isBundle), ...list('tests/cds/fixtures')];
const malformed = list('tests/readers/malformed');

for (const p of [...natives.slice(0, 3), ...spread(natives.slice(3), 12), ...spread(malformed, 25)])
  add('native_json_fuzz', path.basename(p), read(p));
// Minified (smaller seeds run faster), except the example as written.
const mini = (p) => (p.startsWith('examples/') ? read(p) : JSON.stringify(JSON.parse(read(p))));
for (const p of spread(bundles, 30)) add('fhir_bundle_fuzz', path.basename(p), mini(p));
const pt = { resourceType: 'Patient', id: 'p1', birthDate: '1950-02-03' };
const alb = { resourceType: 'Observation', id: 'a1', status: 'final', subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code: '1751-7' }] }, effectiveDateTime: '2024-01-02T08:00:00+01:00',
  valueQuantity: { value: 35, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' } };
const bundle = (...rs) => JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: rs.map((r) => ({ fullUrl: `urn:uuid:${r.id ?? 'x'}`, resource: r })) });
add('fhir_bundle_fuzz', 'small-patient-albumin.json', bundle(pt, alb));
add('fhir_bundle_fuzz', 'small-unknown-resources.json', bundle(pt, { resourceType: 'Practitioner', id: 'd' }, { resourceType: 'Observation', id: 'hr', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, valueQuantity: { value: 70 } }));
add('fhir_bundle_fuzz', 'small-same-id-twice.json', bundle(pt, alb, { ...alb, valueQuantity: { value: 30, unit: 'g/L' } }));
add('fhir_bundle_fuzz', 'small-comparator-partial-date.json', bundle(pt, { ...alb, effectiveDateTime: '2024-01', valueQuantity: { value: 35, comparator: '<', unit: 'g/L' } }));
add('fhir_bundle_fuzz', 'small-not-a-bundle.json', JSON.stringify(pt));
// evaluate_fuzz: two bytes of as-of shift (little endian), then the record.
const shifts = [0, -30, 90, -400];
[...natives.slice(0, 3), ...spread(natives.slice(3), 17), ...spread(bundles, 16)].forEach((p, i) => {
  const s = Buffer.alloc(2);
  s.writeInt16LE(shifts[i % shifts.length]);
  add('evaluate_fuzz', path.basename(p), Buffer.concat([s, Buffer.from(isBundle(p) ? mini(p) : read(p))]));
});

// ---- FHIR Bulk NDJSON ------------------------------------------------------------------------
const example = JSON.parse(read('examples/fhir/01-responding-patient.bundle.json'));
const resources = example.entry.map((e) => e.resource);
const seenKinds = new Set();
for (const r of resources) {
  // One line per kind of resource (type and first code), as a Bulk export writes it.
  const kind = `${r.resourceType}-${r.code?.coding?.[0]?.code ?? r.medicationCodeableConcept?.coding?.[0]?.code ?? ''}`;
  if (seenKinds.has(kind)) continue;
  seenKinds.add(kind);
  add('ndjson_line_fuzz', `line-${kind}.ndjson`, JSON.stringify(r) + '\n');
}
const patientLines = (b) => b.entry.map((e) => JSON.stringify(e.resource)).join('\n') + '\n';
add('ndjson_line_fuzz', 'patient-01-whole.ndjson', patientLines(example));
for (const p of spread(bundles.slice(1), 4)) add('ndjson_line_fuzz', `patient-${path.basename(p, '.json')}.ndjson`, patientLines(JSON.parse(read(p))));
add('ndjson_line_fuzz', 'invalid-lines.ndjson',
  '\uFEFF{"resourceType":"Patient","id":"p1"}\r\n\n{"resourceType":"Observation"}\n[1,2]\n{"resourceType":"Observation","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"1751-7"}]},"effectiveDateTime":"2024-01-02","valueQuantity":{"value":3.5,"unit":"g/dL"}}\n{not json\n');
add('ndjson_line_fuzz', 'unknown-resources.ndjson',
  '{"resourceType":"Practitioner","id":"x"}\n{"resourceType":"Observation","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"valueQuantity":{"value":70}}\n');

// ---- CSV, profile dtsdhcc -------------------------------------------------------------------------
const header = '"ID","Date","Age","Amount.of.Hepatic.Lesions","Largest.Diameter.of.Hepatic.Lesions","New.Lesion","Vascular.Invasion","Local.Lymph.Node.Metastasis","Distant.Metastasis","Child_pugh_score","AFP","TargetedTherapy","Embolization","Resection","Status_of_death","OStime_day"';
const dtsdhcc = path.join(root, 'data', 'dtsdhcc', 'dtsdhcc.csv');
let rows = [];
if (fs.existsSync(dtsdhcc)) rows = fs.readFileSync(dtsdhcc, 'utf8').split('\n').slice(1).filter((l) => l.trim());
else if (fs.existsSync(path.join(out, 'csv_dtsdhcc_fuzz', 'dtsdhcc-rows-0.csv')))
  rows = fs.readFileSync(path.join(out, 'csv_dtsdhcc_fuzz', 'dtsdhcc-rows-0.csv'), 'utf8').split('\n').slice(1).filter((l) => l.trim());
// Whole patients: all rows of a few IDs taken across the file.
const byId = new Map();
for (const r of rows) { const id = r.split(',')[0]; (byId.get(id) ?? byId.set(id, []).get(id)).push(r); }
const ids = spread([...byId.keys()], 24);
for (let i = 0; i < ids.length; i += 3)
  add('csv_dtsdhcc_fuzz', `dtsdhcc-rows-${i / 3}.csv`, [header, ...ids.slice(i, i + 3).flatMap((id) => byId.get(id))].join('\n') + '\n');
const testHeader = '"AFP","ID","Date","Age","Amount.of.Hepatic.Lesions","Largest.Diameter.of.Hepatic.Lesions","New.Lesion","Vascular.Invasion","Local.Lymph.Node.Metastasis","Distant.Metastasis","Child_pugh_score","TargetedTherapy","Embolization","Resection","Status_of_death","OStime_day"';
add('csv_dtsdhcc_fuzz', 'test-small.csv', testHeader + '\n12,1,2020-01-01,60,2,30,0,0,0,0,5,0,1,0,0,400\n12,1,2020-01-01,60,2,30,0,0,0,0,5,0,1,0,0,400\n' +
  '15,1,2020-02-15,60,2,25,0,1,0,0,6,0,0,0,0,355\n9,2,2020-03-01,70,1,20,0,0,0,0,5,0,1,0,1,10\n9,2,2020-04-01,70,1,20,0,0,0,0,abc,0,0,0,1,0\n' +
  '9,,2020-04-01,70,1,20,0,0,0,0,5,0,0,0,1,0\n9,3,2020-04-01,70,1,20\n');
add('csv_dtsdhcc_fuzz', 'bom-crlf-quoted-na.csv', '\uFEFF' + header + '\r\n"p ""1""",2021-05-05,NA,4,NA,1,1,1,0,NA,NA,1,1,1,0,"30"\r\n"p ""1""",2021-06-05,70,0,10,0,0,0,0,7,12.5,0,0,0,1,0\r\n');
add('csv_dtsdhcc_fuzz', 'header-only.csv', header + '\n');
add('csv_dtsdhcc_fuzz', 'header-missing-columns.csv', '"ID","Date"\n1,2020-01-01\n');

// ---- CDS Hooks requests ---------------------------------------------------------------------------
// As tests/server/cds_test_support.h builds them: the Bundle's resources as searchset prefetch.
const searchset = (list) => (list.length ? { resourceType: 'Bundle', type: 'searchset', total: list.length, entry: list.map((r) => ({ resource: r, search: { mode: 'match' } })) } : null);
const hookRequest = (bundle, { hook = 'patient-view', omit = '', fhirServer = '' } = {}) => {
  const rs = bundle.entry.map((e) => e.resource);
  const patient = rs.find((r) => r.resourceType === 'Patient') ?? null;
  const pid = patient?.id ?? 'p1';
  const of = (t) => rs.filter((r) => r.resourceType === t);
  const prefetch = { patient, observations: searchset(of('Observation')), conditions: searchset(of('Condition')),
    procedures: searchset(of('Procedure')), medications: searchset(of('MedicationStatement')),
    medicationRequests: searchset(of('MedicationRequest')), medicationAdministrations: searchset(of('MedicationAdministration')) };
  if (omit) delete prefetch[omit];
  const req = { hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', hook, fhirServer: fhirServer || undefined,
    fhirAuthorization: fhirServer ? { access_token: 'abc', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'app' } : undefined,
    context: { userId: 'Practitioner/1', patientId: pid }, prefetch };
  if (hook === 'order-sign') req.context.draftOrders = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: {
    resourceType: 'ServiceRequest', id: 'tace-1', status: 'draft', intent: 'order', subject: { reference: `Patient/${pid}` },
    code: { coding: [{ system: 'urn:switchpoint:hcc', code: 'tace' }] } } }] };
  return JSON.stringify(req);
};
const cdsBundles = [...list('tests/cds/fixtures'), 'examples/fhir/01-responding-patient.bundle.json', ...spread(list('tests/golden/records').filter(isBundle), 8)];
cdsBundles.forEach((p, i) => {
  const b = JSON.parse(read(p));
  const name = path.basename(p, '.json');
  add('cds_request_fuzz', `patient-view-${name}.json`, Buffer.concat([Buffer.from([0]), Buffer.from(hookRequest(b))]));
  if (i % 2 === 0) add('cds_request_fuzz', `order-sign-${name}.json`, Buffer.concat([Buffer.from([1]), Buffer.from(hookRequest(b, { hook: 'order-sign' }))]));
});
{
  const b = JSON.parse(read('examples/fhir/01-responding-patient.bundle.json'));
  const page = JSON.stringify(searchset(b.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation')));
  // Selector 0x80: after the NUL byte, what the stub FHIR server answers.
  add('cds_request_fuzz', 'fetch-observations.json', Buffer.concat([Buffer.from([0x80]),
    Buffer.from(hookRequest(b, { omit: 'observations', fhirServer: 'https://ehr.example.org/fhir' })), Buffer.from([0]), Buffer.from(page)]));
  add('cds_request_fuzz', 'missing-prefetch-412.json', Buffer.concat([Buffer.from([0]), Buffer.from(hookRequest(b, { omit: 'conditions' }))]));
}
add('cds_request_fuzz', 'feedback.json', Buffer.concat([Buffer.from([2]), Buffer.from(JSON.stringify({ feedback: [
  { card: '3b9b1a8e-6d1c-5a0e-9d5e-1b2c3d4e5f60', outcome: 'accepted', acceptedSuggestions: [{ id: '4b9b1a8e-6d1c-5a0e-9d5e-1b2c3d4e5f60' }], outcomeTimestamp: '2024-01-01T00:00:00Z' },
  { card: '5b9b1a8e-6d1c-5a0e-9d5e-1b2c3d4e5f60', outcome: 'overridden', overrideReason: { reason: { system: 'urn:switchpoint:override', code: 'tumour-board-decision', display: 'x' }, userComment: 'c' }, outcomeTimestamp: '2024-01-01T00:00:00Z' }] }))]));
add('cds_request_fuzz', 'not-json.json', Buffer.from([0, 0x7b, 0x22]));

// ---- JWTs -------------------------------------------------------------------------------------------
const b64 = (s) => Buffer.from(s).toString('base64url');
const NOW = 1700000000;
const AUD = 'https://cds.example.org/cds-services/switchpoint-patient-view';
const claims = (o = {}) => JSON.stringify({ iss: 'https://ehr-a.example.org', aud: AUD, exp: NOW + 300, iat: NOW - 5, jti: 'jti-1', ...o });
const hdr = (o = {}) => JSON.stringify({ alg: 'ES384', typ: 'JWT', kid: 'ec-1', ...o });
const mode = (m, s) => Buffer.concat([Buffer.from([m]), Buffer.from(s)]);
// Mode 1 / 2: header and payload, signed by the harness.
add('jwt_fuzz', 'es384-valid', mode(1, `${hdr()}\n${claims()}`));
add('jwt_fuzz', 'rs384-valid', mode(2, `${hdr({ alg: 'RS384', kid: 'rsa-1' })}\n${claims({ jti: 'jti-2' })}`));
add('jwt_fuzz', 'es384-issuer-b-jku', mode(1, `${hdr({ jku: 'https://ehr-b.example.org/jwks.json' })}\n${claims({ iss: 'https://ehr-b.example.org', sub: 'ehr-b-client' })}`));
add('jwt_fuzz', 'es384-issuer-b-no-jku', mode(1, `${hdr()}\n${claims({ iss: 'https://ehr-b.example.org', sub: 'ehr-b-client', aud: [AUD, 'x'] })}`));
add('jwt_fuzz', 'es384-expired', mode(1, `${hdr()}\n${claims({ exp: NOW - 100, iat: NOW - 400 })}`));
add('jwt_fuzz', 'es384-future-iat-nbf', mode(1, `${hdr()}\n${claims({ iat: NOW + 100, nbf: NOW + 100 })}`));
add('jwt_fuzz', 'es384-long-lifetime', mode(1, `${hdr()}\n${claims({ exp: NOW + 86400 })}`));
add('jwt_fuzz', 'es384-fractional-times', mode(1, `${hdr()}\n${claims({ exp: NOW + 300.75, iat: NOW - 5.5 })}`));
add('jwt_fuzz', 'es384-wrong-aud', mode(1, `${hdr()}\n${claims({ aud: 'https://cds.example.org/other' })}`));
add('jwt_fuzz', 'alg-confusion', mode(2, `${hdr({ alg: 'ES384', kid: 'rsa-1' })}\n${claims()}`));
add('jwt_fuzz', 'crit', mode(1, `${hdr({ crit: ['exp'] })}\n${claims()}`));
add('jwt_fuzz', 'duplicate-alg', mode(1, `{"alg":"ES384","alg":"none","typ":"JWT","kid":"ec-1"}\n${claims()}`));
// Mode 0: the token as sent (these signatures do not verify).
const sig96 = b64('\x01'.repeat(96));
add('jwt_fuzz', 'token-es384-bad-sig', mode(0, `${b64(hdr())}.${b64(claims())}.${sig96}`));
add('jwt_fuzz', 'token-alg-none', mode(0, `${b64('{"alg":"none","typ":"JWT"}')}.${b64(claims())}.`));
add('jwt_fuzz', 'token-hs256', mode(0, `${b64(hdr({ alg: 'HS256' }))}.${b64(claims())}.${b64('x'.repeat(32))}`));
add('jwt_fuzz', 'token-padding', mode(0, `${b64(hdr())}=.${b64(claims())}.AAAA`));
add('jwt_fuzz', 'token-four-parts', mode(0, 'a.b.c.d'));
add('jwt_fuzz', 'token-claims-types', mode(0, `${b64(hdr())}.${b64('{"iss":1,"aud":[1],"exp":"2","iat":null,"jti":""}')}.${sig96}`));
// Mode 3: JWK Sets.
add('jwt_fuzz', 'jwks-skipped-keys', mode(3, '{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"AA","y":"AA"},{"kty":"RSA","use":"enc","kid":"b","n":"AQAB","e":"AQAB"},{"kty":"oct","kid":"c","k":"AAAA"},{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}]}'));
add('jwt_fuzz', 'jwks-private', mode(3, '{"keys":[{"kty":"EC","crv":"P-384","kid":"x","x":"AA","y":"AA","d":"AA"}]}'));
add('jwt_fuzz', 'jwks-off-curve', mode(3, `{"keys":[{"kty":"EC","crv":"P-384","kid":"x","x":"${b64('\x01'.repeat(48))}","y":"${b64('\x02'.repeat(48))}"}]}`));
add('jwt_fuzz', 'jwks-rsa-small', mode(3, `{"keys":[{"kty":"RSA","kid":"r","n":"${b64('\xc1'.repeat(64))}","e":"AQAB","key_ops":["verify"]}]}`));

// ---- write ----------------------------------------------------------------------------------------
let total = 0;
for (const [target, files] of Object.entries(corpora)) {
  if (files.size > MAX) throw new Error(`${target}: ${files.size} seeds, more than ${MAX}`);
  const dir = path.join(out, target);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let bytes = 0;
  for (const [name, data] of files) {
    fs.writeFileSync(path.join(dir, name), data);
    bytes += data.length;
  }
  if (bytes > 1 << 20) throw new Error(`${target}: ${bytes} bytes of seeds, more than 1 MB`);
  console.log(`${target}: ${files.size} seeds, ${bytes} bytes`);
  total += bytes;
}
console.log(`total ${total} bytes`);
