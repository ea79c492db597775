import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { largeOpenApiInput } from '../../../../bench/fixtures/large-openapi.js';
import { escapeHtml, renderReferencePage } from '../../../../generator/emitters/openapi/reference-page.js';
import { locateExternalVectors, STRIPE_OPENAPI_VECTORS } from '../../../helpers/external-vectors.js';
import { pick, seededRandom } from '../../../helpers/random.js';
import { repositoryRoot } from '../../../helpers/temporary-project.js';

const sample = YAML.parse(readFileSync(path.join(repositoryRoot, 'test/fixtures/openapi/reference-page-sample.yaml'), 'utf8')) as Record<string, unknown>;
const samplePage = renderReferencePage(sample);

const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'nav', 'section', 'h1', 'h2', 'h3', 'h4', 'h5', 'p', 'div', 'span', 'a', 'code', 'pre', 'strong', 'em', 'ol', 'ul', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const ALLOWED_ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'http-equiv', 'id', 'class', 'href', 'rel', 'title', 'aria-label']);
const VOID_TAGS = new Set(['meta']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/g;

/**
 * Reads the page's markup as a browser's tokenizer would for this subset: every `<` must open a
 * known tag (so no `<` from the document survived unescaped), attributes are known and quoted,
 * and elements nest. Returns the problems found.
 */
function markupProblems(page: string): string[] {
  const problems: string[] = [];
  const body = page.replace(/^<!DOCTYPE html>\n/, '');
  const tags = [...body.matchAll(TAG)];
  const openings = body.split('<').length - 1;
  if (openings !== tags.length) problems.push(`${openings - tags.length} '<' that do not open a known tag`);
  const stack: string[] = [];
  for (const [, closing, name = '', attributes = ''] of tags) {
    const tag = name.toLowerCase();
    if (!ALLOWED_TAGS.has(tag)) problems.push(`tag <${tag}>`);
    for (const [, attribute = ''] of attributes.matchAll(/\s+([a-zA-Z-]+)(?:="[^"]*")?/g)) if (!ALLOWED_ATTRIBUTES.has(attribute)) problems.push(`attribute ${attribute} on <${tag}>`);
    if (VOID_TAGS.has(tag)) continue;
    if (closing === '') stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`</${tag}> closes something else`);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(', ')}`);
  return problems;
}

function ids(page: string): string[] {
  return [...page.matchAll(/\sid="([^"]*)"/g)].map((match) => match[1] ?? '');
}

/** The text of the element with this id up to its closing tag (the page nests, so count). */
function elementMarkup(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`no element with id ${id}`);
  const open = page.lastIndexOf('<', start);
  const tag = /^<([a-z0-9]+)/.exec(page.slice(open))?.[1] ?? '';
  let depth = 0;
  const pattern = new RegExp(`<(/?)${tag}[\\s>]`, 'g');
  pattern.lastIndex = open;
  for (let match = pattern.exec(page); match !== null; match = pattern.exec(page)) {
    depth += match[1] === '/' ? -1 : 1;
    if (depth === 0) return page.slice(open, match.index + tag.length + 3);
  }
  throw new Error(`element ${id} is not closed`);
}

function textOf(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('renderReferencePage', () => {
  it('shows every section with stable ids', () => {
    const pageIds = ids(samplePage);
    expect(new Set(pageIds).size).toBe(pageIds.length);
    for (const id of ['overview', 'toc', 'servers', 'security', 'tags', 'operations', 'webhooks', 'schemas', 'test-cases']) expect(pageIds).toContain(id);
    for (const id of ['op-createAuthRequest', 'op-createAuthRequest-request', 'op-createAuthRequest-response-201', 'op-createAuthRequest-response-400', 'op-getCertificate', 'op-getCertificate-response-default', 'op-get-tree', 'op-certificateRevoked']) {
      expect(pageIds).toContain(id);
    }
    const schemaNames = Object.keys((sample['components'] as { schemas: object }).schemas);
    expect(pageIds.filter((id) => id.startsWith('schema-'))).toHaveLength(schemaNames.length);
    for (const name of ['AuthRequest', 'CertificateKind', 'Pet', 'TreeNode', 'AliasA', 'PointerLoop']) expect(pageIds).toContain(`schema-${name}`);
    const toc = elementMarkup(samplePage, 'toc');
    for (const id of pageIds.filter((id) => /^(op|schema)-[^-]*$/.test(id) || id === 'op-get-tree')) expect(toc).toContain(`href="#${id}"`);
  });

  it('shows title, version, description, provenance, servers and security schemes', () => {
    expect(samplePage).toContain('<title>jpkigen sample API</title>');
    expect(renderReferencePage(sample, { title: 'Other <title>' })).toContain('<title>Other &lt;title&gt;</title>');
    expect(textOf(elementMarkup(samplePage, 'overview'))).toMatch(/version 1\.2\.3-sample[\s\S]*OpenAPI 3\.1\.0[\s\S]*modelled[\s\S]*First line of the description\./);
    const servers = textOf(elementMarkup(samplePage, 'servers'));
    expect(servers).toContain('https://{host}.example.test/v1');
    expect(servers).toMatch(/\{host\} default api \(one of api staging \) — which host/);
    const security = textOf(elementMarkup(samplePage, 'security'));
    expect(security).toMatch(/bearerAuth\s*http\s*scheme bearer, bearer format JWT/);
    expect(security).toContain('header X-Api-Key');
    expect(security).toContain('tokenUrl https://auth.example.test/token');
    expect(security).toContain('sign — create signatures');
    expect(security).toContain('Required by default: bearerAuth or apiKeyAuth and mutualTls');
    expect(textOf(elementMarkup(samplePage, 'op-getCertificate'))).toContain('Security: none');
    expect(textOf(elementMarkup(samplePage, 'schema-CertificateKind'))).toContain('public JPKI 利用者クライアントソフト');
  });

  it('shows an operation: parameters (path-level merged), request body, responses, headers, examples, test cases', () => {
    const create = elementMarkup(samplePage, 'op-createAuthRequest');
    const text = textOf(create);
    expect(text).toMatch(/post\/auth-requests/);
    expect(text).toContain('Start an authentication');
    expect(text).toMatch(/X-Trace-Id\s*header\s*string\s*pattern: "\^\[0-9a-f\]\{32\}\$"\s*optional\s*Correlates/);
    expect(text).toMatch(/Request body required\s*The authentication request\./);
    expect(create).toContain('href="#schema-AuthRequest"');
    expect(create).toContain('  &quot;nonce&quot;: &quot;q83vEjRWeJCrze8SNFZ4kA&quot;,\n');
    expect(textOf(elementMarkup(samplePage, 'op-createAuthRequest-response-201'))).toMatch(/Location\s*string \(uri\)[\s\S]*where the request lives[\s\S]*Example created — a created request/);
    const badRequest = textOf(elementMarkup(samplePage, 'op-createAuthRequest-response-400'));
    expect(badRequest).toMatch(/application\/problem\+json\s*Problem\s*Example badNonce — nonce too short/);
    expect(badRequest).toContain(`"title": "</code></pre><script>document.title='PWNED'</script>"`);
    expect(text).toMatch(/Test cases\s*createsOne\s*creates a request\s*\{\s*"input"[\s\S]*"output"/);
    expect(text).toMatch(/Malformed requests \(must be refused\)\s*shortNonce\s*rejects a short nonce\s*\{\s*"wire"[\s\S]*"pointers"/);

    const get = textOf(elementMarkup(samplePage, 'op-getCertificate'));
    expect(get).toMatch(/serial\s*path\s*string\s*pattern: "\^\[0-9A-F\]\+\$"\s*required/);
    expect(get).toMatch(/kind\s*query\s*CertificateKind\s*optional\s*Example\s*sign/);
    expect(get).not.toContain('X-Trace-Id');
    expect(get).toContain('deprecated');
    expect(get).toMatch(/application\/pkix-cert\s*string\s*contentEncoding: "base64"/);
    expect(get).toMatch(/holder\s*NullableName/);
    expect(textOf(elementMarkup(samplePage, 'test-cases'))).toMatch(/document-level case[\s\S]*"steps"/);
  });

  it('shows schemas: properties, required, enum, const, format, oneOf with discriminator, allOf', () => {
    const authRequest = textOf(elementMarkup(samplePage, 'schema-AuthRequest'));
    expect(authRequest).toMatch(/messageType required\s*"authRequest"\s*const: "authRequest"/);
    expect(authRequest).toMatch(/nonce required\s*string\s*Random value/);
    expect(authRequest).toMatch(/requestedAt\s*string \(date-time\)\s*format: date-time/);
    expect(authRequest).toContain('No other properties.');
    expect(authRequest).toContain('An authentication request. <b>bold?</b>');
    expect(textOf(elementMarkup(samplePage, 'schema-CertificateKind'))).toContain('enum: "sign" "auth" "<script>"');
    const pet = elementMarkup(samplePage, 'schema-Pet');
    expect(textOf(pet)).toMatch(/^\s*Pet\s*Cat \| Dog\s*oneOf \(exactly one of\)/);
    expect(textOf(pet)).toMatch(/discriminator: petType\s*Value\s*Schema\s*cat\s*Cat\s*dog\s*Dog/);
    expect(pet).toContain('<a href="#schema-Dog">Dog</a></td>');
    expect(textOf(elementMarkup(samplePage, 'schema-Dog'))).toMatch(/^\s*Dog\s*object & object\s*allOf \(all of\)[\s\S]*barks\s*boolean\s*default: true/);
  });

  it('ends $ref cycles: component schemas become links, other pointers stop with a note', () => {
    const tree = elementMarkup(samplePage, 'schema-TreeNode');
    expect(textOf(tree)).toMatch(/children\s*array of TreeNode/);
    expect(tree.match(/href="#schema-TreeNode"/g)).toHaveLength(2);
    expect(elementMarkup(samplePage, 'schema-AliasA')).toContain('href="#schema-AliasB"');
    expect(elementMarkup(samplePage, 'schema-AliasB')).toContain('href="#schema-AliasA"');
    const loop = textOf(elementMarkup(samplePage, 'schema-PointerLoop'));
    expect(loop).toMatch(/self\s*↻ #\/components\/schemas\/PointerLoop\/properties\/self/);
    expect(loop).toMatch(/sibling[\s\S]*↻ #\/components\/schemas\/PointerLoop\/properties\/other/);
    const unresolved = renderReferencePage({ openapi: '3.1.0', components: { schemas: { Lost: { $ref: '#/components/schemas/Lost/properties/nothing' }, Away: { $ref: 'other.yaml#/X' } } } });
    expect(textOf(elementMarkup(unresolved, 'schema-Lost'))).toContain('unresolved $ref #/components/schemas/Lost/properties/nothing');
    expect(textOf(elementMarkup(unresolved, 'schema-Away'))).toContain('external $ref other.yaml#/X');
  });

  it('reads OpenAPI 3.0 nullable and 3.1 type arrays alike', () => {
    const openApi30 = renderReferencePage({ openapi: '3.0.3', components: { schemas: { Name: { type: 'string', nullable: true, format: 'email' }, Plain: { type: 'string' } } } });
    const openApi31 = renderReferencePage({ openapi: '3.1.0', components: { schemas: { Name: { type: ['string', 'null'], format: 'email' }, Plain: { type: 'string', nullable: false } } } });
    for (const page of [openApi30, openApi31]) {
      expect(elementMarkup(page, 'schema-Name')).toContain('<div class="schema-type">string (email) | null</div>');
      expect(elementMarkup(page, 'schema-Plain')).toContain('<div class="schema-type">string</div>');
    }
    const items = renderReferencePage({ openapi: '3.0.3', components: { schemas: { List: { type: 'array', nullable: true, items: { type: 'integer', nullable: true } } } } });
    expect(elementMarkup(items, 'schema-List')).toContain('<div class="schema-type">array of integer | null | null</div>');
  });

  it('escapes every text: no markup from the document reaches the page', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(markupProblems(samplePage)).toEqual([]);
    expect(samplePage).not.toMatch(/<script|<img|<b>|<em>one/i);
    expect(samplePage).toContain('&lt;script&gt;document.title = &#39;PWNED&#39;;');
    expect(samplePage).toContain('id="op-img-src-x-onerror-document.title-PWNED"');
    expect(samplePage).toContain('<code>javascript:document.title=&#39;PWNED&#39;</code>');
    expect(samplePage).not.toContain('href="javascript');
    const evil = textOf(elementMarkup(samplePage, 'op-img-src-x-onerror-document.title-PWNED'));
    expect(evil).toContain(`</td></tr></table><script>document.title='PWNED'</script>`);
  });

  it('escapes random markup put anywhere a document carries text (fuzz)', () => {
    const fragments = ['<', '>', '&', '"', "'", '</code>', '<script>', '"><svg onload=x>', '&lt;', '`', '{{x}}', '\u0000', ' ', 'a', '日本'];
    for (let seed = 1; seed <= 150; seed += 1) {
      const random = seededRandom(seed);
      const text = (): string => Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(random, fragments)).join('');
      const name = text();
      const document = {
        openapi: pick(random, ['3.0.3', '3.1.0', text()]),
        info: { title: text(), version: text(), description: text(), 'x-provenance': { status: text(), note: text() } },
        servers: [{ url: text(), description: text(), variables: { [text()]: { default: text(), enum: [text()] } } }],
        components: {
          securitySchemes: { [text()]: { type: 'apiKey', in: text(), name: text(), description: text() } },
          schemas: { [name]: { type: 'object', description: text(), required: [text()], properties: { [text()]: { type: text(), enum: [text(), 1], format: text(), pattern: text(), examples: [text(), { [text()]: text() }] } } } },
        },
        paths: {
          [`/${text()}`]: {
            [pick(random, ['get', 'post'])]: {
              operationId: text(),
              summary: text(),
              parameters: [{ name: text(), in: text(), description: text(), schema: { $ref: `#/components/schemas/${name}` }, example: text() }],
              responses: { [text()]: { description: text(), content: { [text()]: { example: text(), examples: { [text()]: { summary: text(), value: text() } } } } } },
              'x-test-cases': [{ name: text(), [text()]: text() }],
            },
          },
        },
      };
      const page = renderReferencePage(document);
      expect(markupProblems(page), `seed ${seed}`).toEqual([]);
      expect(textOf(page)).toContain(document.info.description);
    }
  });

  it('is deterministic and does not change its input', () => {
    const copy = structuredClone(sample);
    expect(renderReferencePage(copy)).toBe(samplePage);
    expect(copy).toEqual(sample);
    expect(renderReferencePage(sample)).toBe(samplePage);
  });

  it('gives clashing ids a suffix in document order', () => {
    const page = renderReferencePage({ openapi: '3.1.0', paths: { '/a': { get: { operationId: 'a b', responses: {} }, post: { operationId: 'a-b', responses: {} } } } });
    expect(ids(page).filter((id) => id.startsWith('op-'))).toEqual(['op-a-b', 'op-a-b-2']);
  });

  it('survives documents that are not OpenAPI at all', () => {
    for (const document of [{}, [], { paths: 5 }, { paths: { '/x': { get: 'no' } } }, { components: { schemas: { A: 7, B: null, C: [] } } }, { info: { title: 3 } }]) {
      const page = renderReferencePage(document);
      expect(markupProblems(page)).toEqual([]);
      expect(page).toContain('<title>');
    }
  });

  // Stripe's document when present (bench/fixtures/openapi/PROVENANCE.md), else a synthetic one of its size.
  const stripeLocation = locateExternalVectors(STRIPE_OPENAPI_VECTORS);
  it(`renders a large document (${stripeLocation.found ? "Stripe's" : 'synthetic Stripe-sized; Stripe\'s is not present'}) with one section per operation and schema`, () => {
    const stripe = JSON.parse(largeOpenApiInput(stripeLocation).text) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { schemas: Record<string, unknown> };
    };
    const page = renderReferencePage(stripe);
    const operationIds = Object.values(stripe.paths).flatMap((item) => Object.entries(item).filter(([method]) => ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)).map(([, operation]) => operation.operationId));
    expect(page.match(/<section class="operation"/g)).toHaveLength(operationIds.length);
    expect(page.match(/<section class="schema-section"/g)).toHaveLength(Object.keys(stripe.components.schemas).length);
    const pageIds = new Set(ids(page));
    expect(pageIds.size).toBe(ids(page).length);
    for (const operationId of operationIds) expect(pageIds.has(`op-${String(operationId)}`)).toBe(true);
    expect(markupProblems(page)).toEqual([]);
  });
});
