/**
 * One self-contained static HTML reference page for a bundled OpenAPI 3.0 / 3.1 document.
 *
 * The page loads nothing (a Content-Security-Policy forbids it: no scripts, no fetches, only the
 * inline stylesheet) and needs no script to show its content. Every piece of text from the
 * document goes through the `html` tagged template, which escapes each interpolated value unless
 * it is already `SafeHtml` built the same way, so a description or an example cannot inject markup.
 * Descriptions are shown as plain text (line breaks kept), not rendered as CommonMark: a Markdown
 * renderer would be the one place raw HTML could slip through.
 *
 * Internal `#/…` references are resolved for display. A reference to a component schema becomes a
 * link to that schema's section, so recursive schemas never expand forever; any other reference is
 * expanded in place, with the chain of references being expanded kept to stop cycles.
 *
 * Element ids are stable: `op-<operationId>` (or `op-<method>-<path>` without one),
 * `schema-<name>`, `<operation id>-request`, `<operation id>-response-<status>`, and fixed ids
 * for the sections (`servers`, `security`, `operations`, `webhooks`, `schemas`, `test-cases`).
 * Runs of characters outside `[A-Za-z0-9_.:-]` become one `-`; a clash gets a `-2`, `-3`… suffix in document
 * order. The same document always gives the same bytes.
 */

export interface ReferencePageOptions {
  /** Replaces `info.title` as the page title. */
  readonly title?: string;
}

type JsonRecord = Readonly<Record<string, unknown>>;

