// Makes the load for bench/cds_load/run.sh: a realistic patient-view request (the prefetch of a
// TACE-refractory patient with two years of laboratory history: ~300 FHIR resources), and, for
// the signed run, an EHR key (ES384 or RS384), its JWK Set, the service configuration and N
// pre-signed JWTs (one per request: every jti is used once). Node's own crypto only.
//
//   node make_load.mjs OUT_DIR BASE_URL TOKENS ALG
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out, base, tokenCount = '0', alg = 'ES384'] = process.argv.slice(2);
if (!out || !base) {
  console.error('usage: node make_load.mjs OUT_DIR BASE_URL [TOKENS] [ES384|RS384]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const here = dirname(fileURLToPath(import.meta.url));
const bundle = JSON.parse(readFileSync(join(here, '..', '..', 'tests', 'cds', 'fixtures', 'jsh-1a-met.bundle.json'), 'utf8'));
const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient').resource;
const subject = { reference: `Patient/${patient.id}` };

// Two years of monthly laboratory history before the first TACE (stable, compensated).
const labs = [
  ['1975-2', 'mg/dL', (i) => 0.7 + (i % 3) * 0.05],
  ['1751-7', 'g/dL', (i) => 4.1 + (i % 2) * 0.1],
  ['6301-6', '{INR}', () => 1.1],
  ['1920-8', 'U/L', (i) => 30 + (i % 5)],
  ['1742-6', 'U/L', (i) => 28 + (i % 4)],
  ['777-3', '10*3/uL', (i) => 160 + (i % 7) * 3],
  ['2160-0', 'mg/dL', () => 0.9],
  ['1834-1', 'ng/mL', (i) => 20 + i],
  ['34444-0', "m[arb'U]/mL", (i) => 40 + i],
  ['29463-7', 'kg', (i) => 74 - (i % 3) * 0.5],
];
const extra = [];
for (let m = 0; m < 24; m++) {
  const date = `${2022 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-15`;
  for (const [code, unit, value] of labs) {
    extra.push({
      resourceType: 'Observation',
      id: `hist-${code}-${date}`,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: code === '29463-7' ? 'vital-signs' : 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code }] },
      subject,
      effectiveDateTime: date,
      valueQuantity: { value: Math.round(value(m) * 100) / 100, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
  }
  if (m % 4 === 0)
    extra.push({ resourceType: 'Observation', id: `hist-ecog-${date}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '89247-1' }] }, subject, effectiveDateTime: date, valueInteger: 0 });
}
const condition = {
  resourceType: 'Condition',
  id: 'hcc-diagnosis',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '109841003', display: 'Liver cell carcinoma' }] },
  subject,
  onsetDateTime: '2021-11-20',
};
const byType = { Observation: [...extra], Condition: [condition], Procedure: [], MedicationStatement: [] };
for (const { resource } of bundle.entry) if (byType[resource.resourceType]) byType[resource.resourceType].push(resource);
const searchset = (list) =>
  list.length === 0 ? null : { resourceType: 'Bundle', type: 'searchset', total: list.length, entry: list.map((r) => ({ fullUrl: `https://ehr.example.org/fhir/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'match' } })) };
const request = {
  hookInstance: '@@HOOK_INSTANCE@@',
  hook: 'patient-view',
  fhirServer: 'https://ehr.example.org/fhir',
  context: { userId: 'Practitioner/example', patientId: patient.id },
  prefetch: {
    patient,
    observations: searchset(byType.Observation),
    conditions: searchset(byType.Condition),
    procedures: searchset(byType.Procedure),
    medications: searchset(byType.MedicationStatement),
    // The service asks for orders and administrations too (docs/cds-hooks.md "Prefetch"): this
    // patient has none, an empty searchset says so (a missing key would be fetched, or refused).
    medicationRequests: { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] },
    medicationAdministrations: { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] },
  },
};
const resources = 1 + Object.values(byType).reduce((n, l) => n + l.length, 0);
writeFileSync(join(out, 'body.json'), JSON.stringify(request));
// The same body with one fixed hookInstance, for a check by hand (curl).
writeFileSync(join(out, 'sample.json'), JSON.stringify({ ...request, hookInstance: randomUUID() }));

const n = Number(tokenCount);
if (n > 0) {
  const { publicKey, privateKey } =
    alg === 'RS384' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const iss = 'https://ehr.example.org';
  const kid = `bench-${alg.toLowerCase()}`;
  writeFileSync(join(out, 'jwks.json'), JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }] }));
  writeFileSync(join(out, 'cds.json'), JSON.stringify({ public_base_url: base, issuers: [{ iss, jwks_file: join(out, 'jwks.json') }], replay_capacity: 10000000 }));
  const b64 = (x) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const header = b64({ alg, typ: 'JWT', kid });
  const aud = `${base}/cds-services/switchpoint-patient-view`;
  const now = Math.floor(Date.now() / 1000);
  const file = createWriteStream(join(out, 'tokens.txt'));
  for (let i = 0; i < n; i++) {
    const input = `${header}.${b64({ iss, aud, iat: now, exp: now + 3000, jti: randomUUID() })}`;
    const sig = sign('sha384', Buffer.from(input), alg === 'RS384' ? privateKey : { key: privateKey, dsaEncoding: 'ieee-p1363' });
    file.write(`${input}.${sig.toString('base64url')}\n`);
  }
  await new Promise((r) => file.end(r));
}
console.log(JSON.stringify({ resources, body_bytes: Buffer.byteLength(JSON.stringify(request)), tokens: n, alg }));
