// An EHR as CDS Hooks 2.0 "Trusting CDS Clients" describes it, written with the npm `jose`
// library (independent of the service's own JOSE code): an ES384 key pair, its JWK Set, and a
// signed JWT for every request with iss, aud (the exact endpoint URL), iat, exp and a fresh jti.
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export class Ehr {
  static async create({ iss = 'https://ehr.example.org', kid = 'ehr-es384-1', alg = 'ES384' } = {}) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    return new Ehr(iss, kid, alg, privateKey, jwk);
  }

  constructor(iss, kid, alg, privateKey, jwk) {
    Object.assign(this, { iss, kid, alg, privateKey, jwk });
  }

  // A JWS over any header and payload (objects), signed with this EHR's key by WebCrypto (whose
  // ECDSA output is already the JOSE R || S form): for headers jose itself refuses to write.
  async signRaw(header, payload) {
    const b64 = (x) => Buffer.from(JSON.stringify(x)).toString('base64url');
    const input = `${b64(header)}.${b64(payload)}`;
    const params = this.alg.startsWith('ES') ? { name: 'ECDSA', hash: 'SHA-384' } : { name: 'RSASSA-PKCS1-v1_5' };
    const sig = await crypto.subtle.sign(params, this.privateKey, new TextEncoder().encode(input));
    return `${input}.${Buffer.from(sig).toString('base64url')}`;
  }

  claims(aud, extra = {}) {
    const now = Math.floor(Date.now() / 1000);
    return { iss: this.iss, aud, iat: now, exp: now + 300, jti: randomUUID(), ...extra };
  }

  jwks() {
    return { keys: [this.jwk] };
  }

  // claims/header overrides let the attack suite forge what it needs.
  async token(aud, { claims = {}, header = {}, lifetime = 300, iat } = {}) {
    const now = iat ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: this.alg, typ: 'JWT', kid: this.kid, ...header })
      .setIssuer(claims.iss ?? this.iss)
      .setAudience(claims.aud ?? aud)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(this.privateKey);
  }
}

export function fixture(name) {
  return JSON.parse(readFileSync(join(here, '..', 'fixtures', name), 'utf8'));
}

// A Bundle's resources as the services' prefetch: searchset Bundles by type, and the Patient.
export function hookRequest(bundle, { hook = 'patient-view', hookInstance = randomUUID(), taceOrder = true, omit = [] } = {}) {
  const byType = {
    Observation: [],
    Condition: [],
    Procedure: [],
    MedicationStatement: [],
    MedicationRequest: [],
    MedicationAdministration: [],
    Medication: [],
  };
  let patient = null;
  for (const { resource } of bundle.entry) {
    if (resource.resourceType === 'Patient') patient = resource;
    else if (byType[resource.resourceType]) byType[resource.resourceType].push(resource);
  }
  // The Medications go with the first medication search that has a match, as _include'd entries.
  const withIncludes = ['MedicationStatement', 'MedicationRequest', 'MedicationAdministration'].find((t) => byType[t].length > 0);
  const entryOf = (r, mode) => ({ fullUrl: `https://ehr.example.org/fhir/${r.resourceType}/${r.id}`, resource: r, search: { mode } });
  const searchset = (list, type) =>
    list.length === 0
      ? null
      : {
          resourceType: 'Bundle',
          type: 'searchset',
          total: list.length,
          entry: list
            .map((r) => entryOf(r, 'match'))
            .concat(type === withIncludes ? byType.Medication.map((r) => entryOf(r, 'include')) : []),
        };
  const prefetch = {
    patient,
    observations: searchset(byType.Observation),
    conditions: searchset(byType.Condition),
    procedures: searchset(byType.Procedure),
    medications: searchset(byType.MedicationStatement, 'MedicationStatement'),
    medicationRequests: searchset(byType.MedicationRequest, 'MedicationRequest'),
    medicationAdministrations: searchset(byType.MedicationAdministration, 'MedicationAdministration'),
  };
  for (const k of omit) delete prefetch[k];
  const context = { userId: 'Practitioner/example', patientId: patient.id };
  if (hook === 'order-sign') {
    const coding = taceOrder
      ? [{ system: 'urn:switchpoint:hcc', code: 'tace' }, { system: 'http://snomed.info/sct', code: '441525007' }]
      : [{ system: 'http://loinc.org', code: '24627-2' }];
    context.draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'ServiceRequest', id: 'draft-tace-1', status: 'draft', intent: 'order', code: { coding }, subject: { reference: `Patient/${patient.id}` } } }],
    };
  }
  return { hook, hookInstance, context, prefetch };
}

export async function post(url, body, token, extraHeaders = {}) {
  const headers = { 'Content-Type': 'application/json', ...extraHeaders };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