/** Markup already escaped (or written by this module): interpolating it does not escape again. */
class SafeHtml {
  constructor(readonly value: string) {}
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

function toHtml(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(toHtml).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += toHtml(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}

const EMPTY = new SafeHtml('');

/** The Path Item Object's operation fields, in the order OpenAPI lists them. */
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Below this many nested inline schemas the page stops expanding (a pathological document only). */
const MAX_SCHEMA_DEPTH = 24;

const CONSTRAINT_KEYWORDS = [
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'contentEncoding',
  'contentMediaType',
  'default',
] as const;

const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--tint:#f6f8fa;--accent:#0b57d0}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#fff;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:28px;margin:0 0 4px}h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:40px}
h3{margin:0;font-size:18px}h4{margin:16px 0 6px;font-size:15px}h5{margin:10px 0 4px;font-size:14px}
a{color:var(--accent)}code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:var(--tint);border:1px solid var(--line);border-radius:6px;padding:10px;overflow:auto;white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--tint);font-weight:600}
.description{white-space:pre-line;margin:6px 0}.muted{color:var(--muted)}
.operation,.schema-section{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:16px 0}
.method{display:inline-block;min-width:58px;text-align:center;font:700 12px/20px ui-monospace,monospace;color:#fff;background:#57606a;border-radius:4px;margin-right:8px;text-transform:uppercase}
.method-get{background:#1a7f37}.method-post{background:#0b57d0}.method-put{background:#9a6700}.method-patch{background:#8250df}.method-delete{background:#cf222e}
.path{font:600 15px ui-monospace,monospace}.badge{display:inline-block;font-size:12px;border:1px solid var(--line);border-radius:10px;padding:0 8px;margin:0 4px 0 0}
.provenance-public{background:#dafbe1}.provenance-modelled{background:#fff8c5}.deprecated{background:#ffebe9}.required{color:#cf222e;font-weight:600}
.schema{border-left:3px solid var(--line);padding-left:10px;margin:4px 0}.schema-type{font-family:ui-monospace,monospace}
.constraint{display:inline-block;font-size:12px;background:var(--tint);border-radius:4px;padding:0 6px;margin:2px 4px 2px 0}
nav ol{padding-left:20px}nav li{margin:1px 0}
`;

interface RenderContext {
  readonly root: JsonRecord;
  /** Component schema name → element id. */
  readonly schemaIds: ReadonlyMap<string, string>;
  readonly allocateId: (base: string) => string;
}

interface OperationEntry {
  readonly method: string;
  /** The path template, or the webhook's name. */
  readonly path: string;
  readonly operation: JsonRecord;
  readonly pathItem: JsonRecord;
  readonly id: string;
}

export function renderReferencePage(document: object, options: ReferencePageOptions = {}): string {
  const root: JsonRecord = isRecord(document) ? document : {};
  const allocateId = idAllocator();
  const schemas = recordAt(root, 'components', 'schemas');
  const schemaIds = new Map<string, string>();
  for (const name of Object.keys(schemas)) schemaIds.set(name, allocateId(`schema-${name}`));
  const context: RenderContext = { root, schemaIds, allocateId };
  const operations = collectOperations(asRecord(root['paths']), context, 'op');
  const webhooks = collectOperations(asRecord(root['webhooks']), context, 'webhook');

  const info = asRecord(root['info']);
  const title = options.title ?? stringOr(info['title'], 'API reference');
  const testCases = root['x-test-cases'];
  const sections: [id: string, heading: string, body: SafeHtml][] = [];
  const servers = renderServers(root['servers']);
  if (servers !== EMPTY) sections.push(['servers', 'Servers', servers]);
  const security = renderSecurity(root, context);
  if (security !== EMPTY) sections.push(['security', 'Security', security]);
  const tags = renderTags(root['tags']);
  if (tags !== EMPTY) sections.push(['tags', 'Tags', tags]);
  sections.push(['operations', 'Operations', operations.length === 0 ? html`<p class="muted">No operations.</p>` : html`${operations.map((entry) => renderOperation(entry, context))}`]);
  if (webhooks.length > 0) sections.push(['webhooks', 'Webhooks', html`${webhooks.map((entry) => renderOperation(entry, context))}`]);
  sections.push(['schemas', 'Schemas', schemaIds.size === 0 ? html`<p class="muted">No component schemas.</p>` : renderComponentSchemas(schemas, context)]);
  if (testCases !== undefined) sections.push(['test-cases', 'Test cases', renderTestCases(testCases)]);

  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="jpkigen">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
<header id="overview">
<h1>${title}</h1>
${renderInfo(root, info)}
</header>
${renderTableOfContents(sections, operations, webhooks, context)}
${sections.map(([id, heading, body]) => html`<section id="${id}">\n<h2>${heading}</h2>\n${body}\n</section>\n`)}
</main>
</body>
</html>
`;
  return page.value;
}

// ---- document level ----

function renderInfo(root: JsonRecord, info: JsonRecord): SafeHtml {
  const facts: SafeHtml[] = [];
  if (typeof info['version'] === 'string') facts.push(html`<span class="badge" id="api-version">version ${info['version']}</span>`);
  if (typeof root['openapi'] === 'string') facts.push(html`<span class="badge">OpenAPI ${root['openapi']}</span>`);
  const license = asRecord(info['license']);
  if (typeof license['name'] === 'string') facts.push(html`<span class="badge">licence ${license['name']}${license['identifier'] !== license['name'] ? optionalText(' ', license['identifier']) : EMPTY}</span>`);
  const contact = asRecord(info['contact']);
  const contactText = [contact['name'], contact['email'], contact['url']].filter((part) => typeof part === 'string').join(' · ');
  return html`<p>${facts}${provenanceLabels(root)}${provenanceLabels(info)}</p>
${typeof info['summary'] === 'string' ? html`<p><strong>${info['summary']}</strong></p>` : EMPTY}
${description(info['description'])}
${contactText !== '' ? html`<p class="muted">Contact: ${contactText}</p>` : EMPTY}
${typeof info['termsOfService'] === 'string' ? html`<p class="muted">Terms of service: ${externalLink(info['termsOfService'])}</p>` : EMPTY}
${externalDocs(root['externalDocs'])}`;
}

function renderTableOfContents(
  sections: readonly [string, string, SafeHtml][],
  operations: readonly OperationEntry[],
  webhooks: readonly OperationEntry[],
  context: RenderContext,
): SafeHtml {
  const nested = (id: string): SafeHtml => {
    if (id === 'operations' || id === 'webhooks') {
      const entries = id === 'operations' ? operations : webhooks;
      return html`<ol>${entries.map(
        (entry) =>
          html`<li><a href="#${entry.id}"><span class="method method-${entry.method}">${entry.method}</span><span class="path">${entry.path}</span></a>${optionalText(' — ', entry.operation['summary'])}</li>`,
      )}</ol>`;
    }
    if (id === 'schemas') return html`<ol>${[...context.schemaIds].map(([name, elementId]) => html`<li><a href="#${elementId}">${name}</a></li>`)}</ol>`;
    return EMPTY;
  };
  return html`<nav id="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>${sections.map(([id, heading]) => html`<li><a href="#${id}">${heading}</a>${nested(id)}</li>`)}</ol>
</nav>`;
}

function renderServers(value: unknown, heading?: string): SafeHtml {
  if (!Array.isArray(value) || value.length === 0) return EMPTY;
  const rows = value.filter(isRecord).map((server) => {
    const variables = Object.entries(asRecord(server['variables'])).map(([name, variable]) => {
      const spec = asRecord(variable);
      return html`<div><code>{${name}}</code> default <code>${stringOr(spec['default'], '')}</code>${Array.isArray(spec['enum']) ? html` (one of ${spec['enum'].map((option) => html`<code>${String(option)}</code> `)})` : EMPTY}${optionalText(' — ', spec['description'])}</div>`;
    });
    return html`<tr><td><code>${stringOr(server['url'], '')}</code></td><td>${description(server['description'])}${variables}</td></tr>`;
  });
  return html`${heading !== undefined ? html`<h4>${heading}</h4>` : EMPTY}<table class="servers"><thead><tr><th>URL</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderSecurity(root: JsonRecord, context: RenderContext): SafeHtml {
  const schemes = Object.entries(recordAt(root, 'components', 'securitySchemes'));
  const requirement = root['security'];
  if (schemes.length === 0 && requirement === undefined) return EMPTY;
  const rows = schemes.map(([name, raw]) => {
    const scheme = dereference(raw, context);
    const elementId = context.allocateId(`security-${name}`);
    return html`<tr id="${elementId}"><td><code>${name}</code></td><td>${stringOr(scheme['type'], '')}</td><td>${securitySchemeDetails(scheme)}</td><td>${description(scheme['description'])}</td></tr>`;
  });
  return html`${schemes.length > 0 ? html`<table class="security-schemes"><thead><tr><th>Scheme</th><th>Type</th><th>Details</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>` : EMPTY}
${requirement !== undefined ? html`<p>Required by default: ${securityRequirements(requirement)}</p>` : EMPTY}`;
}

function securitySchemeDetails(scheme: JsonRecord): SafeHtml {
  const facts: SafeHtml[] = [];
  if (typeof scheme['in'] === 'string') facts.push(html`<div>${scheme['in']} <code>${stringOr(scheme['name'], '')}</code></div>`);
  if (typeof scheme['scheme'] === 'string') facts.push(html`<div>scheme <code>${scheme['scheme']}</code>${optionalText(', bearer format ', scheme['bearerFormat'])}</div>`);
  if (typeof scheme['openIdConnectUrl'] === 'string') facts.push(html`<div>OpenID Connect discovery ${externalLink(scheme['openIdConnectUrl'])}</div>`);
  for (const [flowName, rawFlow] of Object.entries(asRecord(scheme['flows']))) {
    const flow = asRecord(rawFlow);
    const urls = (['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const).filter((key) => typeof flow[key] === 'string').map((key) => html`<div>${key} ${externalLink(flow[key])}</div>`);
    const scopes = Object.entries(asRecord(flow['scopes'])).map(([scope, meaning]) => html`<li><code>${scope}</code>${optionalText(' — ', meaning)}</li>`);
    facts.push(html`<div><strong>${flowName}</strong>${urls}${scopes.length > 0 ? html`<ul>${scopes}</ul>` : EMPTY}</div>`);
  }
  return html`${facts}`;
}

/** Security Requirement Objects: the array's entries are alternatives, each object's keys all apply. */
function securityRequirements(value: unknown): SafeHtml {
  if (!Array.isArray(value)) return EMPTY;
  if (value.length === 0) return html`<span class="badge">none</span>`;
  const alternatives = value.filter(isRecord).map((requirement) => {
    const entries = Object.entries(requirement);
    if (entries.length === 0) return html`<span class="badge">anonymous</span>`;
    return html`${entries.map(([name, scopes], index) => html`${index > 0 ? ' and ' : ''}<code>${name}</code>${Array.isArray(scopes) && scopes.length > 0 ? html` [${scopes.map(String).join(', ')}]` : EMPTY}`)}`;
  });
  return html`${alternatives.map((alternative, index) => html`${index > 0 ? ' or ' : ''}${alternative}`)}`;
}

function renderTags(value: unknown): SafeHtml {
  if (!Array.isArray(value) || value.length === 0) return EMPTY;
  return html`<dl>${value.filter(isRecord).map((tag) => html`<dt><code>${stringOr(tag['name'], '')}</code></dt><dd>${description(tag['description'])}${externalDocs(tag['externalDocs'])}</dd>`)}</dl>`;
}

// ---- operations ----

function collectOperations(paths: JsonRecord, context: RenderContext, prefix: 'op' | 'webhook'): OperationEntry[] {
  const entries: OperationEntry[] = [];
  for (const [path, rawPathItem] of Object.entries(paths)) {
    const pathItem = dereference(rawPathItem, context);
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isRecord(operation)) continue;
      const base = typeof operation['operationId'] === 'string' ? `op-${operation['operationId']}` : `${prefix}-${method}-${path}`;
      entries.push({ method, path, operation, pathItem, id: context.allocateId(base) });
    }
  }
  return entries;
}

function renderOperation(entry: OperationEntry, context: RenderContext): SafeHtml {
  const { operation, pathItem } = entry;
  const operationId = operation['operationId'];
  const tags = Array.isArray(operation['tags']) ? operation['tags'].map((tag) => html`<span class="badge">${String(tag)}</span>`) : [];
  const security = operation['security'] ?? context.root['security'];
  return html`<section class="operation" id="${entry.id}">
<h3><span class="method method-${entry.method}">${entry.method}</span><span class="path">${entry.path}</span></h3>
<p>${typeof operationId === 'string' ? html`<code class="operation-id">${operationId}</code> ` : EMPTY}${tags}${operation['deprecated'] === true ? html`<span class="badge deprecated">deprecated</span>` : EMPTY}${provenanceLabels(pathItem)}${provenanceLabels(operation)}</p>
${typeof operation['summary'] === 'string' ? html`<p class="summary"><strong>${operation['summary']}</strong></p>` : EMPTY}
${description(pathItem['description'])}${description(operation['description'])}
${externalDocs(operation['externalDocs'])}
${security !== undefined ? html`<p>Security: ${securityRequirements(security)}</p>` : EMPTY}
${renderServers(operation['servers'] ?? pathItem['servers'], 'Servers')}
${renderParameters(mergedParameters(pathItem, operation, context), context)}
${renderRequestBody(operation['requestBody'], entry.id, context)}
${renderResponses(operation['responses'], entry.id, context)}
${renderCallbacks(operation['callbacks'])}
${operation['x-test-cases'] !== undefined ? html`<h4>Test cases</h4>${renderTestCases(operation['x-test-cases'])}` : EMPTY}
${operation['x-malformed-requests'] !== undefined ? html`<h4>Malformed requests (must be refused)</h4>${renderTestCases(operation['x-malformed-requests'])}` : EMPTY}
</section>
`;
}

/** Path-level parameters apply unless the operation redefines one with the same name and location. */
function mergedParameters(pathItem: JsonRecord, operation: JsonRecord, context: RenderContext): JsonRecord[] {
  const byKey = new Map<string, JsonRecord>();
  for (const list of [pathItem['parameters'], operation['parameters']]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = dereference(raw, context);
      byKey.set(`${stringOr(parameter['in'], '')}\u0000${stringOr(parameter['name'], '')}`, parameter);
    }
  }
  return [...byKey.values()];
}

function renderParameters(parameters: readonly JsonRecord[], context: RenderContext): SafeHtml {
  if (parameters.length === 0) return EMPTY;
  const rows = parameters.map((parameter) => {
    const required = parameter['required'] === true || parameter['in'] === 'path';
    const shape = parameter['schema'] !== undefined ? renderSchema(parameter['schema'], context, 1, []) : renderContent(parameter['content'], context);
    const style = [typeof parameter['style'] === 'string' ? `style ${parameter['style']}` : undefined, typeof parameter['explode'] === 'boolean' ? `explode ${String(parameter['explode'])}` : undefined].filter(
      (part) => part !== undefined,
    );
    return html`<tr class="parameter"><td><code>${stringOr(parameter['name'], '')}</code></td><td>${stringOr(parameter['in'], '')}</td><td>${shape}</td><td>${required ? html`<span class="required">required</span>` : 'optional'}</td><td>${parameter['deprecated'] === true ? html`<span class="badge deprecated">deprecated</span>` : EMPTY}${provenanceLabels(parameter)}${description(parameter['description'])}${style.length > 0 ? html`<div class="muted">${style.join(', ')}</div>` : EMPTY}${renderExamples(parameter, context)}</td></tr>`;
  });
  return html`<h4>Parameters</h4><table class="parameters"><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderRequestBody(value: unknown, operationElementId: string, context: RenderContext): SafeHtml {
  if (value === undefined) return EMPTY;
  const body = dereference(value, context);
  const elementId = context.allocateId(`${operationElementId}-request`);
  return html`<div class="request-body" id="${elementId}"><h4>Request body ${body['required'] === true ? html`<span class="required">required</span>` : html`<span class="muted">optional</span>`}</h4>
${description(body['description'])}${renderContent(body['content'], context)}</div>`;
}

function renderResponses(value: unknown, operationElementId: string, context: RenderContext): SafeHtml {
  const responses = Object.entries(asRecord(value));
  if (responses.length === 0) return EMPTY;
  return html`<h4>Responses</h4>${responses.map(([status, raw]) => {
    const response = dereference(raw, context);
    const elementId = context.allocateId(`${operationElementId}-response-${status}`);
    const headers = Object.entries(asRecord(response['headers'])).map(([name, rawHeader]) => {
      const header = dereference(rawHeader, context);
      const shape = header['schema'] !== undefined ? renderSchema(header['schema'], context, 1, []) : renderContent(header['content'], context);
      return html`<tr><td><code>${name}</code></td><td>${shape}</td><td>${header['required'] === true ? html`<span class="required">required</span>` : 'optional'}</td><td>${description(header['description'])}</td></tr>`;
    });
    const links = Object.keys(asRecord(response['links']));
    return html`<div class="response" id="${elementId}"><h5><code class="status">${status}</code> ${provenanceLabels(response)}</h5>
${description(response['description'])}
${headers.length > 0 ? html`<table class="headers"><thead><tr><th>Header</th><th>Type</th><th>Required</th><th>Description</th></tr></thead><tbody>${headers}</tbody></table>` : EMPTY}
${renderContent(response['content'], context)}
${links.length > 0 ? html`<p class="muted">Links: ${links.join(', ')}</p>` : EMPTY}</div>`;
  })}`;
}

function renderContent(value: unknown, context: RenderContext): SafeHtml {
  const mediaTypes = Object.entries(asRecord(value));
  return html`${mediaTypes.map(([mediaType, raw]) => {
    const media = asRecord(raw);
    return html`<div class="media-type"><h5><code>${mediaType}</code></h5>${media['schema'] !== undefined ? renderSchema(media['schema'], context, 1, []) : EMPTY}${renderExamples(media, context)}</div>`;
  })}`;
}

function renderCallbacks(value: unknown): SafeHtml {
  const callbacks = Object.entries(asRecord(value));
  if (callbacks.length === 0) return EMPTY;
  return html`<h4>Callbacks</h4><ul>${callbacks.map(([name, callback]) => html`<li><code>${name}</code>: ${Object.keys(asRecord(callback)).map((expression) => html`<code>${expression}</code> `)}</li>`)}</ul>`;
}

/** `example` and `examples` of a Media Type or Parameter Object (Example Objects, possibly `$ref`ed). */
function renderExamples(holder: JsonRecord, context: RenderContext): SafeHtml {
  const parts: SafeHtml[] = [];
  if (holder['example'] !== undefined) parts.push(html`<div class="example"><h5>Example</h5>${exampleValue(holder['example'])}</div>`);
  for (const [name, raw] of Object.entries(asRecord(holder['examples']))) {
    const example = dereference(raw, context);
    const shown = example['value'] !== undefined ? exampleValue(example['value']) : typeof example['externalValue'] === 'string' ? html`<p>External value: ${externalLink(example['externalValue'])}</p>` : EMPTY;
    parts.push(html`<div class="example"><h5>Example <code>${name}</code>${optionalText(' — ', example['summary'])}</h5>${description(example['description'])}${shown}</div>`);
  }
  return html`${parts}`;
}

function exampleValue(value: unknown): SafeHtml {
  return html`<pre class="example-value"><code>${prettyValue(value)}</code></pre>`;
}

/** Strings are shown as they are (XML, form bodies, plain text); everything else as indented JSON. */
function prettyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

// ---- schemas ----

function renderComponentSchemas(schemas: JsonRecord, context: RenderContext): SafeHtml {
  return html`${Object.entries(schemas).map(([name, schema]) => {
    const elementId = context.schemaIds.get(name) ?? '';
    const title = isRecord(schema) && typeof schema['title'] === 'string' && schema['title'] !== name ? html` <span class="muted">(${schema['title']})</span>` : EMPTY;
    return html`<section class="schema-section" id="${elementId}">
<h3><code>${name}</code>${title}</h3>
${renderSchema(schema, context, 0, [`#/components/schemas/${escapePointerToken(name)}`])}
</section>
`;
  })}`;
}

/**
 * A schema as a block: its type line, facts, composition, properties and examples.
 * `expanding` holds the `$ref`s being expanded above this one, so a cycle stops with a note.
 */
function renderSchema(value: unknown, context: RenderContext, depth: number, expanding: readonly string[]): SafeHtml {
  if (depth > MAX_SCHEMA_DEPTH) return html`<div class="schema muted">… nested more than ${MAX_SCHEMA_DEPTH} levels deep; not shown.</div>`;
  if (typeof value === 'boolean') return html`<div class="schema"><span class="schema-type">${value ? 'any value' : 'no value (false schema)'}</span></div>`;
  if (!isRecord(value)) return html`<div class="schema muted">not a schema</div>`;
  const schema = value;
  const reference = schema['$ref'];
  if (typeof reference === 'string') {
    const siblings = html`${provenanceLabels(schema)}${description(schema['description'])}`;
    if (componentSchemaName(reference, context) !== undefined || !reference.startsWith('#')) {
      return html`<div class="schema"><span class="schema-type">${typeSummary(schema, context, expanding)}</span>${siblings}</div>`;
    }
    if (expanding.includes(reference)) return html`<div class="schema"><span class="schema-type cycle">↻ ${reference}</span> <span class="muted">(recursive; shown above)</span>${siblings}</div>`;
    const target = resolvePointer(context.root, reference);
    if (target === undefined) return html`<div class="schema"><span class="schema-type unresolved">unresolved $ref ${reference}</span>${siblings}</div>`;
    return html`<div class="schema"><div class="muted">$ref <code>${reference}</code></div>${siblings}${renderSchema(target, context, depth + 1, [...expanding, reference])}</div>`;
  }
  const children = (child: unknown): SafeHtml => renderSchema(child, context, depth + 1, expanding);
  const parts: SafeHtml[] = [html`<div class="schema-type">${typeSummary(schema, context, expanding)}</div>`];
  const labels = html`${provenanceLabels(schema)}${schema['deprecated'] === true ? html`<span class="badge deprecated">deprecated</span>` : EMPTY}${schema['readOnly'] === true ? html`<span class="badge">read-only</span>` : EMPTY}${schema['writeOnly'] === true ? html`<span class="badge">write-only</span>` : EMPTY}`;
  if (labels.value !== '') parts.push(html`<div>${labels}</div>`);
  if (typeof schema['title'] === 'string' && depth > 0) parts.push(html`<div><em>${schema['title']}</em></div>`);
  parts.push(description(schema['description']));
  if (Array.isArray(schema['enum'])) parts.push(html`<div class="enum">enum: ${schema['enum'].map((option) => html`<code>${compactJson(option)}</code> `)}</div>`);
  if ('const' in schema) parts.push(html`<div class="const">const: <code>${compactJson(schema['const'])}</code></div>`);
  const constraints = CONSTRAINT_KEYWORDS.filter((keyword) => keyword in schema).map((keyword) => html`<span class="constraint">${keyword}: ${compactJson(schema[keyword])}</span>`);
  if (typeof schema['format'] === 'string') constraints.unshift(html`<span class="constraint">format: ${schema['format']}</span>`);
  if (constraints.length > 0) parts.push(html`<div>${constraints}</div>`);
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    const meaning = keyword === 'oneOf' ? 'exactly one of' : keyword === 'anyOf' ? 'any of' : 'all of';
    parts.push(html`<div class="composition ${keyword}"><strong>${keyword}</strong> <span class="muted">(${meaning})</span><ol>${branches.map((branch) => html`<li>${children(branch)}</li>`)}</ol></div>`);
  }
  if (isRecord(schema['not'])) parts.push(html`<div class="composition not"><strong>not</strong>${children(schema['not'])}</div>`);
  parts.push(renderDiscriminator(schema, context));
  const properties = Object.entries(asRecord(schema['properties']));
  if (properties.length > 0) {
    const required = new Set(Array.isArray(schema['required']) ? schema['required'].map(String) : []);
    parts.push(
      html`<table class="properties"><thead><tr><th>Property</th><th>Schema</th></tr></thead><tbody>${properties.map(
        ([name, property]) => html`<tr class="property"><td><code>${name}</code>${required.has(name) ? html` <span class="required">required</span>` : EMPTY}</td><td>${children(property)}</td></tr>`,
      )}</tbody></table>`,
    );
  }
  const additional = schema['additionalProperties'];
  if (additional === false) parts.push(html`<div class="muted">No other properties.</div>`);
  else if (isRecord(additional) && (properties.length > 0 || needsExpansion(additional))) parts.push(html`<div class="additional-properties">Other properties: ${children(additional)}</div>`);
  if (isRecord(schema['patternProperties'])) {
    for (const [pattern, property] of Object.entries(schema['patternProperties'])) parts.push(html`<div>Properties matching <code>${pattern}</code>: ${children(property)}</div>`);
  }
  if (Array.isArray(schema['prefixItems'])) parts.push(html`<div>Items in order:<ol>${schema['prefixItems'].map((item) => html`<li>${children(item)}</li>`)}</ol></div>`);
  if (isRecord(schema['items']) && needsExpansion(schema['items'])) parts.push(html`<div class="items">Items: ${children(schema['items'])}</div>`);
  if (schema['example'] !== undefined) parts.push(html`<div class="example"><h5>Example</h5>${exampleValue(schema['example'])}</div>`);
  if (Array.isArray(schema['examples'])) parts.push(html`${schema['examples'].map((example, index) => html`<div class="example"><h5>Example ${index + 1}</h5>${exampleValue(example)}</div>`)}`);
  if (Array.isArray(schema['x-invalid-examples'])) parts.push(renderInvalidExamples(schema['x-invalid-examples']));
  if (schema['x-test-cases'] !== undefined) parts.push(html`<h5>Test cases</h5>${renderTestCases(schema['x-test-cases'])}`);
  for (const [name, definition] of Object.entries(asRecord(schema['$defs']))) parts.push(html`<div class="defs"><h5>$defs/<code>${name}</code></h5>${children(definition)}</div>`);
  return html`<div class="schema">${parts}</div>`;
}

/** Whether a nested schema says more than its one-line summary already does. */
function needsExpansion(schema: JsonRecord): boolean {
  if (typeof schema['$ref'] === 'string') return typeof schema['description'] === 'string';
  return ['properties', 'oneOf', 'anyOf', 'allOf', 'enum', 'description', 'items', 'additionalProperties', 'not', 'const', 'example', 'examples'].some((keyword) => keyword in schema);
}

function renderDiscriminator(schema: JsonRecord, context: RenderContext): SafeHtml {
  const discriminator = schema['discriminator'];
  const propertyName = isRecord(discriminator) ? discriminator['propertyName'] : schema['x-discriminator'];
  if (typeof propertyName !== 'string') return EMPTY;
  const mapping = Object.entries(asRecord(isRecord(discriminator) ? discriminator['mapping'] : undefined));
  return html`<div class="discriminator">discriminator: <code>${propertyName}</code>${
    mapping.length > 0
      ? html`<table><thead><tr><th>Value</th><th>Schema</th></tr></thead><tbody>${mapping.map(
          ([tag, target]) => html`<tr><td><code>${tag}</code></td><td>${typeof target === 'string' ? schemaLink(target, context) : EMPTY}</td></tr>`,
        )}</tbody></table>`
      : EMPTY
  }</div>`;
}

/** A discriminator mapping value is a `$ref` or a bare schema name. */
function schemaLink(target: string, context: RenderContext): SafeHtml {
  const name = componentSchemaName(target, context) ?? (context.schemaIds.has(target) ? target : undefined);
  const elementId = name !== undefined ? context.schemaIds.get(name) : undefined;
  return elementId !== undefined ? html`<a href="#${elementId}">${name}</a>` : html`<code>${target}</code>`;
}

/** The one-line type of a schema: `string (date-time) | null`, `array of Pet`, `Cat | Dog`. */
function typeSummary(value: unknown, context: RenderContext, expanding: readonly string[]): SafeHtml {
  if (typeof value === 'boolean') return html`${value ? 'any' : 'never'}`;
  if (!isRecord(value)) return html`any`;
  const reference = value['$ref'];
  if (typeof reference === 'string') {
    if (componentSchemaName(reference, context) !== undefined) return schemaLink(reference, context);
    if (!reference.startsWith('#')) return html`<span class="external-ref">external $ref ${reference}</span>`;
    if (expanding.includes(reference)) return html`↻ ${reference}`;
    const target = resolvePointer(context.root, reference);
    return target === undefined ? html`unresolved $ref ${reference}` : typeSummary(target, context, [...expanding, reference]);
  }
  const branches = (keyword: 'oneOf' | 'anyOf' | 'allOf', separator: string): SafeHtml | undefined => {
    const list = value[keyword];
    if (!Array.isArray(list) || list.length === 0) return undefined;
    return html`${list.map((branch, index) => html`${index > 0 ? separator : ''}${typeSummary(branch, context, expanding)}`)}`;
  };
  const types = schemaTypes(value);
  const alternatives = types.filter((type) => type !== 'null').map((type) => {
    if (type === 'array') {
      const items = value['items'];
      return items === undefined ? html`array` : html`array of ${typeSummary(items, context, expanding)}`;
    }
    if (type === 'object' && isRecord(value['additionalProperties']) && !isRecord(value['properties'])) return html`map of ${typeSummary(value['additionalProperties'], context, expanding)}`;
    return html`${type}${typeof value['format'] === 'string' ? ` (${value['format']})` : ''}`;
  });
  const composed = branches('oneOf', ' | ') ?? branches('anyOf', ' | ') ?? branches('allOf', ' & ');
  if (composed !== undefined) alternatives.push(alternatives.length > 0 ? html`(${composed})` : composed);
  if ('const' in value && alternatives.length === 0) alternatives.push(html`${compactJson(value['const'])}`);
  if (Array.isArray(value['enum']) && alternatives.length === 0) alternatives.push(html`enum`);
  if (alternatives.length === 0) alternatives.push(html`any`);
  if (types.includes('null')) alternatives.push(html`null`);
  return html`${alternatives.map((alternative, index) => html`${index > 0 ? ' | ' : ''}${alternative}`)}`;
}

/**
 * The JSON types a schema allows. OpenAPI 3.1 (JSON Schema 2020-12) writes `type: [string, null]`;
 * OpenAPI 3.0 writes `type: string, nullable: true`. Both read as `string | null`.
 */
function schemaTypes(schema: JsonRecord): string[] {
  const declared = schema['type'];
  const types = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared.filter((type): type is string => typeof type === 'string') : [];
  if (types.length === 0 && (isRecord(schema['properties']) || isRecord(schema['additionalProperties']))) types.push('object');
  if (types.length === 0 && schema['items'] !== undefined) types.push('array');
  if (schema['nullable'] === true && !types.includes('null')) types.push('null');
  return types;
}

function renderInvalidExamples(value: readonly unknown[]): SafeHtml {
  return html`<div class="invalid-examples"><h5>Invalid examples (must be rejected)</h5>${value.filter(isRecord).map(
    (example) => html`<div class="example">${description(example['description'])}${exampleValue(example['value'])}${
      Array.isArray(example['errors']) ? html`<div class="muted">${example['errors'].filter(isRecord).map((error) => html`<code>${stringOr(error['pointer'], '')}</code> ${stringOr(error['keyword'], '')}; `)}</div>` : EMPTY
    }</div>`,
  )}</div>`;
}

// ---- test cases and provenance ----

/**
 * `x-test-cases` and `x-malformed-requests`: each case is headed by its id (or name) and
 * description, and its other members (input, wire, output, expect…) are shown as indented JSON,
 * so the page does not depend on one case layout.
 */
function renderTestCases(value: unknown): SafeHtml {
  if (!Array.isArray(value)) return html`<pre class="test-case"><code>${prettyValue(value)}</code></pre>`;
  const headingKeys = ['id', 'name', 'title', 'description'];
  return html`<ol class="test-cases">${value.map((testCase) => {
    if (!isRecord(testCase)) return html`<li>${exampleValue(testCase)}</li>`;
    const label = [testCase['id'], testCase['name']].find((part) => typeof part === 'string');
    const text = [testCase['title'], testCase['description']].find((part) => typeof part === 'string');
    const rest = Object.fromEntries(Object.entries(testCase).filter(([key, member]) => !headingKeys.includes(key) || (member !== label && member !== text)));
    return html`<li class="test-case">${typeof label === 'string' ? html`<code class="test-case-id">${label}</code>` : EMPTY}${description(text)}${Object.keys(rest).length > 0 ? exampleValue(rest) : EMPTY}</li>`;
  })}</ol>`;
}

/** `x-provenance: { status: public | modelled, source?, note? }`, as on every jpkigen spec. */
function provenanceLabels(holder: JsonRecord): SafeHtml {
  const provenance = holder['x-provenance'];
  if (!isRecord(provenance) || typeof provenance['status'] !== 'string') return EMPTY;
  const status = provenance['status'];
  const statusClass = /^[a-z]+$/.test(status) ? `provenance-${status}` : 'provenance-other';
  const details = [provenance['source'], provenance['note']].filter((part): part is string => typeof part === 'string').join(' — ');
  return html`<span class="badge provenance ${statusClass}" title="${details}">${status}</span>${details !== '' ? html` <span class="provenance-detail muted">${details} </span>` : EMPTY}`;
}

// ---- small helpers ----

function description(value: unknown): SafeHtml {
  return typeof value === 'string' && value !== '' ? html`<div class="description">${value}</div>` : EMPTY;
}

function externalDocs(value: unknown): SafeHtml {
  if (!isRecord(value) || typeof value['url'] !== 'string') return EMPTY;
  return html`<p class="muted">See ${externalLink(value['url'])}${optionalText(' — ', value['description'])}</p>`;
}

/** Only http(s) URLs become links: a `javascript:` URL from a document must stay text. */
function externalLink(value: unknown): SafeHtml {
  if (typeof value !== 'string') return EMPTY;
  return /^https?:\/\//i.test(value) ? html`<a href="${value}" rel="noopener noreferrer">${value}</a>` : html`<code>${value}</code>`;
}

function optionalText(prefix: string, value: unknown): SafeHtml {
  return typeof value === 'string' && value !== '' ? html`${prefix}${value}` : EMPTY;
}

function compactJson(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function componentSchemaName(reference: string, context: RenderContext): string | undefined {
  const match = /^#\/components\/schemas\/([^/]+)$/.exec(reference);
  if (match?.[1] === undefined) return undefined;
  const name = unescapePointerToken(safeDecode(match[1]));
  return context.schemaIds.has(name) ? name : undefined;
}

/** Follows `$ref`s of non-schema objects (parameters, responses, …) to the object, stopping on cycles. */
function dereference(value: unknown, context: RenderContext): JsonRecord {
  let current = value;
  const seen = new Set<string>();
  while (isRecord(current) && typeof current['$ref'] === 'string') {
    const reference = current['$ref'];
    if (seen.has(reference) || !reference.startsWith('#')) break;
    seen.add(reference);
    const target = resolvePointer(context.root, reference);
    if (target === undefined) break;
    current = target;
  }
  return asRecord(current);
}

/** Resolves `#/a/b~1c` (RFC 6901 in a URI fragment) against the document. */
function resolvePointer(root: JsonRecord, reference: string): unknown {
  if (!reference.startsWith('#')) return undefined;
  const pointer = safeDecode(reference.slice(1));
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const token of pointer.slice(1).split('/').map(unescapePointerToken)) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isRecord(current) && Object.hasOwn(current, token)) current = current[token];
    else return undefined;
  }
  return current;
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function unescapePointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Element ids in document order: runs outside [A-Za-z0-9_.:-] become one `-`, clashes get a suffix. */
function idAllocator(): (base: string) => string {
  const used = new Set<string>();
  return (base) => {
    const cleaned = base.replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/-{2,}/g, '-').replace(/-+$/, '') || 'id';
    let candidate = cleaned;
    for (let suffix = 2; used.has(candidate); suffix += 1) candidate = `${cleaned}-${suffix}`;
    used.add(candidate);
    return candidate;
  };
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

function recordAt(root: JsonRecord, ...keys: string[]): JsonRecord {
  let current: unknown = root;
  for (const key of keys) current = asRecord(current)[key];
  return asRecord(current);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
