/**
 * The large OpenAPI inputs of the openapi bench: Stripe's document, checked against what
 * bench/fixtures/openapi/PROVENANCE.md says of it when it is present, and the synthetic document
 * used in its place, checked to have Stripe's counts and about its size.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { largeOpenApiInput, STRIPE_SIZED, stripeSizedOpenApiDocument } from '../../bench/fixtures/large-openapi.js';
import { describeWithExternalVectors, STRIPE_OPENAPI_VECTORS } from '../helpers/external-vectors.js';
import { repositoryRoot } from '../helpers/temporary-project.js';

const provenance = readFileSync(path.join(repositoryRoot, 'bench/fixtures/openapi/PROVENANCE.md'), 'utf8');
const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface OpenApiShape {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: { readonly schemas: Record<string, unknown> };
}

function operationCount(document: OpenApiShape): number {
  return Object.values(document.paths).reduce((total, item) => total + Object.keys(item).filter((key) => OPERATION_METHODS.includes(key)).length, 0);
}

/** A figure PROVENANCE.md states about Stripe's document, read from its text. */
function statedFigure(pattern: RegExp): number {
  const match = pattern.exec(provenance);
  if (match?.[1] === undefined) throw new Error(`PROVENANCE.md does not state ${String(pattern)}`);
  return Number(match[1].replaceAll(',', ''));
}

describeWithExternalVectors(STRIPE_OPENAPI_VECTORS, "Stripe's OpenAPI document", (folder) => {
  it('is the file PROVENANCE.md names, byte for byte', () => {
    const document = gunzipSync(readFileSync(path.join(folder, 'stripe-spec3.json.gz')));
    expect(provenance).toContain(`Uncompressed: ${document.length.toLocaleString('en-US')} bytes`);
    expect(provenance).toContain(createHash('sha256').update(document).digest('hex'));
    const parsed = JSON.parse(document.toString('utf8')) as OpenApiShape;
    expect(provenance).toContain(`OpenAPI ${parsed.openapi}`);
    expect(provenance).toContain(`${Object.keys(parsed.paths).length} paths, ${operationCount(parsed)} operations, ${Object.keys(parsed.components.schemas).length} component schemas`);
    expect(largeOpenApiInput().source).toBe('stripe');
  });
});

describe('the synthetic Stripe-sized OpenAPI document', () => {
  const text = JSON.stringify(stripeSizedOpenApiDocument(), null, 2);
  const document = JSON.parse(text) as OpenApiShape;

  it("has Stripe's schema count and (within one) its operation count, as PROVENANCE.md states them", () => {
    expect(Object.keys(document.components.schemas)).toHaveLength(STRIPE_SIZED.schemaCount + 1);
    expect(Object.keys(document.components.schemas)).toHaveLength(statedFigure(/, ([\d,]+) component schemas/));
    expect(Math.abs(operationCount(document) - statedFigure(/ ([\d,]+) operations/))).toBeLessThanOrEqual(1);
  });

  it("is within 5 % of Stripe's uncompressed size", () => {
    const stripeBytes = statedFigure(/Uncompressed: ([\d,]+) bytes/);
    expect(Math.abs(Buffer.byteLength(text) - stripeBytes) / stripeBytes).toBeLessThan(0.05);
  });

  it('is the same on every build (the bench compares runs) every $ref resolves and every schema is referred to', () => {
    expect(JSON.stringify(stripeSizedOpenApiDocument(), null, 2)).toBe(text);
    const references = [...text.matchAll(/"\$ref": "#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1] ?? '');
    for (const name of new Set(references)) expect(document.components.schemas[name], name).toBeDefined();
    // Every schema is referred to, as in a real API (no dead schemas the generator could skip).
    expect(new Set(references).size).toBe(Object.keys(document.components.schemas).length);
  });

  it('is what the bench uses when Stripe is absent', () => {
    const input = largeOpenApiInput({ found: false, missing: 'not looked for' });
    expect(input.source).toBe('synthetic');
    expect(input.text).toBe(text);
  });
});
