import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/temporary-project.js';

const folder = path.join(repositoryRoot, 'bench/fixtures/openapi');

describe('bench/fixtures/openapi', () => {
  it('holds the Stripe document PROVENANCE.md names, byte for byte', () => {
    const provenance = readFileSync(path.join(folder, 'PROVENANCE.md'), 'utf8');
    const document = gunzipSync(readFileSync(path.join(folder, 'stripe-spec3.json.gz')));
    expect(provenance).toContain(`Uncompressed: ${document.length.toLocaleString('en-US')} bytes`);
    expect(provenance).toContain(createHash('sha256').update(document).digest('hex'));
    const parsed = JSON.parse(document.toString('utf8')) as { openapi: string; paths: object; components: { schemas: object } };
    expect(provenance).toContain(`OpenAPI ${parsed.openapi}`);
    expect(provenance).toContain(`${Object.keys(parsed.paths).length} paths, ${Object.keys(parsed.components.schemas).length} component schemas`);
  });
});
