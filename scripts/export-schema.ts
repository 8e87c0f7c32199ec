// Writes config.schema.json (the JSON Schema of config.json) from the zod schema. Run after changing
// src/config/schema.ts: `npx tsx scripts/export-schema.ts`. test/unit/config-schema.test.ts fails when it is stale.
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../src/config/json-schema.js'

const target = fileURLToPath(new URL(`../${JSON_SCHEMA_FILE}`, import.meta.url))
await writeFile(target, renderJsonSchema())
console.log(`wrote ${target}`)
