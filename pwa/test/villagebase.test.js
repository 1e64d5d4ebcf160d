// The phone's side of tests/villagebase/cases.json (the server runs the same cases in
// tests/villagebase/test_rules.py): the same value ids, the same met / not met.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { status, valueId } from '../src/villagebase.js';

const CASES = JSON.parse(readFileSync(new URL('../../tests/villagebase/cases.json', import.meta.url)));

test('a value has the id the server gives it', async () => {
  for (const [village, year, indicator, expected] of CASES.ids) {
    assert.equal(await valueId(village, year, indicator), expected);
  }
});

test('met or not, as the server says', () => {
  for (const [indicator, value, expected] of CASES.status) {
    assert.equal(status(indicator, value), expected, JSON.stringify([indicator, value]));
  }
});
