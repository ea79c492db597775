/**
 * The reference page as a real browser renders it: headless Debian chromium parses each page
 * (`--dump-dom` prints the DOM after load, scripts included) and draws it (`--screenshot`).
 * Needs the Debian package `chromium`; without it the suite is skipped with that message.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { renderReferencePage } from '../../../../generator/emitters/openapi/reference-page.js';
import { readOpenApiFile } from '../../../../generator/readers/openapi/openapi-reader.js';
import { repositoryRoot } from '../../../helpers/temporary-project.js';

const chromium = findChromium();
if (chromium === undefined) console.warn('reference-page-browser.test.ts: SKIPPED, chromium is not installed (Debian: apt-get install -y chromium)');
const workFolder = chromium === undefined ? '' : mkdtempSync(path.join(tmpdir(), 'jpkigen-reference-page-'));
afterAll(() => {
  if (workFolder !== '') rmSync(workFolder, { recursive: true, force: true });
});

function findChromium(): string | undefined {
  const candidates = process.env['JPKIGEN_CHROMIUM'] !== undefined ? [process.env['JPKIGEN_CHROMIUM']] : [];
  for (const folder of (process.env['PATH'] ?? '').split(path.delimiter)) for (const name of ['chromium', 'chromium-browser']) candidates.push(path.join(folder, name));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Runs headless chromium on a local page, offline, with a throw-away profile; resolves its stdout. */
