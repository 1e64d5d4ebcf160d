// Runs the shared validation cases (tests/records/test_validator_agrees.py writes them)
// through the phone's validator and prints one verdict per case as JSON on stdout.
//   node tests/records/run_cases.mjs cases.json
import { readFileSync } from 'node:fs';
import { validate } from '../../pwa/src/validate.js';

const { schema, today, cases } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = cases.map((c) => validate(schema.types[c.type], c.data, schema.messages, today).map((e) => e.message));
process.stdout.write(JSON.stringify(out));
