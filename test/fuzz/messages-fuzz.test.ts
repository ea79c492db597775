/**
 * Mutation fuzzing of the generated parsers: every mutant of every spec example must either
 * parse or be rejected with a ValidationError, and `isX` must agree with `parseX`. Nothing else
 * may escape: no TypeError from a validator meeting an unexpected shape.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { messageDescriptors } from '../../generated/messages/index.js';
import { ValidationError } from '../../runtime/errors.js';
import { repositoryRoot } from '../helpers/temporary-project.js';
import { pick, seededRandom } from '../helpers/random.js';

const MUTANTS_PER_EXAMPLE = 150;
const oddValues: unknown[] = [null, undefined, 0, -1, 1e308, Number.NaN, '', ' ', '\u0000', 'x'.repeat(5000), '𠮷野家', true, [], {}, [[[]]], { __proto__: { polluted: true } }, Object.create(null)];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  if (depth > 6 || random() < 0.2) return pick(random, oddValues);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length > 0 && random() < 0.5) copy.splice(Math.floor(random() * copy.length), 1);
    else if (copy.length > 0) copy[Math.floor(random() * copy.length)] = mutate(copy[Math.floor(random() * copy.length)], random, depth + 1);
    else copy.push(pick(random, oddValues));
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const choice = random();
    if (keys.length > 0 && choice < 0.3) delete copy[pick(random, keys)];
    else if (keys.length > 0 && choice < 0.85) {
      const key = pick(random, keys);
      copy[key] = mutate(copy[key], random, depth + 1);
    } else copy[pick(random, ['extra', 'constructor', '__proto__', 'toString', ''])] = pick(random, oddValues);
    return copy;
  }
  if (typeof value === 'string' && value.length > 0 && random() < 0.5) {
    const at = Math.floor(random() * value.length);
    return value.slice(0, at) + pick(random, ['', '=', '\n', 'Ａ', '%', '/']) + value.slice(at + 1);
  }
  return pick(random, oddValues);
}

const messagesRoot = path.join(repositoryRoot, 'spec/messages');
const specs = (readdirSync(messagesRoot, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .map((file) => parseYaml(readFileSync(path.join(messagesRoot, file), 'utf8')) as { title: string; examples: unknown[] });

describe('generated parsers under mutation', () => {
  it.each(specs.map((spec, index) => [spec.title, spec, index] as const))('%s', (title, spec, index) => {
    const descriptor = messageDescriptors[title as keyof typeof messageDescriptors];
    expect(descriptor, `${title} is generated`).toBeDefined();
    const random = seededRandom(0x4a504b49 + index);
    let accepted = 0;
    let rejected = 0;
    for (const example of spec.examples) {
      for (let round = 0; round < MUTANTS_PER_EXAMPLE; round += 1) {
        const mutant = mutate(example, random);
        let parsed = true;
        try {
          descriptor.parse(mutant);
        } catch (error) {
          expect(error, `seed ${index}, round ${round}`).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).issues.length).toBeGreaterThan(0);
          parsed = false;
        }
        expect(descriptor.is(mutant)).toBe(parsed);
        if (parsed) accepted += 1;
        else rejected += 1;
      }
    }
    // Mutation must actually exercise the rejection paths.
    expect(rejected).toBeGreaterThan(accepted / 10);
  });
});
