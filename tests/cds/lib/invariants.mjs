// The CDS Hooks 3.0-ballot response invariants (StructureDefinition CDSHooksResponse, keys
// cds-resp-1…7), evaluated with the npm `fhirpath` engine on every card, suggestion, action,
// override reason and link; plus the element rules of the same definition (cardinality, the
// required bindings, summary under 140 characters) and the 2.0 rule "JSON elements SHALL NOT be
// null or empty".
import fhirpath from 'fhirpath';

// Note on fhirpath 5.2.0: where(isRecommended) keeps an element whose isRecommended is false (the
// engine tests the truthiness of the wrapped node, not its boolean value), so cds-resp-1 counts
// such suggestions as recommended. That only makes the check stricter; the service never writes
// isRecommended: false (an optional member without a value is left out).
export const INVARIANTS = [
  { key: 'cds-resp-1', on: 'card', expression: "(selectionBehavior = 'at-most-one') implies suggestions.where(isRecommended).count() <= 1" },
  { key: 'cds-resp-6', on: 'card', expression: 'suggestions.exists() implies selectionBehavior.exists()' },
  { key: 'cds-resp-5', on: 'suggestion', expression: 'actions.all(description.exists())' },
  {
    key: 'cds-resp-7',
    on: 'suggestion',
    expression:
      "actionSelectionBehavior.empty() or actionSelectionBehavior = 'all' or actionSelectionBehavior = 'any' or actionSelectionBehavior = 'at-most-one'",
  },
  { key: 'cds-resp-2', on: 'action', expression: "(type = 'delete') implies (resourceId.exists() and resource.empty())" },
  { key: 'cds-resp-4', on: 'overrideReason', expression: 'all(display.exists())' },
  { key: 'cds-resp-3', on: 'link', expression: "(type != 'smart') implies (appContext.empty())" },
];

function elements(card) {
  const out = { card: [card], suggestion: [], action: [], overrideReason: [], link: [] };
  for (const s of card.suggestions ?? []) {
    out.suggestion.push(s);
    for (const a of s.actions ?? []) out.action.push(a);
  }
  for (const r of card.overrideReasons ?? []) out.overrideReason.push(r);
  for (const l of card.links ?? []) out.link.push(l);
  return out;
}

// Returns the violated invariant keys, with the element index.
export function invariantViolations(card) {
  const violations = [];
  const els = elements(card);
  let evaluated = 0;
  for (const inv of INVARIANTS) {
    els[inv.on].forEach((el, i) => {
      const result = fhirpath.evaluate(el, inv.expression);
      evaluated++;
      if (!(result.length === 1 && result[0] === true)) violations.push(`${inv.key} on ${inv.on}[${i}]: ${JSON.stringify(result)}`);
    });
  }
  return { violations, evaluated };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function nullOrEmpty(value, path = '') {
  const found = [];
  if (value === null) found.push(`${path}: null`);
  else if (value === '') found.push(`${path}: empty string`);
  else if (Array.isArray(value)) {
    if (value.length === 0) found.push(`${path}: empty array`);
    value.forEach((v, i) => found.push(...nullOrEmpty(v, `${path}/${i}`)));
  } else if (typeof value === 'object') {
    if (Object.keys(value).length === 0) found.push(`${path}: empty object`);
    for (const [k, v] of Object.entries(value)) found.push(...nullOrEmpty(v, `${path}/${k}`));
  }
  return found;
}

// Element rules of CDSHooksResponse.cards (cardinality, bindings, types).
export function structureViolations(card) {
  const v = [];
  const str = (x) => typeof x === 'string' && x.length > 0;
  const coding = (c) => c && typeof c === 'object' && (c.system === undefined || str(c.system)) && (c.code === undefined || str(c.code));
  if (card.uuid !== undefined && !UUID.test(card.uuid)) v.push('uuid is not a uuid');
  if (!str(card.summary)) v.push('summary 1..1');
  else if ([...card.summary].length >= 140) v.push(`summary has ${[...card.summary].length} characters`);
  if (!['info', 'warning', 'critical'].includes(card.indicator)) v.push(`indicator ${card.indicator}`);
  if (card.detail !== undefined && !str(card.detail)) v.push('detail is not markdown text');
  if (!card.source || !str(card.source.label)) v.push('source.label 1..1');
  if (card.source?.topic !== undefined && !coding(card.source.topic)) v.push('source.topic is not a Coding');
  if (card.selectionBehavior !== undefined && !['at-most-one', 'any'].includes(card.selectionBehavior)) v.push('selectionBehavior binding');
  for (const s of card.suggestions ?? []) {
    if (!str(s.label)) v.push('suggestion.label 1..1');
    if (s.uuid !== undefined && !UUID.test(s.uuid)) v.push('suggestion.uuid');
    if (s.isRecommended !== undefined && typeof s.isRecommended !== 'boolean') v.push('isRecommended is not boolean');
    for (const a of s.actions ?? []) {
      if (!['create', 'update', 'delete'].includes(a.type)) v.push(`action.type ${a.type}`);
      if (a.type === 'create' && (typeof a.resource !== 'object' || !str(a.resource.resourceType))) v.push('create without a resource');
    }
  }
  for (const r of card.overrideReasons ?? []) if (!coding(r)) v.push('overrideReason is not a Coding');
  for (const l of card.links ?? []) {
    if (!str(l.label) || !str(l.url)) v.push('link label/url 1..1');
    if (!['absolute', 'smart'].includes(l.type)) v.push(`link.type ${l.type}`);
    try {
      new URL(l.url);
    } catch {
      v.push(`link.url ${l.url} is not absolute`);
    }
  }
  return v;
}
