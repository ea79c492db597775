import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readApduTables } from '../../../generator/readers/apdu-reader.js';
import { SpecError } from '../../../generator/spec-error.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const fixture = 'test/fixtures/mini-apdu-table.yaml';
const text = readFileSync(path.join(repositoryRoot, fixture), 'utf8');

function specError(edited: string): SpecError {
  try {
    readApduTables([parseYamlSource(fixture, edited)]);
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}

describe('readApduTables', () => {
  it('turns header patterns into fixed bits and field positions', () => {
    const [table] = readApduTables([parseYamlSource(fixture, text)]).tables;
    const readBinary = table?.table.commands.find((command) => command['name'] === 'readBinary');
    expect(readBinary).toMatchObject({ fixedMask: 0x8000, fixedValue: 0, parameters: [{ name: 'offset', msb: 15, lsb: 1, type: 'uint' }], le: 'required' });
    expect(table?.commands.find((command) => command.name === 'readBinary')?.header).toBe('00 B0 0....... ........');
  });

  it.each([
    ['a field on fixed bits', text.replace("fields: [{ name: offset, bits: [15, 1] }]", "fields: [{ name: offset, bits: [16, 1] }]"), "among the pattern's free (.) bits"],
    ['overlapping fields', text.replace("fields: [{ name: offset, bits: [15, 1] }]", "fields: [{ name: offset, bits: [15, 1] }, { name: more, bits: [3, 1] }]"), 'bits no other field'],
    ['an unknown enum', text.replace('type: enum, ref: Scheme', 'type: enum, ref: Schema'), "'Schema' is not one"],
    ['an undeclared status word', text.replace("response: { statusWords: ['9000'] }", "response: { statusWords: ['9000', '6A82'] }"), "'6A82' is not"],
    ['two commands the dispatcher cannot tell apart', text.replace("    parameters: { pattern: '00000000 10000000' }\n  - name: sign", "    parameters: { pattern: '00000000 10000000' }\n    data: { kind: bytes, name: x, length: 1 }\n  - name: sign"), 'tells verifyRetryQuery from verify'],
  ])('rejects %s', (_name, edited, expected) => {
    const error = specError(edited);
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.message).toMatch(/^test\/fixtures\/mini-apdu-table\.yaml:\d+:\d+: /);
    expect(error.expected).toContain(expected);
  });
});