function runChromium(page: string, extraArguments: readonly string[]): Promise<string> {
  const profile = mkdtempSync(path.join(workFolder, 'profile-'));
  const args = [
    '--headless',
    // The sandbox needs user namespaces, which containers and root (CI) do not grant.
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    ...extraArguments,
    pathToFileURL(page).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(chromium ?? 'chromium', args, { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`chromium ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function writePage(name: string, markup: string): string {
  const file = path.join(workFolder, name);
  writeFileSync(file, markup);
  return file;
}

async function renderedDom(name: string, markup: string): Promise<string> {
  return runChromium(writePage(name, markup), ['--dump-dom']);
}

const sample = YAML.parse(readFileSync(path.join(repositoryRoot, 'test/fixtures/openapi/reference-page-sample.yaml'), 'utf8')) as object;

describe.skipIf(chromium === undefined)(`reference page in headless chromium${chromium === undefined ? ' (SKIPPED: chromium is not installed; apt-get install -y chromium)' : ''}`, () => {
  it('detects a script that runs (control page, so the checks below can fail)', async () => {
    const dom = await renderedDom(
      'control.html',
      '<!DOCTYPE html><html><head><title>before</title></head><body><p id="marker">static</p><script>document.title = "PWNED"; document.documentElement.setAttribute("data-pwned", "script");</script></body></html>',
    );
    expect(dom).toContain('<title>PWNED</title>');
    expect(dom).toContain('data-pwned="script"');
  });

  it('renders the operations, schemas and examples, and no markup from the document runs or appears', async () => {
    const dom = await renderedDom('sample.html', renderReferencePage(sample));
    expect(dom).toContain('<title>jpkigen sample API</title>');
    // The serializer escapes `<` in text but not in attribute values: drop those values, then any
    // `<` left opens an element the parser made.
    const elementsOnly = dom.replace(/="[^"]*"/g, '=""');
    expect(elementsOnly).not.toMatch(/<(script|img|svg|b|em)[\s>]/i);
    expect(elementsOnly).not.toMatch(/<[a-z][^>]*\s(on[a-z]+|data-pwned)=/i);
    for (const id of ['op-createAuthRequest', 'op-getCertificate', 'op-get-tree', 'op-certificateRevoked', 'op-img-src-x-onerror-document.title-PWNED']) expect(dom).toMatch(new RegExp(`<section class="operation" id="${id.replaceAll('.', '\\.')}">`));
    for (const name of ['AuthRequest', 'CertificateKind', 'NullableName', 'Pet', 'Cat', 'Dog', 'TreeNode', 'PointerLoop']) {
      expect(dom).toContain(`<section class="schema-section" id="schema-${name}">\n<h3><code>${name}</code>`);
    }
    expect(dom).toContain('&lt;script&gt;document.title = \'PWNED\';');
    expect(dom).toContain('<td><code>&lt;img src=x onerror=alert(1)&gt;</code></td>');
    expect(dom).toContain('  "nonce": "q83vEjRWeJCrze8SNFZ4kA",\n');
    expect(dom).toContain('"title": "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;document.title=\'PWNED\'&lt;/script&gt;"');
    expect(dom).toContain('<a href="#schema-Dog">Dog</a>');
  });

  it('draws a page: a 1280×900 screenshot with text and the styled method badges', async () => {
    const screenshot = path.join(workFolder, 'sample.png');
    await runChromium(writePage('screenshot.html', renderReferencePage(sample)), [`--screenshot=${screenshot}`, '--window-size=1280,900', '--hide-scrollbars']);
    const image = decodePng(readFileSync(screenshot));
    expect([image.width, image.height]).toEqual([1280, 900]);
    let dark = 0;
    let white = 0;
    let getBadge = 0;
    for (let offset = 0; offset < image.pixels.length; offset += image.channels) {
      const [red = 0, green = 0, blue = 0] = image.pixels.subarray(offset, offset + 3);
      const luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
      if (luminance < 96) dark += 1;
      if (luminance > 245) white += 1;
      // .method-get's background #1a7f37: only drawn when the inline stylesheet applied.
      if (Math.abs(red - 0x1a) < 12 && Math.abs(green - 0x7f) < 12 && Math.abs(blue - 0x37) < 12) getBadge += 1;
    }
    const pixels = image.width * image.height;
    expect(dark / pixels).toBeGreaterThan(0.005);
    expect(white / pixels).toBeGreaterThan(0.5);
    expect(getBadge).toBeGreaterThan(200);
  });

  const ownDocuments = existsSync(path.join(repositoryRoot, 'spec/openapi'))
    ? readdirSync(path.join(repositoryRoot, 'spec/openapi')).filter((name) => /\.(ya?ml|json)$/.test(name)).sort()
    : [];
  // The project's own interfaces, bundled by the openapi reader as the generator does: every
  // operation and component schema must render, and no $ref may be left unresolved.
  if (ownDocuments.length > 0) it.each(ownDocuments)('renders spec/openapi/%s', async (name) => {
    const bundled = readOpenApiFile(path.join(repositoryRoot, 'spec/openapi', name));
    const dom = await renderedDom(`${name}.html`, renderReferencePage(bundled.document, { title: bundled.title }));
    expect(dom).toContain(`<title>${escapeText(bundled.title)}</title>`);
    expect(bundled.operations.length).toBeGreaterThan(0);
    for (const operation of bundled.operations) {
      if (operation.operationId !== undefined) expect(dom).toContain(`<section class="operation" id="op-${operation.operationId}">`);
      expect(dom).toContain(`<span class="path">${escapeText(operation.path)}</span>`);
    }
    const schemaNames = Object.keys((bundled.document['components'] as { schemas?: object } | undefined)?.schemas ?? {});
    for (const schemaName of schemaNames.filter((schemaName) => /^[A-Za-z0-9_.:-]+$/.test(schemaName))) expect(dom).toContain(`id="schema-${schemaName}">\n<h3><code>${schemaName}</code>`);
    expect(dom).not.toMatch(/unresolved \$ref|external \$ref/);
  });
});

function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** PNG (RFC 2083) 8-bit RGB or RGBA, non-interlaced, as chromium writes it: size and unfiltered pixels. */
function decodePng(file: Uint8Array): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Uint8Array[] = [];
  for (let offset = 8; offset < file.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...file.subarray(offset + 4, offset + 8));
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect(body[8]).toBe(8);
      expect(body[12]).toBe(0);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const filtered = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let row = 0; row < height; row += 1) {
    const filter = filtered[row * (stride + 1)];
    for (let column = 0; column < stride; column += 1) {
      const raw = filtered[row * (stride + 1) + 1 + column] ?? 0;
      const left = column >= channels ? (pixels[row * stride + column - channels] ?? 0) : 0;
      const up = row > 0 ? (pixels[(row - 1) * stride + column] ?? 0) : 0;
      const upLeft = row > 0 && column >= channels ? (pixels[(row - 1) * stride + column - channels] ?? 0) : 0;
      const predictor = filter === 1 ? left : filter === 2 ? up : filter === 3 ? Math.floor((left + up) / 2) : filter === 4 ? paeth(left, up, upLeft) : 0;
      pixels[row * stride + column] = (raw + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const [toLeft, toUp, toUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
  return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
}
