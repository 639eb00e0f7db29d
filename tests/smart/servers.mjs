// A local FHIR R4 server and a local SMART authorization server on loopback, for the SMART launch
// tests (smart.test.mjs). Written from the specifications, not from the page's code:
//   SMART App Launch 2.0.0 (hl7.org/fhir/smart-app-launch): .well-known/smart-configuration,
//     EHR launch (`launch` + scope `launch`), standalone launch (scope `launch/patient`), the token
//     response's `patient`, v2 scopes (patient/Observation.rs) and v1 (patient/Observation.read).
//   RFC 6749 §4.1 (authorization code), RFC 7636 (PKCE S256: BASE64URL(SHA256(verifier)), a
//     verifier of 43–128 characters of [A-Za-z0-9-._~]), RFC 6750 (Bearer, 401 when expired).
//   FHIR R4 search: searchset Bundles, `total`, link `next`, search.mode match/include/outcome.
// Every request is recorded (`log`) so that the tests can assert what the page sent.
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json', ...headers });
  res.end(text);
}

async function bodyOf(req) {
  let s = '';
  for await (const c of req) s += c;
  return s;
}

// Patients: { id: [resources...] } (the Patient resource among them).
export function startServers({ patients, clients }) {
  const log = []; // { server, method, url, headers, body }
  const codes = new Map(); // code -> { clientId, redirectUri, challenge, scope, patient, expires, used }
  const tokens = new Map(); // token -> { scope: [..], patient, expires }
  const launches = new Map(); // launch -> patient (EHR launch contexts)
  const state = {
    now: () => Date.now(),
    // What the tests change per scenario:
    smartConfig: null, // overrides of the .well-known/smart-configuration members
    tokenLifetime: 3600, // seconds
    grantScope: null, // (requested scope string) => granted scope string
    pageSize: 10, // entries a page at most (the page asks _count=200: a server may give fewer)
    missingPage: null, // { type, page }: that page answers 404
    totalLie: null, // { type, extra }: `total` claims `extra` more matches than exist
    standalonePatient: null, // the patient chosen on the consent page of a standalone launch
    foreignEntry: null, // a type: its search also returns a resource of another patient
    nextElsewhere: null, // a type: its next link names another server (same path, port + 1)
    splitInto: null, // { type, pages }: that search answered in exactly `pages` pages
    fhirClockAhead: 0, // ms the FHIR server's clock runs ahead when it checks a token's expiry
  };
  let fhirBase;
  let authBase;

  // ---------------- authorization server ----------------
  const auth = createServer(async (req, res) => {
    const url = new URL(req.url, authBase);
    const body = req.method === 'POST' ? await bodyOf(req) : '';
    log.push({ server: 'auth', method: req.method, url: req.url, headers: req.headers, body });
    const cors = { 'Access-Control-Allow-Origin': '*' };
    if (req.method === 'OPTIONS') return send(res, 204, '', { ...cors, 'Access-Control-Allow-Headers': 'Content-Type, Accept', 'Access-Control-Allow-Methods': 'POST' });
    if (url.pathname === '/authorize' && req.method === 'GET') {
      const q = url.searchParams;
      const client = clients[q.get('client_id')];
      // RFC 6749 §4.1.2.1: an unknown client or a redirect_uri not registered is not redirected to.
      if (!client) return send(res, 400, '<p id="auth-error">unknown client_id</p>');
      if (q.get('redirect_uri') !== client.redirectUri) return send(res, 400, '<p id="auth-error">redirect_uri is not registered</p>');
      const back = (params) => {
        const u = new URL(client.redirectUri);
        for (const [k, v] of Object.entries({ ...params, state: q.get('state') })) u.searchParams.set(k, v);
        res.writeHead(302, { Location: u.href });
        res.end();
      };
      if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
      if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') || '')) {
        return back({ error: 'invalid_request', error_description: 'PKCE S256 is required' });
      }
      if (q.get('aud') !== fhirBase && q.get('aud') !== fhirBase + '/') return back({ error: 'invalid_request', error_description: 'aud is not this FHIR server' });
      const scopes = (q.get('scope') || '').split(' ');
      let patient;
      if (q.get('launch')) {
        patient = launches.get(q.get('launch'));
        if (!patient || !scopes.includes('launch')) return back({ error: 'invalid_request', error_description: 'unknown launch or no launch scope' });
      } else {
        if (!scopes.includes('launch/patient')) return back({ error: 'invalid_scope', error_description: 'standalone launch without launch/patient' });
        patient = state.standalonePatient;
      }
      if (!q.get('state')) return back({ error: 'invalid_request', error_description: 'no state' });
      // The consent page: Allow or Deny, as a user would see it.
      const hidden = [...q].map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`).join('');
      return send(res, 200, `<!doctype html><title>Consent</title><h1>Allow ${q.get('client_id')} to read patient ${patient}?</h1>
<p id="scopes">${scopes.join(' ')}</p>
<form method="post" action="/decide">${hidden}<input type="hidden" name="patient" value="${patient}">
<button name="decision" value="allow" id="allow">Allow</button><button name="decision" value="deny" id="deny">Deny</button></form>`);
    }
    if (url.pathname === '/decide' && req.method === 'POST') {
      const f = new URLSearchParams(body);
      const client = clients[f.get('client_id')];
      const u = new URL(client.redirectUri);
      u.searchParams.set('state', f.get('state'));
      if (f.get('decision') !== 'allow') {
        u.searchParams.set('error', 'access_denied');
        u.searchParams.set('error_description', 'The user denied access');
      } else {
        const code = b64url(randomBytes(24));
        codes.set(code, { clientId: f.get('client_id'), redirectUri: f.get('redirect_uri'), challenge: f.get('code_challenge'),
          scope: f.get('scope'), patient: f.get('patient'), expires: state.now() + 60000, used: false });
        u.searchParams.set('code', code);
      }
      res.writeHead(302, { Location: u.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const f = new URLSearchParams(body);
      const bad = (error, description) => send(res, 400, { error, error_description: description }, cors);
      if (f.get('grant_type') !== 'authorization_code') return bad('unsupported_grant_type', 'authorization_code only');
      const c = codes.get(f.get('code') || '');
      if (!c || c.used || c.expires < state.now()) return bad('invalid_grant', 'unknown, used or expired code');
      c.used = true;
      if (f.get('client_id') !== c.clientId) return bad('invalid_grant', 'client_id differs');
      if (f.get('redirect_uri') !== c.redirectUri) return bad('invalid_grant', 'redirect_uri differs');
      const verifier = f.get('code_verifier') || '';
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return bad('invalid_grant', 'code_verifier malformed');
      if (b64url(createHash('sha256').update(verifier).digest()) !== c.challenge) return bad('invalid_grant', 'PKCE verification failed');
      const granted = state.grantScope ? state.grantScope(c.scope) : c.scope;
      const token = b64url(randomBytes(32));
      tokens.set(token, { scope: granted.split(' '), patient: c.patient, expires: state.now() + state.tokenLifetime * 1000 });
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: state.tokenLifetime, scope: granted, patient: c.patient },
        { ...cors, 'Cache-Control': 'no-store' });
    }
    return send(res, 404, { error: 'not found' }, cors);
  });

  // ---------------- FHIR server ----------------
  const pages = new Map(); // page id -> { bundles: [...] }
  function allows(t, type, perm) {
    return t.scope.some((s) => {
      const m = /^patient\/([A-Za-z]+|\*)\.([a-z]+|\*)$/.exec(s);
      if (!m || (m[1] !== type && m[1] !== '*')) return false;
      return m[2] === '*' || m[2] === 'read' || m[2].includes(perm);
    });
  }
  const refOf = (r) => r.subject?.reference || r.patient?.reference || '';
  const codingMatch = (r, codes) => (r.code?.coding || []).some((c) => codes.some(([sys, code]) => c.system === sys && c.code === code));

  const fhir = createServer(async (req, res) => {
    const url = new URL(req.url, fhirBase);
    log.push({ server: 'fhir', method: req.method, url: req.url, headers: req.headers, body: '' });
    const cors = { 'Access-Control-Allow-Origin': '*' };
    const out = (status, body) => send(res, status, body, { ...cors, 'Content-Type': 'application/fhir+json' });
    if (req.method === 'OPTIONS') {
      return send(res, 204, '', { ...cors, 'Access-Control-Allow-Headers': 'Authorization, Accept', 'Access-Control-Allow-Methods': 'GET' });
    }
    const base = new URL(fhirBase).pathname;
    if (!url.pathname.startsWith(base + '/')) return out(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    const rest = url.pathname.slice(base.length + 1);
    if (rest === '.well-known/smart-configuration') {
      return send(res, 200, {
        issuer: authBase, authorization_endpoint: `${authBase}/authorize`, token_endpoint: `${authBase}/token`,
        grant_types_supported: ['authorization_code'], code_challenge_methods_supported: ['S256'],
        capabilities: ['launch-ehr', 'launch-standalone', 'client-public', 'context-ehr-patient', 'context-standalone-patient', 'permission-patient', 'permission-v2'],
        scopes_supported: ['launch', 'launch/patient', 'patient/*.rs'],
        ...(state.smartConfig || {}),
      }, cors);
    }
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    const t = m && tokens.get(m[1]);
    if (!t || t.expires <= state.now() + state.fhirClockAhead) {
      return send(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'expired or unknown token' }] },
        { ...cors, 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (rest === '_page') {
      const p = pages.get(url.searchParams.get('id'));
      const n = Number(url.searchParams.get('n'));
      if (!p || !p.bundles[n - 1]) return out(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
      if (state.missingPage && state.missingPage.type === p.type && state.missingPage.page === n) {
        return out(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'page expired' }] });
      }
      return out(200, p.bundles[n - 1]);
    }
    const [type, id] = rest.split('/');
    if (id !== undefined) {
      if (!allows(t, type, 'r')) return out(403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden' }] });
      const r = (patients[t.patient] || []).find((x) => x.resourceType === type && x.id === id);
      return r ? out(200, r) : out(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    }
    if (!allows(t, type, 's')) return out(403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden' }] });
    const patientParam = url.searchParams.get('patient');
    if (patientParam !== t.patient) return out(403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'another patient' }] });
    const mine = patients[t.patient] || [];
    let matches = mine.filter((r) => r.resourceType === type && refOf(r) === `Patient/${t.patient}`);
    if (url.searchParams.get('code')) {
      const wanted = url.searchParams.get('code').split(',').map((c) => c.split('|'));
      matches = matches.filter((r) => codingMatch(r, wanted));
    }
    if (state.foreignEntry === type && matches.length) matches = [...matches, { ...matches[0], id: 'stray', subject: { reference: 'Patient/someone-else' } }];
    const include = url.searchParams.get('_include');
    const entries = matches.map((r) => ({ fullUrl: `${fhirBase}/${type}/${r.id}`, resource: r, search: { mode: 'match' } }));
    const size = Math.min(Number(url.searchParams.get('_count') || 50), state.pageSize);
    const pageId = b64url(randomBytes(8));
    const chunks = [];
    const split = state.splitInto && state.splitInto.type === type ? state.splitInto.pages : 0;
    if (split) { // exactly `split` pages (entries spread over them)
      for (let i = 0; i < split; i++) chunks.push(entries.slice(Math.floor((i * entries.length) / split), Math.floor(((i + 1) * entries.length) / split)));
    } else {
      for (let i = 0; i === 0 || i < entries.length; i += size) chunks.push(entries.slice(i, i + size));
    }
    const bundles = [];
    for (const chunk of chunks) {
      if (include) { // the Medications the matches of this page name
        for (const e of [...chunk]) {
          const ref = e.resource.medicationReference?.reference;
          const med = ref && mine.find((r) => `${r.resourceType}/${r.id}` === ref);
          if (med) chunk.push({ fullUrl: `${fhirBase}/${ref}`, resource: med, search: { mode: 'include' } });
        }
      }
      bundles.push({ resourceType: 'Bundle', type: 'searchset', entry: chunk, link: [] });
    }
    const lie = state.totalLie && state.totalLie.type === type ? state.totalLie.extra : 0;
    bundles.forEach((b, i) => {
      b.total = matches.length + lie;
      b.link.push({ relation: 'self', url: i === 0 ? url.href : `${fhirBase}/_page?id=${pageId}&n=${i + 1}` });
      const elsewhere = state.nextElsewhere === type ? fhirBase.replace(/:(\d+)\//, (m, p) => `:${Number(p) + 1}/`) : fhirBase;
      if (i + 1 < bundles.length) b.link.push({ relation: 'next', url: `${elsewhere}/_page?id=${pageId}&n=${i + 2}` });
    });
    pages.set(pageId, { type, bundles });
    return out(200, bundles[0]);
  });

  const listen = (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s.address().port)));
  return (async () => {
    const fp = await listen(fhir);
    const ap = await listen(auth);
    fhirBase = `http://127.0.0.1:${fp}/fhir/r4`;
    authBase = `http://127.0.0.1:${ap}`;
    return {
      fhirBase, authBase, log, state, tokens, codes,
      newLaunch(patient) { const l = b64url(randomBytes(12)); launches.set(l, patient); return l; },
      close: () => Promise.all([fhir, auth].map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); }))),
    };
  })();
}
