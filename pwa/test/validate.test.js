// The phone's validator on its own (pwa/src/validate.js); its agreement with the server is
// tests/records/test_validator_agrees.py, which runs the same cases through both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idFacts, idValid, maskId, validate, warnings } from '../src/validate.js';

const MESSAGES = { required: '必填', string_too_long: '最多 {max_length} 个字', id_check: '校验码不正确', id_birth_mismatch: '与身份证号不符（应为 {expected}）' };
const ENTRY = {
  schema: {
    properties: {
      name: { type: 'string', maxLength: 3, title: '姓名' },
      id_number: { type: ['string', 'null'], format: 'cn-id-number', title: '身份证号', default: null },
      birth_date: { type: ['string', 'null'], format: 'date', title: '出生日期', default: null },
      sex: { type: ['string', 'null'], enum: ['male', 'female', null], title: '性别', default: null },
      income: { type: ['integer', 'null'], title: '收入', default: null },
    },
  },
  rules: [{ rule: 'id_matches', field: 'id_number', birth: 'birth_date', sex: 'sex' }],
  warnings: [{ rule: 'drop_more_than', field: 'income', ratio: 0.5 }],
};

test('the GB 11643 check character, and what a number says', () => {
  assert.ok(idValid('11010519491231002X'));
  assert.ok(!idValid('110105194912310021'));
  assert.deepEqual(idFacts('520623197001010018'), { birth: '1970-01-01', sex: 'male' });
  assert.equal(maskId('520623197001010018'), '520623**********18');
});

test('each field is checked, with the field named', () => {
  assert.deepEqual(validate(ENTRY, { name: '张三' }, MESSAGES, '2026-12-02'), []);
  assert.deepEqual(validate(ENTRY, {}, MESSAGES, '2026-12-02'), [{ field: 'name', message: '姓名：必填' }]);
  assert.deepEqual(validate(ENTRY, { name: '张三丰啊' }, MESSAGES, '2026-12-02').map((e) => e.message), ['姓名：最多 3 个字']);
  assert.deepEqual(validate(ENTRY, { name: '张三', id_number: '520623197001010019' }, MESSAGES, '2026-12-02').map((e) => e.message), ['身份证号：校验码不正确']);
});

test('rules across fields run once the fields are valid', () => {
  const data = { name: '张三', id_number: '520623197001010018', birth_date: '1970-01-02' };
  assert.deepEqual(validate(ENTRY, data, MESSAGES, '2026-12-02'), [{ field: 'birth_date', message: '出生日期：与身份证号不符（应为 1970-01-01）' }]);
});

test('an income more than halved asks first; a small drop does not', () => {
  assert.equal(warnings(ENTRY, { income: 4000 }, { income: 1000 }).length, 1);
  assert.equal(warnings(ENTRY, { income: 4000 }, { income: 2500 }).length, 0);
  assert.equal(warnings(ENTRY, null, { income: 1 }).length, 0);
});
