// switchpoint as a SMART App Launch 2.0 app (launch.html; docs/smart-launch.md): EHR launch
// (`iss` + `launch`) and standalone launch (the form), discovery at
// {iss}/.well-known/smart-configuration, authorization code with PKCE S256 (WebCrypto), the
// patient's data read with the searches of this server's CDS prefetch templates (GET
// /api/prefetch), every page or nothing, one Bundle to POST /api/evaluate, shown by app.js.
//
// Storage: the access token lives in this script's memory only and is dropped once the data are
// read. The PKCE verifier and the state must survive the redirect to the authorization server
// and back (a full-page navigation): they are kept in sessionStorage (this tab only) under one
// key for that redirect and removed as soon as the page comes back, before the token request.
// Plain, hand-written code: the page needs a dozen requests, and a bundled client library would be
// a second copy of code to review and pin inside the binary.
'use strict';

(() => {
  const $ = (s) => document.querySelector(s);
  const STORE_PREFIX = 'switchpoint.smart.';
  const MAX_PAGES = 20; // as the CDS service's fetcher (src/server/cds_service.cpp): more is refused
  const REQUEST_TIMEOUT_MS = 30000;
  // What the page reads, one scope per resource type of the prefetch templates (SMART v2 syntax;
  // `r` read for the Patient, `rs` read and search for the others).
  const RESOURCES = [['Patient', 'r'], ['Observation', 'rs'], ['Condition', 'rs'], ['Procedure', 'rs'],
    ['MedicationStatement', 'rs'], ['MedicationRequest', 'rs'], ['MedicationAdministration', 'rs'], ['Medication', 'rs']];

  let token = null; // { accessToken, patient, expiresAt (performance.now() ms or null), scope }

  // ---------------------------------------------------------------------------------------------
  // Messages

  class LaunchError extends Error {
    constructor(message, hint) { super(message); this.hint = hint || ''; }
  }

  function show(kind, message, hint) {
    const box = $('#smart-status');
    box.className = `smart-status ${kind}`;
    box.setAttribute('role', kind === 'bad' ? 'alert' : 'status');
    box.replaceChildren();
    const p = document.createElement('p');
    p.className = 'smart-message';
    p.textContent = message;
    box.append(p);
    if (hint) {
      const q = document.createElement('p');
      q.className = 'smart-hint';
      q.textContent = hint;
      box.append(q);
    }
    box.hidden = false;
  }

  function fail(e) {
    if (e instanceof LaunchError) show('bad', e.message, e.hint);
    else show('bad', `The launch stopped on an unexpected error: ${e.message}.`, 'Nothing was evaluated. Launch the app again.');
    token = null;
    $('#smart-form-section').hidden = false;
  }

  // ---------------------------------------------------------------------------------------------
  // URLs

  // The loopback names the page's Content-Security-Policy lets it reach over http.
  const cap = (t) => t.charAt(0).toUpperCase() + t.slice(1);

  function isLoopback(host) { return host === 'localhost' || host === '127.0.0.1'; }

  // An absolute https URL, or http on loopback (the page's Content-Security-Policy allows no other).
  function checkedUrl(text, what) {
    let u;
    try { u = new URL(text); } catch {
      throw new LaunchError(`The ${what} '${text}' is not an absolute URL.`, 'Expected a URL such as https://fhir.example.org/r4.');
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) {
      throw new LaunchError(`The ${what} '${text}' is not an https URL.`,
        'Patient data travel only over https (plain http is accepted for localhost and 127.0.0.1 only).');
    }
    if (u.username || u.password) throw new LaunchError(`The ${what} '${text}' holds a user name or password.`, 'Give the URL without them.');
    return u;
  }

  function fhirBase(text) {
    const u = checkedUrl(text.trim(), 'FHIR server URL');
    if (u.search || u.hash) throw new LaunchError(`The FHIR server URL '${text}' has a query or fragment.`, 'Give the base URL of the FHIR server, such as https://fhir.example.org/r4.');
    return u.href.replace(/\/+$/, '');
  }

  function b64url(bytes) {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function randomString(n) { return b64url(crypto.getRandomValues(new Uint8Array(n))); }

  async function fetchWithin(url, init, what) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await fetch(url, { ...init, signal: ctl.signal, cache: 'no-store', credentials: 'omit', redirect: 'error' });
    } catch (e) {
      throw new LaunchError(e.name === 'AbortError' ? `${what} did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds (${url}).`
        : `${what} could not be reached (${url}).`,
      'Check the address and the network; the server must allow this page\'s origin (CORS). Nothing was evaluated.');
    } finally {
      clearTimeout(timer);
    }
  }

  async function jsonOf(res, what) {
    try { return await res.json(); } catch {
      throw new LaunchError(`${what} answered HTTP ${res.status} with something that is not JSON.`, 'Nothing was evaluated.');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Discovery and authorization request

  async function discover(iss) {
    const url = `${iss}/.well-known/smart-configuration`;
    const res = await fetchWithin(url, { headers: { Accept: 'application/json' } }, `The FHIR server ${iss}`);
    if (!res.ok) {
      throw new LaunchError(`The FHIR server ${iss} has no SMART configuration: GET ${url} answered HTTP ${res.status}.`,
        'The server does not announce SMART App Launch 2.0, or the URL is not the base of a FHIR server.');
    }
    const c = await jsonOf(res, `The SMART configuration of ${iss}`);
    if (!c || typeof c !== 'object') throw new LaunchError(`The SMART configuration of ${iss} is not a JSON object.`);
    for (const k of ['authorization_endpoint', 'token_endpoint']) {
      if (typeof c[k] !== 'string' || !c[k]) throw new LaunchError(`The SMART configuration of ${iss} has no ${k}.`, 'Expected an https URL (SMART App Launch 2.0, section 2.0.4).');
      checkedUrl(c[k], `${k} of ${iss}`);
    }
    const methods = c.code_challenge_methods_supported;
    if (!Array.isArray(methods) || !methods.includes('S256')) {
      throw new LaunchError(`The authorization server of ${iss} does not offer PKCE with S256 (code_challenge_methods_supported: ${
        Array.isArray(methods) ? (methods.length ? methods.join(', ') : 'empty') : 'not given'}).`,
      'switchpoint launches only with PKCE S256, which SMART App Launch 2.0 requires. Nothing was sent to the authorization server; ask the EHR\'s administrators to enable S256.');
    }
    return c;
  }

  // SMART v2 scopes (patient/Observation.rs) unless the server says it knows only v1
  // (capabilities permission-v1 without permission-v2, or scopes_supported listing v1 resource
  // scopes and no v2 ones). docs/smart-launch.md, "Scopes".
  function scopeVersion(c) {
    const caps = Array.isArray(c.capabilities) ? c.capabilities : [];
    if (caps.includes('permission-v2')) return 2;
    if (caps.includes('permission-v1')) return 1;
    const scopes = Array.isArray(c.scopes_supported) ? c.scopes_supported.filter((s) => typeof s === 'string') : [];
    const resource = scopes.map((s) => /^(patient|user|system)\/[A-Za-z*]+\.(\w+|\*)$/.exec(s)).filter(Boolean);
    const v1 = resource.some((m) => m[2] === 'read' || m[2] === 'write' || m[2] === '*');
    const v2 = resource.some((m) => /^c?r?u?d?s?$/.test(m[2]) && m[2] !== '');
    return v1 && !v2 ? 1 : 2;
  }

  function scopesFor(version, mode) {
    const res = RESOURCES.map(([t, p]) => `patient/${t}.${version === 1 ? 'read' : p}`);
    return [mode === 'ehr' ? 'launch' : 'launch/patient', ...res].join(' ');
  }

  // aud: the `iss` exactly as the EHR sent it (SMART 2.0: the app's audience is the EHR's FHIR
  // server as the EHR names it); the typed URL without its trailing slash for a standalone launch.
  async function startLaunch({ iss, clientId, launch, aud = iss }) {
    const mode = launch ? 'ehr' : 'standalone';
    show('', `Asking ${iss} for its SMART configuration…`);
    const config = await discover(iss);
    const version = scopeVersion(config);
    const scope = scopesFor(version, mode);
    const verifier = randomString(32); // 43 characters (RFC 7636 §4.1)
    const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
    const state = randomString(16);
    const redirectUri = location.origin + location.pathname;
    for (const k of Object.keys(sessionStorage)) if (k.startsWith(STORE_PREFIX)) sessionStorage.removeItem(k);
    sessionStorage.setItem(STORE_PREFIX + state, JSON.stringify({ verifier, iss, clientId, redirectUri, scope, mode, version,
      tokenEndpoint: config.token_endpoint }));
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state, aud,
      code_challenge: challenge, code_challenge_method: 'S256' });
    if (launch) q.set('launch', launch);
    const auth = new URL(config.authorization_endpoint);
    for (const [k, v] of q) auth.searchParams.set(k, v);
    show('', `Opening the authorization page of ${auth.origin}…`);
    location.assign(auth.href);
  }

  // ---------------------------------------------------------------------------------------------
  // Back from the authorization server

  function takeSaved(state) {
    const raw = state ? sessionStorage.getItem(STORE_PREFIX + state) : null;
    // Every launch's verifier goes now, used or not: none outlives the redirect it was made for.
    for (const k of Object.keys(sessionStorage)) if (k.startsWith(STORE_PREFIX)) sessionStorage.removeItem(k);
    if (!raw) return null;
    try { return JSON.parse(raw); } catch { return null; }
  }

  // Does the granted scope let the page read all of `type`? A v2 scope needs `r` (and `s` for a
  // search); a scope narrowed by a query (patient/Observation.rs?category=laboratory) does not:
  // the server would leave out what the filter excludes, silently.
  function covers(granted, type, perms) {
    return granted.some((s) => {
      const m = /^(patient|user)\/([A-Za-z]+|\*)\.([a-z]+|\*)$/.exec(s);
      if (!m || (m[2] !== type && m[2] !== '*')) return false;
      if (m[3] === '*' || m[3] === 'read') return true;
      return /^c?r?u?d?s?$/.test(m[3]) && [...perms].every((p) => m[3].includes(p));
    });
  }

  async function exchangeCode(saved, code) {
    show('', 'Access granted; exchanging the authorization code for an access token…');
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: saved.redirectUri,
      client_id: saved.clientId, code_verifier: saved.verifier });
    const res = await fetchWithin(saved.tokenEndpoint, { method: 'POST', body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } }, 'The token endpoint');
    const t = await jsonOf(res, 'The token endpoint');
    if (!res.ok) {
      throw new LaunchError(`The authorization server refused the token request (HTTP ${res.status}: ${t?.error || 'no error code'}${
        t?.error_description ? ' — ' + t.error_description : ''}).`, 'Nothing was read from the FHIR server. Launch the app again.');
    }
    if (typeof t.access_token !== 'string' || !t.access_token) throw new LaunchError('The token response holds no access_token.', 'Nothing was read. Launch the app again.');
    if (String(t.token_type).toLowerCase() !== 'bearer') {
      throw new LaunchError(`The token response has token_type '${t.token_type}'; expected 'Bearer'.`, 'Nothing was read.');
    }
    if (typeof t.patient !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(t.patient)) {
      throw new LaunchError(t.patient === undefined ? 'The authorization server gave no patient: the token response has no \'patient\'.'
        : `The token response's patient '${t.patient}' is not a FHIR resource id.`,
      saved.mode === 'ehr' ? 'Launch the app from a patient\'s chart.' : 'Choose a patient when the authorization server asks for one.');
    }
    const granted = typeof t.scope === 'string' ? t.scope.split(/\s+/).filter(Boolean) : saved.scope.split(' ');
    const missing = RESOURCES.filter(([type, p]) => !covers(granted, type, saved.version === 1 ? 'r' : p)).map(([type]) => type);
    if (missing.length) {
      throw new LaunchError(`Access was granted without reading ${missing.join(', ')} (granted scope: ${granted.join(' ') || 'none'}).`,
        'A decision without these resources could miss a contraindication or a treatment: nothing was read or evaluated. '
        + 'Launch again and allow reading all of the patient\'s records listed on the authorization page.');
    }
    const expiresIn = Number.isFinite(t.expires_in) && t.expires_in > 0 ? t.expires_in : null;
    return { accessToken: t.access_token, patient: t.patient, scope: granted, expiresIn,
      expiresAt: expiresIn ? performance.now() + expiresIn * 1000 : null };
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the patient's data: the CDS prefetch templates of this server, every page

  // The searches of the CDS services' prefetch (GET /api/prefetch: the same templates as CDS
  // discovery, which needs a JWT), so that the page and the CDS service read the same data.
  async function prefetchTemplates() {
    const res = await fetchWithin('/api/prefetch', { headers: { Accept: 'application/json' } }, 'The switchpoint server');
    const d = await jsonOf(res, 'The switchpoint server\'s list of searches');
    if (!res.ok || !d?.prefetch || typeof d.prefetch !== 'object' || !Object.keys(d.prefetch).length) {
      throw new LaunchError(`The switchpoint server did not list its searches (GET /api/prefetch answered HTTP ${res.status}).`, 'Nothing was read.');
    }
    return Object.entries(d.prefetch);
  }

  function tokenExpiredError(iss, what) {
    return new LaunchError(`The access to ${iss} has expired (the FHIR server refused the token while reading ${what}).`,
      'The authorization was granted for ' + (token?.expiresIn ? `${token.expiresIn} seconds` : 'a limited time')
      + '. Nothing was evaluated: a decision on part of the record could be wrong. Launch the app again.');
  }

  async function readPage(iss, url, what, page) {
    if (token.expiresAt !== null && performance.now() >= token.expiresAt) throw tokenExpiredError(iss, what);
    const res = await fetchWithin(url, { headers: { Accept: 'application/fhir+json', Authorization: `Bearer ${token.accessToken}` } },
      `The FHIR server ${iss}`);
    if (res.status === 401) throw tokenExpiredError(iss, what);
    if (res.status === 403) {
      throw new LaunchError(`The FHIR server ${iss} does not allow reading ${what} (HTTP 403).`,
        'Nothing was evaluated: a decision without these records could be wrong. Ask for access to all of the patient\'s records and launch again.');
    }
    if (!res.ok) {
      throw new LaunchError(page > 1
        ? `Page ${page} of ${what} is missing: the FHIR server ${iss} answered HTTP ${res.status} for it.`
        : `The FHIR server ${iss} answered HTTP ${res.status} for ${what}.`,
      'Nothing was evaluated: a decision on part of the patient\'s record could be wrong. Try again later or ask the EHR\'s administrators.');
    }
    return jsonOf(res, `The FHIR server's answer for ${what}${page > 1 ? ` (page ${page})` : ''}`);
  }

  function nextLink(bundle) {
    const l = (bundle.link || []).find((x) => x && x.relation === 'next');
    return l && typeof l.url === 'string' ? l.url : null;
  }

  // One template: its resources, and the notes (OperationOutcome entries) of the server.
  async function runTemplate(iss, key, template, patient) {
    if (/\{\{(?!context\.patientId\}\})/.test(template)) {
      throw new LaunchError(`The prefetch template ${key} uses a token other than {{context.patientId}}: ${template}.`, 'Nothing was read.');
    }
    const query = template.replaceAll('{{context.patientId}}', encodeURIComponent(patient));
    const type = query.split(/[/?]/)[0];
    if (!RESOURCES.some(([t]) => t === type)) {
      throw new LaunchError(`The switchpoint server searches ${type} (${key}), which this page does not ask access for.`,
        'Nothing was read: the page and the server are of different versions. Reload the page.');
    }
    const read = !query.includes('?');
    const what = read ? `the ${type} record` : `the ${type} search`;
    let url = `${iss}/${query}`;
    const resources = [];
    const notes = [];
    let matches = 0;
    let total = null;
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) {
        throw new LaunchError(`The ${type} search has more than ${MAX_PAGES} pages on ${iss}.`, 'Nothing was evaluated: the rest of the record would be left out.');
      }
      show('', `Reading ${what}${page > 1 ? `, page ${page}` : ''} from ${iss}…`);
      const b = await readPage(iss, url, what, page);
      if (read) {
        if (b?.resourceType !== type || b.id !== patient) {
          throw new LaunchError(`The FHIR server returned ${b?.resourceType || 'something'} '${b?.id ?? ''}' for Patient/${patient}.`,
            'Nothing was evaluated: the data would not be this patient\'s.');
        }
        resources.push(b);
        return { key, resources, notes, pages: 1 };
      }
      if (b?.resourceType !== 'Bundle' || b.type !== 'searchset') {
        throw new LaunchError(`The FHIR server answered ${what} (page ${page}) with ${b?.resourceType || 'something'}${b?.type ? ' ' + b.type : ''}, not a searchset Bundle.`, 'Nothing was evaluated.');
      }
      if (page === 1 && Number.isInteger(b.total)) total = b.total;
      for (const e of b.entry || []) {
        const r = e?.resource;
        if (!r || typeof r !== 'object') continue;
        if (e.search?.mode === 'outcome' || r.resourceType === 'OperationOutcome') {
          for (const i of r.issue || []) {
            if (i.severity === 'error' || i.severity === 'fatal') {
              throw new LaunchError(`The FHIR server reported an error with ${what}: ${i.diagnostics || i.details?.text || i.code}.`, 'Nothing was evaluated: the result may be incomplete.');
            }
            notes.push(`${what}: ${i.severity || 'note'}: ${i.diagnostics || i.details?.text || i.code}`);
          }
          continue;
        }
        const match = e.search?.mode === 'match' || (e.search?.mode !== 'include' && r.resourceType === type);
        if (match) {
          matches++;
          // A search by patient returns that patient's resources only; another's is never mixed in.
          const ref = r.subject?.reference ?? r.patient?.reference;
          if (typeof ref !== 'string' || !(ref === `Patient/${patient}` || ref.endsWith(`/Patient/${patient}`))) {
            throw new LaunchError(`${cap(what)} returned ${r.resourceType} '${r.id ?? ''}' of ${typeof ref === 'string' ? ref : 'no patient'}, not Patient/${patient}.`,
              'Nothing was evaluated: the data would mix patients. Report this to the EHR\'s administrators.');
          }
        }
        resources.push(r);
      }
      const next = nextLink(b);
      if (!next) break;
      if (!(next.startsWith(iss + '/') || next.startsWith(iss + '?'))) {
        throw new LaunchError(`The next page of ${what} is on another server (${next}).`, 'Only pages of the patient\'s FHIR server are read, and a part of a search is not a result: nothing was evaluated.');
      }
      url = next;
    }
    if (total !== null && matches < total) {
      throw new LaunchError(`A page of ${what} is missing: the FHIR server counted ${total} and sent ${matches}.`,
        'Nothing was evaluated: a decision on part of the patient\'s record could be wrong.');
    }
    return { key, resources, notes };
  }

  function bundleOf(iss, results) {
    const seen = new Set();
    const entry = [];
    for (const r of results) {
      for (const res of r.resources) {
        const text = JSON.stringify(res);
        if (seen.has(text)) continue; // the same Medication included by several pages or searches
        seen.add(text);
        entry.push(res.id ? { fullUrl: `${iss}/${res.resourceType}/${res.id}`, resource: res } : { resource: res });
      }
    }
    return { resourceType: 'Bundle', type: 'collection', entry };
  }

  function showRead(iss, results, notes) {
    const list = $('#smart-read');
    list.replaceChildren(...results.map((r) => {
      const li = document.createElement('li');
      li.dataset.key = r.key;
      li.textContent = `${r.key}: ${r.resources.length} resource${r.resources.length === 1 ? '' : 's'}`;
      return li;
    }), ...notes.map((n) => {
      const li = document.createElement('li');
      li.className = 'smart-note';
      li.textContent = n;
      return li;
    }));
    $('#smart-read-section').hidden = false;
    $('#smart-read-source').textContent = iss;
  }

  async function finishLaunch(params) {
    const state = params.get('state');
    const saved = takeSaved(state);
    // The code and state leave the address bar (and the history) at once.
    history.replaceState(null, '', location.pathname);
    if (saved) {
      $('#smart-iss').value = saved.iss;
      $('#smart-client').value = saved.clientId;
    }
    if (!saved) {
      throw new LaunchError('This answer of an authorization server does not belong to a launch started in this tab (unknown or reused state).',
        'Nothing was read. Start the launch again from the EHR or with the form below.');
    }
    const err = params.get('error');
    if (err) {
      const desc = params.get('error_description');
      throw new LaunchError(err === 'access_denied'
        ? `Access was not granted: the authorization server of ${saved.iss} answered access_denied${desc ? ` (${desc})` : ''}.`
        : `The authorization server of ${saved.iss} refused the launch: ${err}${desc ? ` (${desc})` : ''}.`,
      'Nothing was read from the FHIR server. To evaluate this patient, launch again and allow access to the patient\'s records.');
    }
    const code = params.get('code');
    if (!code) throw new LaunchError('The authorization server came back without a code.', 'Nothing was read. Launch again.');
    token = await exchangeCode(saved, code);
    const templates = await prefetchTemplates();
    const results = [];
    for (const [key, template] of templates) results.push(await runTemplate(saved.iss, key, template, token.patient));
    token = null; // every page is read: the token is not needed any more
    const notes = results.flatMap((r) => r.notes);
    showRead(saved.iss, results, notes);
    const bundle = bundleOf(saved.iss, results);
    show('', `Read ${bundle.entry.length} resources of patient ${results[0]?.resources[0]?.id ?? ''}; evaluating…`);
    const problem = await window.switchpointApp.showEvaluation(JSON.stringify(bundle),
      `FHIR server ${saved.iss} (SMART ${saved.mode === 'ehr' ? 'EHR' : 'standalone'} launch)`);
    if (problem) throw new LaunchError(problem, 'The data were read from the FHIR server; the switchpoint server did not evaluate them.');
    show('good', `Evaluated from ${saved.iss}.`);
    $('#smart-form-section').hidden = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function init() {
    const params = new URLSearchParams(location.search);
    const form = $('#smart-form');
    if (params.get('iss')) $('#smart-iss').value = params.get('iss');
    if (params.get('client_id')) $('#smart-client').value = params.get('client_id');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      let iss;
      try {
        iss = fhirBase($('#smart-iss').value);
      } catch (err) { fail(err); return; }
      const clientId = $('#smart-client').value.trim();
      if (!clientId) { fail(new LaunchError('The client id is empty.', 'Enter the client id this app is registered under at the authorization server.')); return; }
      const launch = params.get('launch') || '';
      // The EHR's own spelling of iss as aud when the form only completes its launch.
      let sameIss = false;
      try { sameIss = !!launch && fhirBase(params.get('iss') || '') === iss; } catch { sameIss = false; }
      const aud = sameIss ? params.get('iss') : iss;
      startLaunch({ iss, clientId, launch, aud }).catch(fail);
    });
    if (params.has('state') || params.has('code') || params.has('error')) {
      $('#smart-form-section').hidden = true;
      finishLaunch(params).catch(fail);
    } else if (params.get('iss') && params.get('launch')) {
      // EHR launch: the client id is part of the launch URL registered with the EHR
      // (launch.html?client_id=…); without it, the form asks for it and keeps the launch.
      $('#smart-launch-note').hidden = false;
      if (params.get('client_id')) {
        $('#smart-form-section').hidden = true;
        let iss;
        try { iss = fhirBase(params.get('iss')); } catch (err) { fail(err); return; }
        startLaunch({ iss, clientId: params.get('client_id'), launch: params.get('launch'), aud: params.get('iss') }).catch(fail);
      } else {
        show('bad', 'The EHR launched this page without a client id.', 'Enter the client id this app is registered under, then Launch.');
      }
    }
  }

  init();
})();
