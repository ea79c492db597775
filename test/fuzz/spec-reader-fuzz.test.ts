/**
 * Mutation fuzzing of the spec front end: every mutant of a real spec file must either go through
 * (YAML parse, meta-schema, reader) or stop with a SpecError that names a line and column inside
 * the file. Any other exception is a bug in the generator.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileMetaSchema } from '../../generator/pipeline/meta-schema.js';
import { readMessages } from '../../generator/readers/messages-reader.js';
import { SpecError } from '../../generator/spec-error.js';
import { parseYamlSource } from '../../generator/yaml-source.js';
import { pick, seededRandom } from '../helpers/random.js';
import { repositoryRoot } from '../helpers/temporary-project.js';

const metaPath = 'spec/meta/message.schema.yaml';
const checkMessage = compileMetaSchema({ path: metaPath, absolutePath: '', text: readFileSync(path.join(repositoryRoot, metaPath), 'utf8'), sha256: '' });
const target = 'spec/messages/mynaportal/auth-request.yaml';
const companion = 'spec/messages/common/certificate-kind.yaml';
const original = readFileSync(path.join(repositoryRoot, target), 'utf8');
const companionSource = parseYamlSource(companion, readFileSync(path.join(repositoryRoot, companion), 'utf8'));
const fragments = ['{', '}', '[', ']', ':', '- ', '  ', '\t', '"', "'", '#', '&a', '*a', '!!binary', '$ref: ./x.yaml', '$ref: "#/$defs/Nope"', 'type: objec', 'title: CertificateKind', '\n', '---', '%YAML 1.2'];

function mutate(text: string, random: () => number): string {
  const lines = text.split('\n');
  const at = Math.floor(random() * lines.length);
  const line = lines[at] ?? '';
  const column = Math.floor(random() * (line.length + 1));
  const choice = random();
  if (choice < 0.4) lines[at] = line.slice(0, column) + pick(random, fragments) + line.slice(column);
  else if (choice < 0.7) lines.splice(at, 1);
  else if (choice < 0.85) lines[at] = line.slice(0, column);
  else lines.splice(at, 0, `${' '.repeat(Math.floor(random() * 6))}${pick(random, fragments)}`);
  return lines.join('\n');
}

describe('spec front end under mutation', () => {
  it('accepts the mutant or reports a located SpecError', () => {
    const random = seededRandom(20261126);
    const lineCount = original.split('\n').length + 10;
    const outcomes = { accepted: 0, rejected: 0 };
    for (let round = 0; round < 400; round += 1) {
      const mutant = mutate(mutate(original, random), random);
      try {
        const source = parseYamlSource(target, mutant);
        if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
          outcomes.rejected += 1;
          continue;
        }
        checkMessage(source);
        readMessages([source, companionSource]);
        outcomes.accepted += 1;
      } catch (error) {
        expect(error, `round ${round}:\n${mutant}`).toBeInstanceOf(SpecError);
        const { location } = error as SpecError;
        expect([companion, target]).toContain(location.file);
        expect(location.line).toBeGreaterThanOrEqual(1);
        expect(location.line).toBeLessThanOrEqual(lineCount);
        expect(location.column).toBeGreaterThanOrEqual(1);
        outcomes.rejected += 1;
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(50);
    expect(outcomes.accepted).toBeGreaterThan(10);
  });
});
