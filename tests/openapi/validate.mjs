// Validates docs/openapi.json (or the files given) with @apidevtools/swagger-parser, an
// independent OpenAPI validator (the OpenAPI 3.0 JSON schema, resolvable $refs), then two rules of
// the OpenAPI specification it does not check for 3.x documents (seen: it accepts both): every
// {name} of a path template is declared as a required path parameter of each of its operations
// and every declared path parameter is in the template (OAS 3.0.3 §4.7.12.1), and operationIds
// are unique (§4.7.10.1). It makes sure each check refuses a known-bad variant of the same
// document, so that a check that accepts everything cannot pass.
import SwaggerParser from "@apidevtools/swagger-parser";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const files = process.argv.length > 2 ? process.argv.slice(2) : [path.join(here, "../../docs/openapi.json")];
let failed = 0;

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function ownRules(doc) {
  const out = [];
  const ids = new Map();
  for (const [p, item] of Object.entries(doc.paths)) {
    const slots = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const m of methods.filter((k) => item[k])) {
      const op = item[m];
      const declared = [...(item.parameters || []), ...(op.parameters || [])].filter((x) => x.in === "path");
      for (const s of slots)
        if (!declared.some((x) => x.name === s && x.required === true))
          out.push(`${m.toUpperCase()} ${p}: {${s}} is not declared as a required path parameter`);
      for (const x of declared) if (!slots.includes(x.name)) out.push(`${m.toUpperCase()} ${p}: path parameter ${x.name} is not in the path`);
      if (op.operationId) {
        if (ids.has(op.operationId)) out.push(`operationId ${op.operationId} of ${m.toUpperCase()} ${p} is also that of ${ids.get(op.operationId)}`);
        ids.set(op.operationId, `${m.toUpperCase()} ${p}`);
      }
    }
  }
  return out;
}

async function problems(doc) {
  try {
    await SwaggerParser.validate(structuredClone(doc));
  } catch (e) {
    return String(e.message || e);
  }
  const own = ownRules(doc);
  return own.length ? own.join("\n") : null;
}

for (const file of files) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const why = await problems(doc);
  if (why) {
    console.log(`openapi: ${file}: INVALID\n${why}`);
    failed = 1;
    continue;
  }
  console.log(`openapi: ${file}: valid OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths`);

  // The validator must refuse each of these variants.
  const variants = {
    "a path parameter not declared": (d) => {
      const p = Object.keys(d.paths).find((k) => k.includes("{"));
      d.paths[p.replace(/\{[^}]+\}/, "{undeclared}")] = d.paths[p];
      delete d.paths[p];
    },
    "an operation without responses": (d) => {
      delete d.paths["/healthz"].get.responses;
    },
    "a dangling $ref": (d) => {
      d.paths["/healthz"].get.responses["503"] = { $ref: "#/components/responses/NoSuchResponse" };
    },
    "a duplicate operationId": (d) => {
      d.paths["/healthz"].get.operationId = d.paths["/metrics"].get.operationId;
    },
    "a status code that is not one": (d) => {
      d.paths["/healthz"].get.responses["2000"] = { description: "x" };
    },
  };
  for (const [what, mutate] of Object.entries(variants)) {
    const bad = structuredClone(doc);
    mutate(bad);
    if (!(await problems(bad))) {
      console.log(`openapi: the validator accepted a document with ${what}: it checks too little`);
      failed = 1;
    }
  }
}
process.exit(failed);
