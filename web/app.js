// switchpoint web page: load or enter a patient record, send it to POST /api/evaluate, show the
// decision at a glance and the full HTML report. Plain JavaScript, no framework, nothing fetched
// but this server's own API. The server is the only validator of records: the page never
// corrects a value, it only shows where the server found a problem.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------------
  // Vocabulary of the record (docs/record-format.md) and of the decision (switchpoint.decision/1)

  // Accepted unit spellings per quantity, as in src/core/units.cpp: the canonical unit first, then
  // the other units, then other spellings of the same units (UCUM codes, ASCII "u" for µ, the Greek
  // mu). tests/browser checks these lists against units.cpp.
  const UNITS = {
    bilirubin: { main: ['µmol/L', 'mg/dL'], other: ['umol/L', 'μmol/L'] },
    albumin: { main: ['g/L', 'g/dL'], other: [] },
    inr: { main: ['ratio', 'INR'], other: ['{INR}', '1'] },
    pt_prolongation: { main: ['s'], other: ['sec'] },
    ast: { main: ['U/L', 'IU/L'], other: ['[IU]/L'] },
    alt: { main: ['U/L', 'IU/L'], other: ['[IU]/L'] },
    platelets: { main: ['10^9/L', '10^3/µL', '/µL'],
      other: ['10*9/L', '10*3/uL', '10^3/uL', '10*3/µL', '10^3/μL', '10*3/μL', '/uL', '/μL'] },
    creatinine: { main: ['µmol/L', 'mg/dL'], other: ['umol/L', 'μmol/L'] },
    afp: { main: ['ng/mL', 'µg/L', 'IU/mL'], other: ['ug/L', 'μg/L', '[IU]/mL'] },
    dcp: { main: ['mAU/mL'], other: ['m[arb\'U]/mL', '{mAU}/mL'] },
    weight: { main: ['kg', 'lb'], other: ['[lb_av]'] },
    diameter: { main: ['cm', 'mm'], other: [] },
  };
  const UNIT_NOTES = { 'μmol/L': 'Greek μ', 'μg/L': 'Greek μ', '10^3/μL': 'Greek μ', '10*3/μL': 'Greek μ', '/μL': 'Greek μ',
    '1': 'UCUM unity', ratio: 'INR', '/µL': 'cells per µL' };

  const LAB_TESTS = [
    ['bilirubin', 'Total bilirubin'], ['albumin', 'Albumin'], ['inr', 'INR'],
    ['pt_prolongation', 'PT prolongation'], ['ast', 'AST'], ['alt', 'ALT'],
    ['platelets', 'Platelets'], ['creatinine', 'Creatinine'], ['afp', 'AFP'], ['dcp', 'DCP (PIVKA-II)'],
  ];
  const LAB_LABEL = Object.fromEntries(LAB_TESTS);

  const REGIMENS = [
    ['atezolizumab-bevacizumab', 'Atezolizumab + bevacizumab'], ['durvalumab-tremelimumab', 'Durvalumab + tremelimumab (STRIDE)'],
    ['nivolumab-ipilimumab', 'Nivolumab + ipilimumab'], ['lenvatinib', 'Lenvatinib'], ['sorafenib', 'Sorafenib'],
    ['durvalumab', 'Durvalumab'], ['tislelizumab', 'Tislelizumab'], ['regorafenib', 'Regorafenib'],
    ['cabozantinib', 'Cabozantinib'], ['ramucirumab', 'Ramucirumab'], ['pembrolizumab', 'Pembrolizumab'],
  ];

  const ENUMS = {
    ascites: [['none', 'none'], ['slight', 'slight (mild or controlled)'], ['moderate-severe', 'moderate–severe']],
    encephalopathy: [['none', 'none'], ['grade-1-2', 'grade 1–2'], ['grade-3-4', 'grade 3–4']],
    ecog: [['0', '0 — fully active'], ['1', '1 — light work only'], ['2', '2 — self-care, no work'],
      ['3', '3 — limited self-care'], ['4', '4 — bedbound'], ['5', '5 — dead']],
    mrecist: [['CR', 'CR — complete response'], ['PR', 'PR — partial response'], ['SD', 'SD — stable disease'], ['PD', 'PD — progressive disease']],
    nontarget: [['absent', 'no non-target lesions'], ['CR', 'CR'], ['non-CR-non-PD', 'non-CR / non-PD'], ['PD', 'PD']],
    vascular_invasion: [['absent', 'absent'], ['branch', 'branch (portal vein branch)'], ['main-portal-vein', 'main portal vein']],
    morphology: [['simple-nodular', 'simple nodular'], ['confluent-multinodular', 'confluent multinodular'],
      ['massive-infiltrative', 'massive / infiltrative'], ['extranodular-growth', 'extranodular growth'],
      ['poorly-differentiated', 'poorly differentiated'], ['multiple-disseminated', 'multiple disseminated'],
      ['sarcomatous-change', 'sarcomatous change']],
    stop_reason: [['progression', 'progression'], ['intolerance', 'intolerance'], ['completed', 'completed'], ['other', 'other']],
    varices: [['none', 'none'], ['low-risk', 'low-risk'], ['high-risk-untreated', 'high-risk, untreated'], ['treated', 'treated (e.g. banded)']],
    conditions: [['active-autoimmune-disease', 'active autoimmune disease'], ['solid-organ-transplant', 'solid organ transplant'],
      ['variceal-bleeding', 'variceal bleeding'], ['uncontrolled-hypertension', 'uncontrolled hypertension'],
      ['major-bleeding', 'major bleeding'], ['arterial-thrombosis', 'arterial thrombosis']],
    boolean: [['true', 'yes'], ['false', 'no']],
  };

  const DEFINITION_NAMES = {
    'raoul-2011': 'Raoul 2011', 'jsh-lcsgj-2014': 'JSH-LCSGJ 2014', 'apasl-2017': 'APASL 2017', 'galle-2017': 'Galle 2017',
    'aasld-2018': 'AASLD 2018', 'klca-ncc-2022': 'KLCA-NCC 2022', 'easl-2018': 'EASL 2018', 'bclc-2022': 'BCLC 2022',
  };
  const STATUS_TEXT = { refractory: 'Refractory', 'not-refractory': 'Not refractory', 'insufficient-data': 'Insufficient data',
    'not-applicable': 'Not applicable (no TACE)' };
  const STATUS_MARK = { refractory: '▲', 'not-refractory': '✓', 'insufficient-data': '?', 'not-applicable': '–' };
  const VERDICTS = {
    proceed: { word: 'PROCEED', text: 'TACE may be repeated: a sustained response is expected and liver function can be maintained.' },
    reconsider: { word: 'RECONSIDER', text: 'Not enough to decide: obtain the missing information before the next TACE.' },
    switch: { word: 'SWITCH', text: 'Stop TACE and convert to systemic therapy.' },
    'supportive-care': { word: 'SUPPORTIVE CARE', text: 'Neither TACE nor systemic therapy: best supportive care.' },
    'not-applicable': { word: 'NO VERDICT', text: 'The record holds no tumour imaging, TACE or HCC treatment: nothing to decide a TACE on.' },
  };
  const ANSWER_TEXT = { yes: 'Yes', no: 'No', unknown: 'Unknown' };
  const OPTION_STATUS_TEXT = { recommended: 'Recommended', eligible: 'Eligible', 'needs-prerequisite': 'Needs a prerequisite',
    caution: 'Caution', 'not-indicated': 'Not indicated', contraindicated: 'Contraindicated' };
  const SCORE_NAMES = { child_pugh: 'Child-Pugh', albi: 'ALBI', bclc: 'BCLC stage', kinki: 'Kinki criteria', bolondi: 'Bolondi',
    up_to_seven: 'Up-to-seven', six_and_twelve: 'Six-and-twelve', tumor_burden_score: 'Tumour burden score', hap: 'HAP', mhap_ii: 'mHAP-II',
    art: 'ART score', abcr: 'ABCR', moral: 'MoRAL', moral_tace: 'MoRAL change after TACE', mrecist: 'mRECIST (latest)',
    jsh_te: 'JSH treatment effect' };
  const KEY_SCORES = ['child_pugh', 'albi', 'bclc', 'up_to_seven', 'art', 'mrecist'];

  // ---------------------------------------------------------------------------------------------
  // Small DOM helpers

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  let uid = 0;
  const nextId = (p) => `${p}-${++uid}`;

  function option(value, text, selected) {
    const o = h('option', { value }, text);
    if (selected) o.selected = true;
    return o;
  }
  function setStatus(el, text, kind) {
    el.textContent = text;
    el.className = 'status' + (kind ? ' ' + kind : '');
  }
  function fmtBytes(n) {
    return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
  }
  function download(name, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }
  const safeName = (s) => String(s || 'patient').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);

  // ---------------------------------------------------------------------------------------------
  // Tabs (WAI-ARIA tabs pattern: arrow keys move between tabs, Tab moves into the panel)

  const tabs = [$('#tab-load'), $('#tab-form')].filter(Boolean); // none on launch.html
  function activeMode() { return $('#tab-form').getAttribute('aria-selected') === 'true' ? 'form' : 'load'; }
  function selectTab(tab, focus) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $('#' + t.getAttribute('aria-controls')).hidden = !on;
    }
    if (focus) tab.focus();
    if (tab.id === 'tab-form') updateFormJson();
    if (!evaluating) $('#evaluate').textContent = evaluateLabel();
  }
  const evaluateLabel = () => (activeMode() === 'form' ? 'Evaluate the form' : 'Evaluate the loaded record');
  for (const t of tabs) {
    t.addEventListener('click', () => selectTab(t, false));
    t.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(t);
      let j = null;
      if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
      else if (e.key === 'ArrowLeft') j = (i + tabs.length - 1) % tabs.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = tabs.length - 1;
      if (j !== null) { e.preventDefault(); selectTab(tabs[j], true); }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The form: repeating sections described by field tables

  // Field kinds: date, text, number (decimal), int, select (options), tri (yes/no/not reported),
  // lab-test, lab-unit, measure (value + unit select; JSON {value, unit}).
  const SECTIONS = [
    { key: 'labs', title: 'Laboratory results', item: 'Lab', addText: 'Add lab result', hint: 'One value per row; pick the unit the laboratory reported.',
      fields: [
        { key: 'date', label: 'Date', kind: 'date' },
        { key: 'test', label: 'Test', kind: 'lab-test' },
        { key: 'value', label: 'Value', kind: 'number' },
        { key: 'unit', label: 'Unit', kind: 'lab-unit' },
      ] },
    { key: 'clinical', title: 'Bedside assessments', item: 'Assessment', addText: 'Add bedside assessment',
      hint: 'Ascites and encephalopathy as graded for Child-Pugh (slight ascites = mild, or controlled with diuretics; encephalopathy by West Haven grade); ECOG performance status; body weight.',
      fields: [
        { key: 'date', label: 'Date', kind: 'date' },
        { key: 'ascites', label: 'Ascites', kind: 'select', options: ENUMS.ascites },
        { key: 'encephalopathy', label: 'Encephalopathy', kind: 'select', options: ENUMS.encephalopathy },
        { key: 'ecog', label: 'ECOG', kind: 'select', options: ENUMS.ecog, number: true },
        { key: 'weight', label: 'Weight', kind: 'measure', units: 'weight' },
      ] },
    { key: 'imaging', title: 'Imaging studies', item: 'Imaging study', addText: 'Add imaging study', card: true,
      hint: 'The baseline before the first TACE, then the response assessment after each session.',
      fields: [
        { key: 'date', label: 'Date', kind: 'date' },
        { key: 'modality', label: 'Modality', kind: 'text', list: 'modality-list' },
        { key: 'tumor_count', label: 'Intrahepatic tumours (count)', kind: 'int' },
        { key: 'largest_diameter', label: 'Largest diameter', kind: 'measure', units: 'diameter' },
        { key: 'viable_tumor_percent', label: 'Viable tumour %', kind: 'number', hint: '0–100' },
        { key: 'treated_size_change_percent', label: 'Size change of treated nodules %', kind: 'number', hint: 'negative = shrinkage' },
        { key: 'mrecist', label: 'mRECIST (radiologist)', kind: 'select', options: ENUMS.mrecist },
        { key: 'nontarget', label: 'mRECIST non-target lesions', kind: 'select', options: ENUMS.nontarget },
        { key: 'new_lesions', label: 'New lesions ≥ 1 cm (count)', kind: 'int' },
        { key: 'vascular_invasion', label: 'Macrovascular invasion', kind: 'select', options: ENUMS.vascular_invasion },
        { key: 'extrahepatic_spread', label: 'Extrahepatic spread', kind: 'tri' },
        { key: 'morphology', label: 'Morphology', kind: 'select', options: ENUMS.morphology },
        { key: 'bilobar', label: 'Bilobar disease', kind: 'tri' },
        { key: 'liver_occupation_percent', label: 'Liver occupation %', kind: 'number', hint: '0–100' },
        { key: 'bile_duct_invasion', label: 'Bile duct invasion', kind: 'tri' },
      ],
      sub: { key: 'target_lesions', title: 'mRECIST target lesions', item: 'Target', addText: 'Add target lesion', max: 5,
        hint: 'use the same lesion id (e.g. the segment, S7) on every study so that the lesion can be followed',
        fields: [
          { key: 'id', label: 'Lesion id', kind: 'text' },
          { key: 'viable_diameter', label: 'Viable diameter', kind: 'measure', units: 'diameter' },
        ] } },
    { key: 'tace', title: 'TACE sessions', item: 'TACE', addText: 'Add TACE session',
      fields: [
        { key: 'date', label: 'Date', kind: 'date' },
        { key: 'technique', label: 'Technique', kind: 'text', list: 'technique-list' },
        { key: 'selective', label: 'Selective catheterisation', kind: 'tri' },
      ] },
    { key: 'systemic_therapy', title: 'Systemic therapy', item: 'Course', addText: 'Add systemic therapy course', card: true,
      hint: 'Past and ongoing courses. Leave the end date empty for an ongoing course.',
      fields: [
        { key: 'regimen', label: 'Regimen', kind: 'select', options: REGIMENS, required: true },
        { key: 'start', label: 'Start', kind: 'date' },
        { key: 'end', label: 'End', kind: 'date' },
        { key: 'stop_reason', label: 'Stop reason', kind: 'select', options: ENUMS.stop_reason },
        { key: 'dose_mg_per_day', label: 'Mean dose, last 28 days (mg/day)', kind: 'number' },
        { key: 'days_at_dose_last_28', label: 'Days at that dose (of 28)', kind: 'int' },
      ] },
    { key: 'endoscopy', title: 'Upper GI endoscopies', item: 'Endoscopy', addText: 'Add endoscopy',
      fields: [
        { key: 'date', label: 'Date', kind: 'date' },
        { key: 'varices', label: 'Varices', kind: 'select', options: ENUMS.varices, required: true },
      ] },
    { key: 'conditions', title: 'Conditions restricting systemic therapy', item: 'Condition', addText: 'Add condition',
      fields: [
        { key: 'code', label: 'Condition', kind: 'select', options: ENUMS.conditions, required: true },
        { key: 'onset', label: 'Onset', kind: 'date' },
        { key: 'abatement', label: 'Resolved on', kind: 'date', hint: 'empty = still active' },
      ] },
  ];
  const SECTION_BY_KEY = Object.fromEntries(SECTIONS.map((s) => [s.key, s]));
  const lastUnit = {}; // the unit last chosen per quantity, offered first for the next row

  function unitSelect(quantity, id, current) {
    const sel = h('select', { id, 'data-role': 'unit' });
    fillUnits(sel, quantity, current);
    return sel;
  }
  function fillUnits(sel, quantity, current) {
    sel.replaceChildren();
    const u = UNITS[quantity];
    if (!u) { sel.append(option('', 'choose the test first')); return; }
    const label = (s) => (UNIT_NOTES[s] ? `${s} (${UNIT_NOTES[s]})` : s);
    for (const s of u.main) sel.append(option(s, label(s)));
    if (u.other.length) sel.append(h('optgroup', { label: 'other spellings of the same units' }, u.other.map((s) => option(s, label(s)))));
    const want = current !== undefined ? current : lastUnit[quantity];
    if (want !== undefined && want !== null) {
      const match = Array.from(sel.options).find((o) => o.value === want) ||
        Array.from(sel.options).find((o) => o.value.toLowerCase() === String(want).trim().toLowerCase());
      if (match) match.selected = true;
      else if (current !== undefined) sel.append(option(String(want), `${want} (as in the record; not an accepted unit)`, true));
    }
  }

  function buildField(f, rowId, value) {
    const id = `${rowId}-${f.key}`;
    const wrap = h('div', { class: 'field' + (f.kind === 'measure' ? ' measure' : ''), 'data-key': f.key });
    const hintId = f.hint ? `${id}-hint` : null;
    let control;
    switch (f.kind) {
      case 'date':
        control = dateInput(id, value);
        break;
      case 'text':
        control = h('input', { type: 'text', id, value: value ?? '', list: f.list });
        break;
      case 'number': case 'int':
        control = h('input', { type: 'text', id, inputmode: f.kind === 'int' ? 'numeric' : 'decimal', value: value ?? '', class: 'num' });
        break;
      case 'select': {
        control = h('select', { id });
        control.append(option('', f.required ? 'choose…' : 'not reported'));
        for (const [v, t] of f.options) control.append(option(v, t));
        if (value !== undefined && value !== null) {
          const v = String(value);
          if (!Array.from(control.options).some((o) => o.value === v)) control.append(option(v, `${v} (as in the record)`));
          control.value = v;
        }
        break;
      }
      case 'tri':
        control = h('select', { id }, option('', 'not reported'), ENUMS.boolean.map(([v, t]) => option(v, t)));
        if (value === true || value === false) control.value = String(value);
        break;
      case 'lab-test':
        control = h('select', { id, 'data-role': 'test' }, option('', 'choose…'), LAB_TESTS.map(([v, t]) => option(v, t)));
        if (value) {
          if (!LAB_LABEL[value]) control.append(option(value, `${value} (as in the record)`));
          control.value = value;
        }
        break;
      case 'lab-unit':
        control = h('select', { id, 'data-role': 'unit' });
        break;
      case 'measure': {
        const vid = `${id}-value`;
        const uidd = `${id}-unit`;
        const v = value && typeof value === 'object' ? value : {};
        wrap.append(h('label', { for: vid }, f.label));
        const num = h('input', { type: 'text', id: vid, inputmode: 'decimal', value: v.value ?? '', class: 'num', 'data-part': 'value' });
        const us = unitSelect(f.units, uidd, v.unit);
        us.dataset.part = 'unit';
        const ul = h('label', { for: uidd, class: 'visually-hidden' }, `${f.label} unit`);
        wrap.append(h('div', { class: 'measure-pair' }, num, ul, us));
        return wrap;
      }
      default:
        throw new Error('unknown field kind ' + f.kind);
    }
    control.dataset.key = f.key;
    wrap.append(h('label', { for: id }, f.label), control);
    if (hintId) {
      wrap.append(h('span', { class: 'field-hint', id: hintId }, f.hint));
      control.setAttribute('aria-describedby', hintId);
    }
    return wrap;
  }

  // Dates are typed as YYYY-MM-DD, the record's own format: a browser date picker shows the
  // reader's locale (02/05/2024), which a tumour board in another country reads as another day.
  function dateInput(id, value) {
    return h('input', { type: 'text', id, value: value ?? '', class: 'date', inputmode: 'numeric', placeholder: 'YYYY-MM-DD',
      maxlength: '10', autocomplete: 'off', spellcheck: 'false' });
  }

  function rowNumberText(sec, i) { return `${sec.item} ${i + 1}`; }

  function addRow(sec, container, data, { focus = false } = {}) {
    const rowId = nextId(sec.key);
    const row = h('div', { class: 'row' + (sec.card ? ' row-card' : ''), 'data-section': sec.key, id: rowId, role: 'group' });
    const heading = h('span', { class: 'row-title', id: `${rowId}-title` });
    row.setAttribute('aria-labelledby', `${rowId}-title`);
    const remove = h('button', { type: 'button', class: 'remove' }, 'Remove');
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(container, sec);
      formChanged();
      const addBtn = container.parentElement.querySelector(':scope > .add-row, :scope > .section-actions .add-row');
      (next && next.classList.contains('row') ? next.querySelector('input, select') : addBtn)?.focus();
    });
    const fields = h('div', { class: 'row-fields' });
    const d = data || {};
    for (const f of sec.fields) fields.append(buildField(f, rowId, d[f.key]));
    if (sec.card) {
      row.append(h('div', { class: 'row-head' }, heading, remove), fields);
    } else {
      // One line per entry where it fits: number, fields (wrapping among themselves), Remove.
      row.classList.add('compact');
      row.append(h('div', { class: 'row-num' }, heading), fields, h('div', { class: 'row-remove' }, remove));
    }
    if (sec.key === 'labs') {
      const test = $('select[data-role=test]', row);
      const unit = $('select[data-role=unit]', row);
      fillUnits(unit, test.value || null, d.unit);
      test.addEventListener('change', () => { fillUnits(unit, test.value || null); formChanged(); });
      unit.addEventListener('change', () => { if (test.value) lastUnit[test.value] = unit.value; });
    }
    for (const us of $$('select[data-part=unit]', row)) {
      const q = sec.fields.concat(sec.sub ? sec.sub.fields : []).find((f) => us.id.endsWith(`-${f.key}-unit`))?.units;
      if (q) us.addEventListener('change', () => { lastUnit[q] = us.value; });
    }
    if (sec.sub) {
      const subSec = sec.sub;
      const subBox = h('div', { class: 'subsection' });
      const subTitleId = `${rowId}-sub-title`;
      const subRows = h('div', { class: 'rows', 'data-sub': subSec.key });
      const addSub = h('button', { type: 'button', class: 'add-row' }, subSec.addText);
      addSub.addEventListener('click', () => { addRow(subSec, subRows, null, { focus: true }); formChanged(); });
      subBox.append(h('p', { class: 'sub-title', id: subTitleId }, subSec.title, ' ', h('span', { class: 'hint-inline' }, `(up to ${subSec.max}; ${subSec.hint})`)),
        subRows, h('div', { class: 'section-actions' }, addSub));
      subRows.setAttribute('aria-labelledby', subTitleId);
      subRows.setAttribute('role', 'group');
      row.append(subBox);
      for (const t of d[subSec.key] || []) addRow(subSec, subRows, t);
      renumber(subRows, subSec);
    }
    row.append(h('ul', { class: 'row-errors', id: `${rowId}-errors`, hidden: true }));
    container.append(row);
    renumber(container, sec);
    if (focus) $('input, select', fields)?.focus();
    return row;
  }

  function renumber(container, sec) {
    const rows = $$(':scope > .row', container);
    rows.forEach((r, i) => {
      const parentTitle = container.closest('.row')?.querySelector('.row-title')?.textContent;
      const title = rowNumberText(sec, i);
      $('.row-title', r).textContent = title;
      $('.remove', r).setAttribute('aria-label', `Remove ${title.toLowerCase()}${parentTitle ? ' of ' + parentTitle.toLowerCase() : ''}`);
    });
    if (sec.max) {
      const add = container.parentElement.querySelector('.add-row');
      if (add) add.disabled = rows.length >= sec.max;
    }
  }

  function buildSections() {
    const host = $('#form-sections');
    for (const sec of SECTIONS) {
      const fs = h('fieldset', { class: 'section', id: `sec-${sec.key}` });
      const rows = h('div', { class: 'rows', 'data-rows': sec.key });
      const add = h('button', { type: 'button', class: 'add-row' }, sec.addText);
      add.addEventListener('click', () => {
        const prev = $$(':scope > .row', rows).pop();
        const data = {};
        if (prev && sec.key === 'labs') data.date = $('input.date', prev).value || undefined;
        addRow(sec, rows, data, { focus: true });
        formChanged();
      });
      const actions = h('div', { class: 'section-actions' }, add);
      if (sec.key === 'labs') {
        const panel = h('button', { type: 'button', class: 'add-row' }, 'Add liver panel (bilirubin, albumin, INR)');
        panel.addEventListener('click', () => {
          const prev = $$(':scope > .row', rows).pop();
          const date = prev ? $('input.date', prev).value || undefined : undefined;
          let first = null;
          for (const test of ['bilirubin', 'albumin', 'inr']) {
            const r = addRow(sec, rows, { date, test });
            first = first || r;
          }
          $('input, select', first)?.focus();
          formChanged();
        });
        actions.append(panel);
      }
      fs.append(h('legend', {}, sec.title));
      if (sec.hint) fs.append(h('p', { class: 'hint' }, sec.hint));
      fs.append(rows, actions);
      host.append(fs);
    }
    host.append(h('datalist', { id: 'modality-list' }, ['CT', 'MRI', 'CEUS'].map((v) => h('option', { value: v }))));
    host.append(h('datalist', { id: 'technique-list' }, ['cTACE', 'DEB-TACE', 'B-TACE'].map((v) => h('option', { value: v }))));
  }

  // --- form → record -----------------------------------------------------------------------------

  const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  // A number as typed: a JSON number when it is one, otherwise the text itself, so that the server
  // reports it at this field ("must be a number, found string '3,4'") instead of the page guessing.
  function parseNumber(text) {
    const t = text.trim();
    if (t === '') return undefined;
    return NUMBER_RE.test(t) ? Number(t) : t;
  }

  function readField(f, row) {
    const w = $(`:scope > .row-fields > .field[data-key="${f.key}"]`, row);
    if (f.kind === 'measure') {
      const v = parseNumber($('[data-part=value]', w).value);
      if (v === undefined) return undefined;
      return { value: v, unit: $('[data-part=unit]', w).value };
    }
    const c = $(`[data-key="${f.key}"]`, w);
    const raw = c.value;
    switch (f.kind) {
      case 'number': case 'int': return parseNumber(raw);
      case 'tri': return raw === '' ? undefined : raw === 'true';
      case 'select': return raw === '' ? (f.required ? '' : undefined) : f.number ? Number(raw) : raw;
      case 'date': return raw.trim() === '' ? undefined : raw.trim();
      case 'text': return raw.trim() === '' ? undefined : raw.trim();
      default: return raw;
    }
  }

  function readRow(sec, row) {
    const out = {};
    for (const f of sec.fields) {
      let v = readField(f, row);
      // Required members are always sent, empty if need be, so that the server names them.
      if (v === undefined && (f.key === 'date' || f.key === 'start' || sec.key === 'labs')) v = f.kind === 'number' ? undefined : '';
      if (v !== undefined) out[f.key] = v;
    }
    if (sec.sub) {
      const subs = $$(`:scope > .subsection > .rows > .row`, row).map((r) => readRow(sec.sub, r));
      if (subs.length) out[sec.sub.key] = subs;
    }
    return out;
  }

  function formRecord() {
    const rec = { schema: 'switchpoint.record/1' };
    const p = { id: $('#patient-id').value.trim() };
    if ($('#patient-birth').value) p.birth_date = $('#patient-birth').value;
    if ($('#patient-sex').value) p.sex = $('#patient-sex').value;
    if ($('#patient-curative').value) p.curative_treatment_unsuitable = $('#patient-curative').value === 'true';
    rec.patient = p;
    for (const sec of SECTIONS) {
      const rows = $$(`[data-rows="${sec.key}"] > .row`);
      if (rows.length) rec[sec.key] = rows.map((r) => readRow(sec, r));
    }
    return rec;
  }
  const formJsonText = () => JSON.stringify(formRecord(), null, 2) + '\n';

  let formJsonTimer = 0;
  function updateFormJson() {
    clearTimeout(formJsonTimer);
    $('#form-json').textContent = formJsonText();
  }
  function formChanged() {
    clearTimeout(formJsonTimer);
    formJsonTimer = setTimeout(updateFormJson, 150);
    markStale('form');
  }

  // --- record → form ------------------------------------------------------------------------------

  const KNOWN_KEYS = {
    top: ['schema', 'patient', ...SECTIONS.map((s) => s.key)],
    patient: ['id', 'birth_date', 'sex', 'curative_treatment_unsuitable'],
  };
  function loadIntoForm(rec) {
    const dropped = [];
    for (const k of Object.keys(rec)) if (!KNOWN_KEYS.top.includes(k)) dropped.push(k);
    const p = rec.patient && typeof rec.patient === 'object' ? rec.patient : {};
    for (const k of Object.keys(p)) if (!KNOWN_KEYS.patient.includes(k)) dropped.push('patient/' + k);
    $('#patient-id').value = p.id ?? '';
    $('#patient-birth').value = typeof p.birth_date === 'string' ? p.birth_date : '';
    const sex = $('#patient-sex');
    if (p.sex && !Array.from(sex.options).some((o) => o.value === p.sex)) sex.append(option(p.sex, p.sex));
    sex.value = p.sex || '';
    $('#patient-curative').value = p.curative_treatment_unsuitable === true ? 'true' : p.curative_treatment_unsuitable === false ? 'false' : '';
    for (const sec of SECTIONS) {
      const rows = $(`[data-rows="${sec.key}"]`);
      rows.replaceChildren();
      const list = Array.isArray(rec[sec.key]) ? rec[sec.key] : [];
      list.forEach((item, i) => {
        if (!item || typeof item !== 'object') { dropped.push(`${sec.key}/${i}`); return; }
        const known = sec.fields.map((f) => f.key).concat(sec.sub ? [sec.sub.key] : []);
        for (const k of Object.keys(item)) if (!known.includes(k)) dropped.push(`${sec.key}/${i}/${k}`);
        addRow(sec, rows, item);
      });
    }
    clearFormProblems();
    updateFormJson();
    return dropped;
  }

  // ---------------------------------------------------------------------------------------------
  // Problems: the server's list, shown next to the input it concerns

  function pointerParts(loc) {
    if (!loc || loc[0] !== '/') return [];
    return loc.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  function resolvePointer(obj, parts) {
    let cur = obj;
    for (const p of parts) {
      if (cur === null || typeof cur !== 'object' || !(p in cur)) return undefined;
      cur = cur[p];
    }
    return cur;
  }

  // The form element a JSON pointer designates, with a human description of where it is.
  function locateInForm(loc) {
    const parts = pointerParts(loc);
    if (!parts.length) return null;
    if (parts[0] === 'patient') {
      const key = parts[1];
      const el = key ? $(`#sec-patient [data-key="${key}"]:is(input, select)`) : $('#patient-id');
      return { row: $('#sec-patient'), errors: $('#patient-error'), field: el || $('#patient-id'),
        where: `Patient${key ? ', ' + (el ? el.labels[0].textContent.replace(/\s*\(required\)/, '') : key) : ''}` };
    }
    const sec = SECTION_BY_KEY[parts[0]];
    if (!sec) return null;
    const rows = $$(`[data-rows="${sec.key}"] > .row`);
    const i = Number(parts[1]);
    if (!Number.isInteger(i) || !rows[i]) return { row: $(`#sec-${sec.key}`), errors: null, field: $(`#sec-${sec.key} .add-row`), where: sec.title };
    let row = rows[i];
    let where = `${sec.title}, ${rowNumberText(sec, i).toLowerCase()}`;
    let fieldKey = parts[2];
    let fields = sec.fields;
    if (sec.sub && fieldKey === sec.sub.key) {
      const subRows = $$(`:scope > .subsection > .rows > .row`, row);
      const j = Number(parts[3]);
      if (Number.isInteger(j) && subRows[j]) {
        row = subRows[j];
        where += `, ${rowNumberText(sec.sub, j).toLowerCase()}`;
        fieldKey = parts[4];
        fields = sec.sub.fields;
      } else {
        return { row, errors: $(':scope > .row-errors', row), field: $('.subsection .add-row', row), where: where + ', target lesions' };
      }
    }
    // A lab entry is refused as a whole when its value is implausible in its unit: point at the
    // value and its unit.
    if (sec.key === 'labs' && fieldKey === undefined) {
      const value = $(':scope > .row-fields > .field[data-key="value"] input', row);
      const unit = $(':scope > .row-fields > .field[data-key="unit"] select', row);
      return { row, errors: $(':scope > .row-errors', row), field: value, also: [unit], where };
    }
    const f = fields.find((x) => x.key === fieldKey);
    let field = null;
    if (f) {
      const w = $(`:scope > .row-fields > .field[data-key="${f.key}"]`, row);
      field = f.kind === 'measure' ? $(parts[parts.length - 1] === 'unit' ? '[data-part=unit]' : '[data-part=value]', w) : $('input, select', w);
      where += `, ${f.label}`;
    }
    return { row, errors: $(':scope > .row-errors', row), field: field || $('input, select', row), where };
  }

  function clearFormProblems() {
    for (const el of $$('#record-form [aria-invalid]')) {
      el.removeAttribute('aria-invalid');
      const d = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-errors') && x !== 'patient-error');
      if (d.length) el.setAttribute('aria-describedby', d.join(' ')); else el.removeAttribute('aria-describedby');
    }
    for (const el of $$('#record-form .has-error')) el.classList.remove('has-error');
    for (const ul of $$('#record-form .row-errors')) { ul.replaceChildren(); ul.hidden = true; }
    const box = $('#form-problems');
    box.hidden = true;
    box.replaceChildren();
  }

  function problemsHeading(count, id) {
    return h('h3', { id, tabindex: '-1' },
      `Not evaluated: the record has ${count} problem${count === 1 ? '' : 's'}`);
  }

  function showFormProblems(error, problems) {
    clearFormProblems();
    const box = $('#form-problems');
    const list = h('ul', { class: 'problem-list' });
    for (const p of problems) {
      const loc = locateInForm(p.location);
      const item = h('li', {}, h('code', { class: 'loc' }, p.location || '(whole record)'), ' ');
      if (loc) {
        item.append(h('span', { class: 'where' }, loc.where + ': '));
        if (loc.row) loc.row.classList.add('has-error');
        for (const el of [loc.field, ...(loc.also || [])]) {
          if (!el || !el.matches('input, select')) continue;
          el.setAttribute('aria-invalid', 'true');
          if (loc.errors) {
            const d = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
            if (!d.includes(loc.errors.id)) d.push(loc.errors.id);
            el.setAttribute('aria-describedby', d.join(' '));
          }
        }
        if (loc.errors) {
          loc.errors.hidden = false;
          loc.errors.append(h('li', {}, h('span', { class: 'err-mark', 'aria-hidden': 'true' }, '✖ '), p.message));
        }
      }
      item.append(h('span', { class: 'msg' }, p.message));
      if (loc && loc.field) {
        item.append(' ', h('button', { type: 'button', class: 'link-button', onclick: () => { loc.field.focus(); loc.field.scrollIntoView({ block: 'center' }); } },
          'Go to the field'));
      }
      list.append(item);
    }
    box.append(problemsHeading(problems.length || 1, 'form-problems-heading'), h('p', { class: 'error-summary' }, error), list);
    box.hidden = false;
    $('#form-problems-heading').focus();
  }

  // Where each value of a JSON text starts and ends, by JSON pointer. Only called on text that
  // JSON.parse accepted, so the scan can trust its structure.
  function jsonValueRanges(text) {
    const ranges = new Map();
    let i = 0;
    const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
    const str = () => {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i));
    };
    const esc = (k) => k.replace(/~/g, '~0').replace(/\//g, '~1');
    const value = (ptr, depth) => {
      ws();
      const start = i;
      const c = text[i];
      if (depth > 200) throw new Error('too deep');
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        i++;
        ws();
        let n = 0;
        while (i < text.length && text[i] !== close) {
          let key = String(n++);
          if (c === '{') { key = esc(str()); ws(); i++; /* the colon */ }
          value(`${ptr}/${key}`, depth + 1);
          ws();
          if (text[i] === ',') { i++; ws(); }
        }
        i++;
      } else if (c === '"') {
        str();
      } else {
        while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
      }
      ranges.set(ptr, [start, i]);
    };
    try { value('', 0); } catch { /* no positions then */ }
    return ranges;
  }

  function rangeOf(ranges, loc) {
    const parts = pointerParts(loc);
    for (let n = parts.length; n >= 1; n--) {
      const r = ranges.get('/' + parts.slice(0, n).map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/'));
      if (r) return r;
    }
    return null;
  }

  function showInText(range) {
    const ta = $('#record-json');
    const line = ta.value.slice(0, range[0]).split('\n').length;
    ta.focus();
    ta.setSelectionRange(range[0], range[1]);
    const lh = parseFloat(getComputedStyle(ta).lineHeight) || 16;
    ta.scrollTop = Math.max(0, (line - 3) * lh);
  }

  function showLoadProblems(error, problems, parsed, text) {
    const box = $('#load-problems');
    box.replaceChildren();
    const list = h('ul', { class: 'problem-list' });
    const ranges = text && text.length < 8 * 1048576 ? jsonValueRanges(text) : new Map();
    for (const p of problems) {
      const range = rangeOf(ranges, p.location);
      const line = range ? text.slice(0, range[0]).split('\n').length : null;
      const item = h('li', {}, h('code', { class: 'loc' }, p.location || '(whole record)'), ' ', h('span', { class: 'msg' }, p.message));
      if (range) {
        item.append(' ', h('button', { type: 'button', class: 'link-button', onclick: () => showInText(range) }, `Show in the text (line ${line})`));
      }
      // Show the entry the pointer names (at most three levels deep) so the problem can be found.
      const parts = pointerParts(p.location);
      if (parsed !== undefined && parts.length) {
        for (let n = Math.min(parts.length, 3); n >= 1; n--) {
          const v = resolvePointer(parsed, parts.slice(0, n));
          if (v !== undefined && v !== null && typeof v === 'object') {
            let s = JSON.stringify(v);
            if (s.length > 240) s = s.slice(0, 240) + ' …';
            item.append(h('div', { class: 'snippet' }, h('span', { class: 'snippet-label' }, `at /${parts.slice(0, n).join('/')}: `), h('code', {}, s)));
            break;
          }
        }
      }
      list.append(item);
    }
    box.append(problemsHeading(problems.length || 1, 'load-problems-heading'), h('p', { class: 'error-summary' }, error));
    if (problems.length) box.append(list);
    box.hidden = false;
    $('#load-problems-heading').focus();
  }

  function showInputError(mode, message, detail) {
    const box = mode === 'form' ? $('#form-problems') : $('#load-problems');
    if (mode === 'form') clearFormProblems();
    box.replaceChildren(h('h3', { id: `${mode}-problems-heading`, tabindex: '-1' }, 'Not evaluated'), h('p', { class: 'error-summary' }, message));
    if (detail) box.append(h('p', {}, detail));
    box.hidden = false;
    $(`#${mode}-problems-heading`).focus();
  }

  function asOfInvalid(msg) {
    const el = $('#as-of');
    el.setAttribute('aria-invalid', 'true');
    const err = $('#as-of-error');
    err.textContent = `${msg}. Leave it empty for the record’s latest entry.`;
    err.hidden = false;
    el.setAttribute('aria-describedby', 'as-of-error as-of-hint');
    el.focus();
  }

  function clearProblems() {
    const asOf = $('#as-of');
    asOf.removeAttribute('aria-invalid');
    asOf.setAttribute('aria-describedby', 'as-of-hint');
    $('#as-of-error').hidden = true;
    clearFormProblems();
    const box = $('#load-problems');
    box.hidden = true;
    box.replaceChildren();
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation

  let current = null; // {decision, html, recordText, mode, origin}
  let evaluating = false;
  let recordOrigin = 'pasted JSON';

  function currentRecordText(mode) {
    return mode === 'form' ? formJsonText() : $('#record-json').value;
  }

  async function post(body, format, asOf, timeoutMs = 30000) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const q = new URLSearchParams({ format });
      if (asOf) q.set('as_of', asOf);
      return await fetch(`/api/evaluate?${q}`, { method: 'POST', body, signal: ctl.signal,
        headers: { 'Content-Type': 'application/json' }, cache: 'no-store' });
    } finally {
      clearTimeout(timer);
    }
  }

  function clearResults() {
    current = null;
    $('#result-section').hidden = true;
    $('#report-section').hidden = true;
    $('#result-body').replaceChildren();
    $('#stale-banner').hidden = true;
    $('#report-frame').srcdoc = '';
    $('#report-frame').style.height = '';
    setStatus($('#report-status'), '');
  }

  function markStale(mode) {
    if (current && (mode === undefined || mode === current.mode || mode === 'as-of')) $('#stale-banner').hidden = false;
  }

  async function evaluate(mode = activeMode()) {
    if (evaluating) return;
    const status = $('#eval-status');
    const text = currentRecordText(mode);
    clearProblems();
    clearResults();
    if (text.trim() === '') {
      showInputError(mode, 'There is no record to evaluate.', mode === 'load'
        ? 'Upload a file, load an example or paste a record first.' : 'Fill in at least the patient identifier.');
      setStatus(status, 'Not evaluated: no record.', 'bad');
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      showInputError(mode, `Not valid JSON: ${e.message}.`, 'Check the brackets, commas and quotes near that position. Nothing was sent to the server.');
      setStatus(status, 'Not evaluated: the text is not valid JSON.', 'bad');
      return;
    }
    const asOf = $('#as-of').value.trim();
    if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
      asOfInvalid(`as_of '${asOf}' is not a date YYYY-MM-DD`);
      setStatus(status, 'Not evaluated: the as-of date is not written YYYY-MM-DD.', 'bad');
      return;
    }
    evaluating = true;
    const btn = $('#evaluate');
    btn.disabled = true;
    btn.textContent = 'Evaluating…';
    $('#input-section').setAttribute('aria-busy', 'true');
    setStatus(status, 'Evaluating…');
    try {
      let res;
      try {
        res = await post(text, 'json', asOf);
      } catch (e) {
        const msg = e.name === 'AbortError' ? 'The server did not answer within 30 seconds.'
          : 'The switchpoint server could not be reached (is `switchpoint serve` still running?).';
        showInputError(mode, msg, `The record is ${fmtBytes(new Blob([text]).size)}.`);
        setStatus(status, 'Not evaluated: ' + msg, 'bad');
        return;
      }
      let body = null;
      try { body = await res.json(); } catch { body = null; }
      if (res.status === 413) {
        const size = fmtBytes(new Blob([text]).size);
        showInputError(mode, `The record is too large for this server (HTTP 413: ${body?.error || 'request body exceeds the size limit'}).`,
          `The record is ${size}. The limit is set when the server is started (switchpoint serve --max-body). ` +
          'Remove data that the engine does not use (a FHIR export can hold many unrelated resources) or ask for a higher limit.');
        setStatus(status, 'Not evaluated: the record is too large (HTTP 413).', 'bad');
        return;
      }
      if (res.status === 400 && body && (!Array.isArray(body.problems) || body.problems.length === 0)) {
        const msg = body.error || 'the request was refused';
        if (/^as_of\b/.test(msg)) {
          asOfInvalid(msg);
        } else {
          showInputError(mode, `Not evaluated: ${msg}.`);
        }
        setStatus(status, `Not evaluated: ${msg}.`, 'bad');
        return;
      }
      if (res.status === 400 && body) {
        const problems = body.problems;
        if (mode === 'form') showFormProblems(body.error || 'invalid record', problems);
        else showLoadProblems(body.error || 'invalid record', problems, parsed, text);
        setStatus(status, `Not evaluated: ${body.error || 'invalid record'}.`, 'bad');
        return;
      }
      if (!res.ok || !body || body.schema !== 'switchpoint.decision/1') {
        const msg = `The server answered HTTP ${res.status}${body?.error ? ': ' + body.error : ''}.`;
        showInputError(mode, msg);
        setStatus(status, 'Not evaluated: ' + msg, 'bad');
        return;
      }
      current = { decision: body, html: null, recordText: text, mode, origin: mode === 'form' ? 'the form' : recordOrigin };
      renderDecision(body);
      setStatus(status, `Evaluated: ${VERDICTS[body.checkpoint?.verdict]?.word || body.checkpoint?.verdict} — patient ${body.patient_id}, as of ${body.as_of}.`, 'good');
      $('#result-heading').focus({ preventScroll: true });
      $('#result-section').scrollIntoView({ block: 'start' });
      loadReport(text, asOf, current);
    } finally {
      evaluating = false;
      btn.disabled = false;
      btn.textContent = evaluateLabel();
      $('#input-section').removeAttribute('aria-busy');
    }
  }

  // The SMART launch page (launch.html, smart.js): a Bundle read from the EHR, evaluated and shown
  // like any record. Returns null when the decision is shown, else what went wrong.
  async function showEvaluation(text, origin) {
    clearResults();
    let res;
    let body = null;
    try { res = await post(text, 'json', ''); } catch (e) {
      return e.name === 'AbortError' ? 'The switchpoint server did not answer within 30 seconds.' : 'The switchpoint server could not be reached.';
    }
    try { body = await res.json(); } catch { body = null; }
    if (!res.ok || !body || body.schema !== 'switchpoint.decision/1') {
      const problems = (body?.problems || []).slice(0, 5).map((p) => `${p.location || ''} ${p.message || ''}`.trim());
      return `The switchpoint server did not evaluate the record (HTTP ${res.status}${body?.error ? ': ' + body.error : ''})${problems.length ? ': ' + problems.join('; ') : ''}.`;
    }
    current = { decision: body, html: null, recordText: text, mode: 'smart', origin };
    renderDecision(body);
    loadReport(text, '', current);
    return null;
  }

  async function loadReport(text, asOf, forResult) {
    const section = $('#report-section');
    const st = $('#report-status');
    section.hidden = false;
    setStatus(st, 'Loading the full report…');
    $('#download-report').disabled = true;
    $('#print-report').disabled = true;
    let html;
    try {
      const res = await post(text, 'html', asOf, 60000);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      html = await res.text();
    } catch (e) {
      if (current === forResult) setStatus(st, `The full report could not be loaded (${e.message}). The decision above is complete.`, 'bad');
      return;
    }
    if (current !== forResult) return; // a newer evaluation started meanwhile
    current.html = html;
    const frame = $('#report-frame');
    frame.title = `Full report for patient ${forResult.decision.patient_id} as of ${forResult.decision.as_of}`;
    frame.addEventListener('load', () => fitFrame(frame), { once: true });
    frame.srcdoc = html;
    $('#download-report').disabled = false;
    $('#print-report').disabled = false;
    setStatus(st, 'Full report loaded.');
  }

  function fitFrame(frame) {
    try {
      const doc = frame.contentDocument;
      if (!doc) return;
      const hgt = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
      frame.style.height = `${Math.min(Math.max(hgt + 24, 300), 20000)}px`;
    } catch { /* a cross-origin frame keeps its CSS height */ }
  }

  // ---------------------------------------------------------------------------------------------
  // The decision at a glance

  function keyEvidence(def) {
    for (const c of def.criteria || []) {
      if (c.met === true && c.on === def.since) return `${c.id}: ${c.evidence?.[0] || ''}`;
    }
    if (def.status === 'insufficient-data') return 'missing: ' + (def.missing || []).join(', ');
    if (def.status === 'not-refractory') return 'no criterion met';
    return '';
  }

  function statusBadge(status, text, mark) {
    return h('span', { class: `badge st-${status}` }, h('span', { class: 'mark', 'aria-hidden': 'true' }, mark + ' '), text);
  }

  function reasonsList(items, cls) {
    if (!items || !items.length) return null;
    return h('ul', { class: cls || 'reasons' }, items.map((r) => h('li', {}, r)));
  }

  function renderDecision(d) {
    const body = $('#result-body');
    const cp = d.checkpoint || {};
    const v = VERDICTS[cp.verdict] || { word: String(cp.verdict).toUpperCase(), text: '' };

    // Who and when: the patient and the date first, where a tumour board looks for them.
    // Issue 14: the resources sent but not read, as one line (input.not_read_line, plain text); the
    // other skipped entries (repeats read once, entries after the as-of date, …) as counted.
    const notReadKeys = new Map();
    for (const e of d.input?.not_read || []) notReadKeys.set(e.key, (notReadKeys.get(e.key) || 0) + e.count);
    // "used: diagnosis" says a resource was read (the HCC diagnosis): not listed as skipped.
    const skipped = Object.entries(d.input?.skipped || {})
      .map(([k, n]) => [k, n - (notReadKeys.get(k) || 0)]).filter(([k, n]) => n > 0 && !k.startsWith('used:'));
    const notReadLine = d.input?.not_read_line || '';
    const meta = h('div', { class: 'meta' },
      h('p', { class: 'who' }, h('span', { class: 'meta-label' }, 'Patient '), h('strong', { id: 'result-patient' }, d.patient_id),
        h('span', { class: 'meta-label' }, ' as of '), h('strong', { id: 'result-as-of' }, d.as_of)),
      h('p', { class: 'provenance' }, `${d.input?.format || '?'} from ${current?.origin || '?'} · engine ${d.engine_version} · knowledge ${d.knowledge_version}`));

    // The verdict, the two questions of the checkpoint as answers, the reasons behind them.
    const q = cp.questions || {};
    const answer = (key, title) => {
      const a = (q[key] || {}).answer || cp[key];
      return h('p', { class: 'question', 'data-question': key }, `${title} `,
        h('span', { class: `answer ans-${a}` }, ANSWER_TEXT[a] || a));
    };
    const details = h('details', { class: 'question-details' }, h('summary', {}, 'The reasons behind each answer'),
      [['sustained_response', 'Sustained response expected?'], ['liver_function', 'Liver function maintained?']].map(([key, title]) => {
        const qq = q[key] || {};
        return h('div', { class: 'question-detail' }, h('h4', {}, `${title} ${ANSWER_TEXT[qq.answer] || qq.answer || ''}`),
          reasonsList(qq.reasons), qq.obtain?.length ? h('p', { class: 'obtain' }, `${qq.obtain.length} missing fact${qq.obtain.length === 1 ? '' : 's'}: see “To obtain before deciding”.`) : null);
      }));
    // P-obtain-list: one line per missing fact with what it would settle, most decisions first.
    const obtainList = (d.obtain || []).length
      ? h('div', { class: 'obtain', id: 'obtain' }, h('strong', {}, 'To obtain before deciding (most decisions first):'),
        h('ol', { class: 'obtain-list' }, d.obtain.map((o) => h('li', { class: 'obtain-item' }, o.fact,
          o.not_read_note ? h('span', { class: 'not-read-note' }, ' — ' + o.not_read_note) : null,
          h('span', { class: 'settles' }, ' — would settle: ' + settles(o))))))
      : null;
    const warnings = (d.warnings || []).length
      ? h('div', { class: 'warnings', id: 'warnings', role: 'alert' }, h('strong', {}, 'Before reading on:'), reasonsList(d.warnings))
      : null;
    const verdict = h('div', { class: `verdict v-${cp.verdict}`, id: 'verdict', 'data-verdict': cp.verdict },
      warnings,
      h('p', { class: 'verdict-label' }, 'Checkpoint before the next TACE'),
      h('p', { class: 'verdict-word' }, h('span', { id: 'verdict-word' }, v.word), h('span', { class: 'verdict-text' }, ' — ' + v.text)),
      h('div', { class: 'questions' }, answer('sustained_response', 'Sustained response expected?'), answer('liver_function', 'Liver function maintained?')),
      h('p', { class: 'why-label' }, 'Why:'),
      reasonsList(cp.reasons, 'reasons verdict-reasons'),
      obtainList,
      details,
      h('p', { class: 'rule' }, ruleText(cp.rule)));

    // Key scores strip
    const scores = d.scores || {};
    const strip = h('ul', { class: 'score-strip', 'aria-label': 'Key scores' }, KEY_SCORES.filter((k) => scores[k]).map((k) => {
      const s = scores[k];
      return h('li', { class: s.computed ? '' : 'not-computed' }, h('span', { class: 'score-name' }, SCORE_NAMES[k] || k),
        h('span', { class: 'score-value' }, scoreShort(k, s)),
        !s.computed && s.applicable !== false && s.missing?.length ? h('span', { class: 'score-missing' }, 'missing: ' + s.missing.join('; ')) : null);
    }));

    // Alerts
    const alerts = (d.alerts || []).length ? h('div', { class: 'alerts' }, h('h3', {}, 'Alerts'), h('ul', {}, d.alerts.map((a) =>
      h('li', { class: `alert sev-${a.severity}` }, h('strong', {}, a.severity.toUpperCase() + ': '), a.message,
        h('span', { class: 'rule' }, ` [${ruleText(a.rule).slice(1, -1) || a.id}]`))))) : null;

    // Refractoriness table
    const defs = d.refractoriness || [];
    const refr = defs.filter((x) => x.status === 'refractory');
    const insuf = defs.filter((x) => x.status === 'insufficient-data');
    const summary = refr.length
      ? `Refractory under ${refr.length} of ${defs.length} definitions; earliest ${DEFINITION_NAMES[earliest(refr).definition] || earliest(refr).definition} since ${earliest(refr).since}.`
      : insuf.length ? `Not refractory under any definition that could be judged; ${insuf.length} of ${defs.length} lack data.`
        : `Not refractory under any of the ${defs.length} definitions.`;
    const table = h('table', { class: 'refr', id: 'refractoriness-table' },
      h('caption', {}, 'TACE refractoriness, each published definition side by side'),
      h('thead', {}, h('tr', {}, ['Definition', 'Grade', 'Status', 'Since', 'Key evidence'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, defs.map((x) => h('tr', { 'data-definition': x.definition, 'data-status': x.status },
        h('th', { scope: 'row' }, h('span', { class: 'def-name' }, DEFINITION_NAMES[x.definition] || x.definition), h('code', { class: 'def-id' }, x.definition)),
        h('td', { class: 'grade' }, x.grade),
        h('td', { class: 'status-cell' }, statusBadge(x.status, STATUS_TEXT[x.status] || x.status, STATUS_MARK[x.status] || '')),
        h('td', { class: 'since' }, x.since || '—'),
        h('td', { class: 'evidence' }, keyEvidence(x))))));
    const criteria = h('details', { class: 'criteria' }, h('summary', {}, 'Every criterion of every definition, with evidence'),
      defs.map((x) => h('div', { class: 'criteria-def' },
        h('h4', {}, `${DEFINITION_NAMES[x.definition] || x.definition} — ${STATUS_TEXT[x.status] || x.status}`, x.since ? ` since ${x.since}` : ''),
        h('p', { class: 'rule' }, ruleText(x.rule)),
        h('ul', {}, (x.criteria || []).map((c) => h('li', {},
          h('strong', {}, c.met === true ? `met on ${c.on}` : c.met === false ? 'not met' : 'not judgeable'), ` — ${c.id}`,
          reasonsList(c.evidence, 'evidence-list'),
          c.missing?.length ? h('p', { class: 'missing' }, 'missing: ' + c.missing.join(', ')) : null))),
        x.missing?.length ? h('p', { class: 'missing' }, 'missing: ' + x.missing.join(', ')) : null)));

    // Sessions
    const sessions = d.tace_sessions || [];
    const sessTable = sessions.length ? h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'TACE sessions table' },
      h('table', { class: 'sessions' }, h('caption', {}, 'TACE sessions and their response assessments'),
        h('thead', {}, h('tr', {}, ['Session', 'Date', 'Assessment', 'Imaging', 'Days after', 'mRECIST', 'JSH TE'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, sessions.map((s) => {
          const a = s.response_assessment || {};
          return h('tr', {}, h('th', { scope: 'row' }, `S${s.session}`), h('td', {}, s.date), h('td', {}, a.state),
            h('td', {}, a.imaging_date || '—'),
            h('td', {}, a.days_after_session ?? '—', a.outside_28_92_day_window ? ' (outside 28–92 days)' : ''),
            h('td', {}, a.mrecist || '—', a.mrecist_recorded_contradicted ? ` (measured; recorded ${a.mrecist_recorded_contradicted} contradicted)` : ''), h('td', {}, a.jsh_te || '—'));
        })))) : h('p', {}, 'No TACE session on or before the as-of date.');

    // Treatment plan
    const t = d.therapy || {};
    const opts = t.options || [];
    const main = opts.filter((o) => o.status !== 'not-indicated');
    const notInd = opts.filter((o) => o.status === 'not-indicated');
    const rec = opts.find((o) => o.status === 'recommended');
    const optRow = (o) => h('tr', { 'data-regimen': o.regimen, 'data-status': o.status, class: `opt-${o.status}` },
      h('td', {}, statusBadge(o.status, OPTION_STATUS_TEXT[o.status] || o.status, { recommended: '★', eligible: '✓', caution: '!', 'needs-prerequisite': '…', contraindicated: '✖', 'not-indicated': '–' }[o.status] || '')),
      h('th', { scope: 'row' }, o.name),
      h('td', {}, o.dose),
      h('td', {}, o.prerequisites?.length ? h('p', { class: 'prereq' }, h('strong', {}, 'First: '), o.prerequisites.join('; ')) : null,
        o.confirm_before_prescribing?.length ? h('p', { class: 'confirm' }, h('strong', {}, 'Confirm before prescribing: '), o.confirm_before_prescribing.join('; ')) : null,
        whyCell(o)));
    const optTable = (rows, caption) => h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption },
      h('table', { class: 'plan' }, h('caption', {}, caption),
        h('thead', {}, h('tr', {}, ['Status', 'Regimen', 'Dose', 'Why'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows.map(optRow))));
    const planNote = t.supportive_care_only ? h('p', { class: 'plan-note strong' }, 'Best supportive care only.')
      : (cp.verdict !== 'switch' && !t.current_regimen) ? h('p', { class: 'plan-note' }, 'Shown for when TACE stops: the checkpoint does not call for a switch now.') : null;
    const plan = h('section', { class: 'block', 'aria-labelledby': 'plan-heading' },
      h('h3', { id: 'plan-heading' }, `Treatment plan: systemic therapy, line ${t.line ?? '?'}`),
      planNote,
      rec ? h('p', { class: 'recommended' }, h('span', { class: 'rec-label' }, 'Recommended: '), h('strong', { id: 'recommended-regimen', 'data-regimen': rec.regimen }, rec.name), ` — ${rec.dose}`)
        : h('p', { class: 'recommended', id: 'recommended-regimen' }, 'No regimen is recommended.'),
      t.current_regimen ? h('p', {}, `Current regimen: ${t.current_regimen}`) : null,
      t.prior_regimen ? h('p', {}, `Prior regimen: ${t.prior_regimen}`) : null,
      reasonsList(t.reasons),
      main.length ? optTable(main, 'Systemic therapy options') : null,
      notInd.length ? h('details', {}, h('summary', {}, `Not indicated at this line (${notInd.length})`), optTable(notInd, 'Options not indicated at this line')) : null,
      t.trial_information?.length ? h('div', { class: 'info-only' }, h('p', {}, h('strong', {}, 'Information only, not a recommendation:')), reasonsList(t.trial_information)) : null);

    // Follow-up
    const nr = d.next_reassessment;
    const follow = nr ? h('p', { class: 'follow' }, h('strong', {}, 'Next imaging reassessment: '),
      `between ${nr.window_opens} and ${nr.due}`, nr.last_imaging ? ` (last imaging ${nr.last_imaging})` : '') : null;

    // All scores
    const allScores = h('details', { class: 'all-scores' }, h('summary', {}, `All scores (${Object.keys(scores).length})`),
      h('dl', { class: 'score-list' }, Object.entries(scores).map(([k, s]) => h('div', {},
        h('dt', {}, SCORE_NAMES[k] || k, s.informational_only ? ' (informational only)' : ''),
        h('dd', {}, s.summary || (s.computed ? 'computed' : 'not computed'),
          s.missing?.length ? ` — missing: ${s.missing.join(', ')}` : '', s.at ? ` [at ${s.at}; ${s.rule?.id}, grade ${s.rule?.grade}]` : '')))));

    body.replaceChildren(
      meta,
      h('div', { class: 'glance' }, h('div', { class: 'glance-main' }, verdict, alerts), h('div', { class: 'glance-side' },
        h('h3', {}, 'Systemic therapy'),
        h('p', { class: 'side-plan' }, t.supportive_care_only ? 'Best supportive care only.'
          : rec ? [`Line ${t.line ?? '?'}, recommended: `, h('strong', {}, rec.name)] : `Line ${t.line ?? '?'}: no regimen is recommended.`,
        cp.verdict !== 'switch' && !t.current_regimen && !t.supportive_care_only ? h('span', { class: 'side-note' }, ' (for when TACE stops)') : null),
        h('h3', {}, 'Key scores'), strip, follow)),
      h('section', { class: 'block', 'aria-labelledby': 'refr-heading' },
        h('h3', { id: 'refr-heading' }, 'TACE refractoriness'),
        h('p', { class: 'refr-summary', id: 'refractoriness-summary' }, summary),
        h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'Refractoriness table' }, table),
        h('p', { class: 'legend' }, 'Grade of each definition’s rule: V verified in the primary text; S confirmed in a reliable secondary source; ',
          'P project operationalization where the source gives no number; U unverified, informational only (never drives a verdict). ',
          '“Since”: the date of the observation that completed the first criterion met.'),
        criteria),
      plan,
      h('section', { class: 'block', 'aria-labelledby': 'sess-heading' }, h('h3', { id: 'sess-heading' }, 'TACE sessions'), sessTable, allScores),
      h('p', { class: 'notice-inline' }, d.notice || 'Decision support for clinicians, not a substitute for clinical judgement.'));
    if (skipped.length) {
      meta.after(h('p', { class: 'skipped' }, `FHIR resources skipped (not used by the engine): ${skipped.map(([k, n]) => `${n} × ${k}`).join('; ')}.`));
    }
    if (notReadLine) meta.after(h('p', { class: 'not-read', id: 'not-read' }, notReadLine));
    $('#result-section').hidden = false;
  }

  // The first reason in full, the others and the source one click away: the full report below
  // lists them all too.
  function whyCell(o) {
    const reasons = (o.reasons || []).filter((r) => !r.startsWith('prerequisite: '));
    if (!reasons.length) return h('p', { class: 'rule' }, ruleText(o.rule));
    const first = h('p', { class: 'why-first' }, reasons[0]);
    if (reasons.length === 1) return [first, h('p', { class: 'rule' }, ruleText(o.rule))];
    return [first, h('details', { class: 'why-more' }, h('summary', {}, `${reasons.length - 1} more reason${reasons.length === 2 ? '' : 's'} and the source`),
      reasonsList(reasons.slice(1), 'reasons compact'), h('p', { class: 'rule' }, ruleText(o.rule)))];
  }

  // "checkpoint verdict, Galle 2017 and 7 systemic regimens"
  function settles(o) {
    const parts = [...(o.would_settle || [])];
    const regs = o.regimens_waiting || [];
    if (regs.length > 2) parts.push(`${regs.length} systemic regimens`);
    else parts.push(...regs);
    return parts.length <= 1 ? parts.join('') : parts.slice(0, -1).join(', ') + ' and ' + parts[parts.length - 1];
  }

  function earliest(defs) {
    return defs.reduce((a, b) => (!a.since || (b.since && b.since < a.since) ? b : a));
  }
  function ruleText(r) {
    if (!r) return '';
    return `[${r.id}; grade ${r.grade}${r.grade_note ? ' (' + r.grade_note + ')' : ''}; ${r.source}]`;
  }
  function scoreShort(key, s) {
    if (!s.computed) return s.applicable === false ? 'not applicable' : 'not computed';
    switch (key) {
      case 'child_pugh': return `${s.class}${s.points} (${s.points} points)`;
      case 'albi': return `${s.value} — grade ${s.grade}, mALBI ${s.mgrade}`;
      case 'bclc': return `stage ${s.stage}`;
      case 'up_to_seven': return `${s.value} — ${s.within ? 'within' : 'beyond'}`;
      case 'art': return `${Number(s.points).toFixed(1)} points`;
      case 'mrecist': return s.category + (s.recorded_contradicted ? ' (measured; the recorded category is contradicted)' : '');
      default: return s.summary || '';
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Loading records

  function describeKind(text) {
    const el = $('#record-json-kind');
    if (!text.trim()) { el.textContent = ''; return; }
    try {
      const o = JSON.parse(text);
      el.textContent = o && o.resourceType === 'Bundle' ? 'Detected: FHIR R4 Bundle.'
        : o && o.schema === 'switchpoint.record/1' ? `Detected: native record of patient ${o.patient?.id ?? '?'}.`
          : 'Detected: JSON, but neither a native record nor a FHIR Bundle.';
    } catch {
      el.textContent = 'Not valid JSON yet.';
    }
  }

  function setRecordText(text, origin) {
    $('#record-json').value = text;
    recordOrigin = origin;
    describeKind(text);
  }

  async function loadFile(file) {
    clearProblems();
    clearResults();
    if (file.size > 64 * 1048576) {
      showInputError('load', `The file ${file.name} is ${fmtBytes(file.size)}; that is far beyond any patient record.`);
      return;
    }
    let text;
    try { text = await file.text(); } catch (e) {
      showInputError('load', `The file ${file.name} could not be read (${e.message}).`);
      return;
    }
    setRecordText(text, `file ${file.name}`);
    await evaluate('load');
  }

  async function loadExamples() {
    const sel = $('#example-select');
    try {
      const res = await fetch('/api/examples', { cache: 'no-store' });
      const body = await res.json();
      sel.replaceChildren(...body.examples.map((n) => option(n, n.replace(/\.json$/, '').replace(/^(\d+)-/, '$1 — ').replace(/-/g, ' '))));
    } catch {
      sel.replaceChildren(option('', 'examples unavailable'));
    }
  }

  async function loadExample() {
    const name = $('#example-select').value;
    if (!name) return;
    clearProblems();
    clearResults();
    try {
      const res = await fetch(`/api/examples/${encodeURIComponent(name)}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      setRecordText(await res.text(), `example ${name}`);
    } catch (e) {
      showInputError('load', `The example ${name} could not be loaded (${e.message}).`);
      return;
    }
    await evaluate('load');
  }

  function jsonToForm() {
    const text = $('#record-json').value;
    let rec;
    try { rec = JSON.parse(text); } catch (e) {
      showInputError('load', `Not valid JSON: ${e.message}.`, 'Only a valid native record can be opened in the form.');
      return;
    }
    if (!rec || typeof rec !== 'object' || Array.isArray(rec) || rec.resourceType) {
      showInputError('load', 'Only a native switchpoint.record/1 record can be opened in the form.',
        rec && rec.resourceType ? 'A FHIR Bundle is evaluated as it is; it is not converted into the form.' : null);
      return;
    }
    const dropped = loadIntoForm(rec);
    selectTab($('#tab-form'), true);
    if (dropped.length) {
      showInputError('form', `Some members of the record have no place in the form and were left out: ${dropped.join(', ')}.`,
        'They are not part of switchpoint.record/1; the server would refuse them.');
    }
    markStale();
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function init() {
    // An EHR launch sent to the main page (a CDS card's smart link, smart_launch_url "/"): the
    // launch page takes it.
    const q = new URLSearchParams(location.search);
    if (document.body.dataset.page !== 'smart' && q.get('iss') && q.get('launch')) { location.replace(`launch.html${location.search}`); return; }
    if (document.body.dataset.page === 'smart') { initResults(); window.switchpointApp = { showEvaluation }; return; }
    buildSections();
    // A new form starts with one row of the sections every record needs.
    addRow(SECTION_BY_KEY.labs, $('[data-rows="labs"]'));
    updateFormJson();

    $('#record-form').addEventListener('input', formChanged);
    $('#record-form').addEventListener('change', formChanged);
    $('#record-form').addEventListener('submit', (e) => { e.preventDefault(); evaluate('form'); });
    $('#record-json').addEventListener('input', () => { recordOrigin = 'pasted JSON'; describeKind($('#record-json').value); markStale('load'); });
    $('#as-of').addEventListener('input', () => markStale('as-of'));
    $('#record-file').addEventListener('change', (e) => { const f = e.target.files[0]; if (f) loadFile(f); e.target.value = ''; });
    $('#load-example').addEventListener('click', loadExample);
    $('#json-to-form').addEventListener('click', jsonToForm);
    $('#clear-json').addEventListener('click', () => { setRecordText('', 'pasted JSON'); clearProblems(); markStale('load'); $('#record-json').focus(); });
    $('#evaluate').addEventListener('click', () => evaluate());
    $('#download-record').addEventListener('click', () => {
      const mode = activeMode();
      const text = currentRecordText(mode);
      if (!text.trim()) { setStatus($('#eval-status'), 'There is no record to download yet.', 'bad'); return; }
      let id = 'record';
      try { const o = JSON.parse(text); id = o.patient?.id || (o.resourceType === 'Bundle' ? 'bundle' : 'record'); } catch { /* keep the default */ }
      download(`${safeName(id)}.record.json`, text, 'application/json');
      setStatus($('#eval-status'), `Record downloaded as ${safeName(id)}.record.json.`);
    });
    loadExamples();
    initResults();
  }

  // The result and report sections (index.html and launch.html).
  function initResults() {
    $('#download-report').addEventListener('click', () => {
      if (!current?.html) return;
      download(`${safeName(current.decision.patient_id)}-${current.decision.as_of}.report.html`, current.html, 'text/html');
    });
    $('#print-report').addEventListener('click', () => {
      const w = $('#report-frame').contentWindow;
      if (w) { w.focus(); w.print(); }
    });
    window.addEventListener('resize', () => { if (current?.html) fitFrame($('#report-frame')); });
    fetch('/healthz', { cache: 'no-store' }).then((r) => r.json()).then((b) => {
      $('#versions').textContent = `engine ${b.engine_version} · knowledge ${b.knowledge_version}`;
    }).catch(() => { $('#versions').textContent = 'server not reachable'; });
  }

  init();
})();
