/**
 * The revocation API of a CA (spec/openapi/revocation.yaml) over a RevocationSource: the generated
 * RevocationHandlers implemented with the CRL publisher, the OCSP responder and the linkage list,
 * served by the generated request listener.
 *
 * In front of it sit an optional fast path for `POST /ocsp` (off by default: bench/ocsp-bench.ts
 * measures both and the generated route costs no more) and two downloads the API document does not list: the ARL (`GET /crls/{caId}/arl`, whose name
 * the municipalityCode pattern cannot match) and the signed linkage list (`GET /linkage-lists/{caId}.der`).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeName } from '../../generated/asn1/index.js';
import type { JpkiCaId } from '../../generated/messages/types.js';
import { createRevocationRequestListener, createRevocationServer, type RevocationHandlers, type components } from '../../generated/openapi/revocation/index.js';
import { problem, type ServerOptions } from '../../runtime/http/index.js';
import { wholeSeconds } from './crl-builder.js';
import { CrlPublisher, sha256Hex, type CrlPublisherOptions, type PublishedCrl } from './crl-publisher.js';
import { linkageListJson, serialHex } from './linkage-list.js';
import { OcspResponder, ocspErrorResponse, type OcspResponderOptions } from './ocsp-responder.js';
import { formatName } from './revocation-service-issuer.js';
import type { RevocationSource } from './revocation-source.js';

type Schemas = components['schemas'];

export interface RevocationServiceOptions {
  readonly clock?: () => Date;
  /** Where the API is mounted, e.g. `/revocation/v1`; the root unless given. */
  readonly basePath?: string;
  /** The absolute URL the index's `url` fields start with; `http://127.0.0.1` + basePath unless given. */
  readonly publicUrl?: string;
  readonly crl?: CrlPublisherOptions;
  readonly ocsp?: OcspResponderOptions;
  /** bodyLimit, validateResponses, authorize, onError of the generated listener. */
  readonly server?: Omit<ServerOptions, 'basePath'>;
  /**
   * Answer `POST /ocsp` before the generated router. Off unless true: bench/ocsp-bench.ts found no
   * measurable cost in the generated route (both sit on node:http's own floor), so the route the
   * API document describes stays the default. Never on while `server.authorize` is set.
   */
  readonly ocspFastPath?: boolean;
}

export interface RevocationService {
  readonly handlers: RevocationHandlers;
  /** The generated listener with the fast path and the two extra downloads in front. */
  readonly listener: RequestListener;
  readonly publisher: CrlPublisher;
  readonly responder: OcspResponder;
  /** Issues the first CRLs and pre-produces OCSP responses, then keeps both fresh. */
  start(): Promise<void>;
  stop(): void;
  /** Tells both publishers a status changed now (instead of waiting for their change-counter poll). */
  markChanged(): Promise<void>;
  /** Listens on 127.0.0.1 (port 0: any free one). */
  listen(port?: number, host?: string): Promise<{ readonly server: Server; readonly port: number; readonly url: string }>;
}

const CA_IDS: readonly JpkiCaId[] = ['authca01', 'authca02', 'authca03', 'signca01', 'signca02', 'signca03'];
const OCSP_VALIDITY_MS = 15 * 60_000;

export function createRevocationService(source: RevocationSource, options: RevocationServiceOptions = {}): RevocationService {
  const clock = options.clock ?? (() => new Date());
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const publisher = new CrlPublisher(source, { clock, ...options.crl });
  const responder = new OcspResponder(source, { clock, ...options.ocsp });
  let publicUrl = options.publicUrl ?? `http://127.0.0.1${basePath}`;
  const handlers = revocationHandlers(source, publisher, responder, clock, () => publicUrl);
  const serverOptions: ServerOptions = { ...options.server, basePath };
  const generated = createRevocationRequestListener(handlers, serverOptions);
  const fastPath = options.ocspFastPath === true && options.server?.authorize === undefined;
  const bodyLimit = options.server?.bodyLimit ?? 1024 * 1024;
  const listener = frontListener({ generated, responder, publisher, basePath, fastPath, bodyLimit });
  return {
    handlers,
    listener,
    publisher,
    responder,
    async start() {
      await Promise.all([publisher.start(), responder.start()]);
    },
    stop() {
      publisher.stop();
      responder.stop();
    },
    async markChanged() {
      await Promise.all([publisher.refresh(), responder.refresh()]);
    },
    listen(port = 0, host = '127.0.0.1') {
      const server = createServer({ keepAliveTimeout: 30_000 }, listener);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const bound = (server.address() as AddressInfo).port;
          if (options.publicUrl === undefined) publicUrl = `http://${host}:${bound}${basePath}`;
          resolve({ server, port: bound, url: `http://${host}:${bound}${basePath}` });
        });
      });
    },
  };
}

/** For callers who want the plain generated server (no fast path, no extra downloads). */
export function createPlainRevocationServer(service: RevocationService, options?: ServerOptions): Server {
  return createRevocationServer(service.handlers, options);
}

interface FrontSettings {
  readonly generated: RequestListener;
  readonly responder: OcspResponder;
  readonly publisher: CrlPublisher;
  readonly basePath: string;
  readonly fastPath: boolean;
  readonly bodyLimit: number;
}

function frontListener(settings: FrontSettings): RequestListener {
  const { generated, responder, publisher, basePath, fastPath, bodyLimit } = settings;
  const ocspPath = `${basePath}/ocsp`;
  const arlPattern = new RegExp(`^${escapeRegExp(basePath)}/crls/([a-z0-9]+)/arl$`);
  const linkagePattern = new RegExp(`^${escapeRegExp(basePath)}/linkage-lists/([a-z0-9]+)\\.der$`);
  return (request, response) => {
    const url = request.url ?? '';
    if (fastPath && request.method === 'POST' && url === ocspPath && request.headers['content-type'] === 'application/ocsp-request') {
      const length = Number(request.headers['content-length']);
      if (Number.isSafeInteger(length) && length <= bodyLimit) {
        answerOcspPost(request, response, responder, length);
        return;
      }
    }
    if (request.method === 'GET') {
      const arl = arlPattern.exec(url);
      if (arl !== null) return sendDownload(response, publisher.crl(arl[1] as JpkiCaId, 'arl')?.der, 'application/pkix-crl');
      const linkage = linkagePattern.exec(url);
      if (linkage !== null) return sendDownload(response, publisher.issuer(linkage[1] as JpkiCaId)?.linkage.der, 'application/octet-stream');
    }
    generated(request, response);
  };
}

function answerOcspPost(request: IncomingMessage, response: ServerResponse, responder: OcspResponder, length: number): void {
  const body = Buffer.allocUnsafe(length);
  let received = 0;
  request.on('data', (chunk: Buffer) => {
    if (received + chunk.length > length) {
      request.destroy();
      return;
    }
    chunk.copy(body, received);
    received += chunk.length;
  });
  request.on('error', () => response.destroy());
  request.on('end', () => {
    const requestDer = new Uint8Array(body.buffer, body.byteOffset, received);
    const ready = received === length ? responder.cached(requestDer) : ocspErrorResponse('malformedRequest');
    if (ready !== undefined) return sendOcsp(response, ready);
    responder.respond(requestDer).then(
      (der) => sendOcsp(response, der),
      () => sendOcsp(response, ocspErrorResponse('internalError')),
    );
  });
}

function sendOcsp(response: ServerResponse, der: Uint8Array): void {
  response.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': der.length });
  response.end(der);
}

function sendDownload(response: ServerResponse, der: Uint8Array | undefined, contentType: string): void {
  if (der === undefined) {
    const body = JSON.stringify(problem(404, 'notPublished', 'Nothing is published under this name.'));
    response.writeHead(404, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  response.writeHead(200, { 'content-type': contentType, 'content-length': der.length });
  response.end(der);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isoSeconds(date: Date): string {
  return wholeSeconds(date).toISOString().replace('.000Z', 'Z');
}

function certificateKindOf(caId: JpkiCaId): Schemas['CertificateKind'] {
  return caId.startsWith('auth') ? 'userAuthentication' : 'signature';
}

function notFound(detail: string) {
  return { status: 404 as const, contentType: 'application/problem+json' as const, body: problem(404, 'notFound', detail) as Schemas['Problem'] };
}

function unavailable() {
  return { status: 503 as const, contentType: 'application/problem+json' as const, body: problem(503, 'notYetPublished', 'Revocation information is being prepared; retry shortly.') as Schemas['Problem'] };
}

/** Prefecture and municipality as the directoryName spells them (`…, OU=CRL Distribution Points, OU=<pref>, CN=<muni> CRLDP`). */
function pointNames(nameDer: Uint8Array, municipalityCode: string): { directoryName: string; prefecture: string; municipality: string } {
  const directoryName = formatName(decodeName(nameDer));
  const parts = directoryName.split(/(?<!\\), /);
  const marker = parts.indexOf('OU=CRL Distribution Points');
  const prefecture = marker >= 0 ? (parts[marker + 1] ?? '').replace(/^OU=/, '') : '';
  const common = parts.find((part) => part.startsWith('CN=')) ?? '';
  const municipality = common.replace(/^CN=/, '').replace(/ CRLDP$/, '');
  return { directoryName, prefecture: prefecture || municipalityCode, municipality: municipality || municipalityCode };
}

function publishedFile(crl: { readonly der: Uint8Array; readonly thisUpdate: Date; readonly nextUpdate: Date; readonly sha256?: string }, url: string, number: bigint): Schemas['PublishedRevocationFile'] {
  return { url, number: Number(number), thisUpdate: isoSeconds(crl.thisUpdate), nextUpdate: isoSeconds(crl.nextUpdate), sha256: crl.sha256 ?? '', size: crl.der.length };
}

function revocationHandlers(source: RevocationSource, publisher: CrlPublisher, responder: OcspResponder, clock: () => Date, publicUrl: () => string): RevocationHandlers {
  const served = (caId: string): caId is JpkiCaId => CA_IDS.includes(caId as JpkiCaId) && publisher.issuer(caId as JpkiCaId) !== undefined;
  const distributionPoint = (crl: PublishedCrl): Schemas['CrlDistributionPoint'] => ({
    caId: crl.caId,
    certificateKind: certificateKindOf(crl.caId),
    municipalityCode: crl.scope,
    ...pointNames(crl.name, crl.scope),
    url: `${publicUrl()}/crls/${crl.caId}/${crl.scope}`,
    crlNumber: Number(crl.crlNumber),
    thisUpdate: isoSeconds(crl.thisUpdate),
    nextUpdate: isoSeconds(crl.nextUpdate),
    sha256: crl.sha256,
    size: crl.der.length,
  });
  return {
    getCrlIndex() {
      const issuers = publisher.issuers();
      if (issuers.length === 0) return unavailable();
      return {
        status: 200,
        contentType: 'application/json',
        body: {
          generatedAt: isoSeconds(clock()),
          cas: issuers.map((issuer) => {
            const caId = issuer.identity.issuer.caId;
            return {
              caId,
              certificateKind: certificateKindOf(caId),
              arl: { directoryName: formatName(issuer.identity.subject), ...publishedFile(issuer.arl, `${publicUrl()}/crls/${caId}/arl`, issuer.arl.crlNumber) },
              distributionPoints: [...issuer.distributionPoints.values()].map(distributionPoint),
              linkageList: publishedFile({ ...issuer.linkage, sha256: sha256Hex(issuer.linkage.der) }, `${publicUrl()}/linkage-lists/${caId}.der`, issuer.linkage.listNumber),
            };
          }),
        },
      };
    },
    async getCrl(request) {
      const { caId, municipalityCode } = request.path;
      if (publisher.issuers().length === 0) return unavailable();
      // A distribution point the CA has just started issuing for gets its first CRL now, not at the next poll.
      if (served(caId) && publisher.crl(caId, municipalityCode) === undefined) await publisher.refreshIfChanged();
      const crl = served(caId) ? publisher.crl(caId, municipalityCode) : undefined;
      if (crl === undefined) return notFound(`No CRL for ${caId}/${municipalityCode}.`);
      return { status: 200, contentType: 'application/pkix-crl', body: crl.der };
    },
    async postOcspRequest(request) {
      return { status: 200, contentType: 'application/ocsp-response', body: await responder.respond(request.body) };
    },
    async getOcspResponse(request) {
      const requestDer = new Uint8Array(Buffer.from(request.path.ocspRequest, 'base64'));
      return { status: 200, contentType: 'application/ocsp-response', body: await responder.respond(requestDer) };
    },
    getLinkageList(request) {
      const { caId } = request.path;
      const issuer = served(caId) ? publisher.issuer(caId) : undefined;
      if (issuer === undefined) return notFound(`No linkage list for ${caId}.`);
      return { status: 200, contentType: 'application/json', body: linkageListJson(caId as JpkiCaId, issuer.linkage, request.query.since) };
    },
    async queryRevocationStatus(request) {
      const query = request.body;
      const serialNumber = BigInt(`0x${query.serialNumber}`);
      const serial = serialHex(serialNumber);
      if (certificateKindOf(query.caId) !== query.certificateKind) {
        return { status: 400, contentType: 'application/problem+json', body: problem(400, 'certificateKindMismatch', `${query.caId} issues ${certificateKindOf(query.caId)} certificates, not ${query.certificateKind}.`, [{ pointer: '#/certificateKind', detail: `must be ${certificateKindOf(query.caId)} for ${query.caId}` }]) as Schemas['Problem'] };
      }
      const issuer = publisher.issuer(query.caId);
      if (issuer === undefined) return { status: 200, contentType: 'application/json', body: { status: 'unknown', caId: query.caId, serialNumber: serial, source: query.preferredSource ?? 'ocsp', detail: `${query.caId} is not served here` } };
      const viaCrl = query.preferredSource === 'crl';
      const now = wholeSeconds(clock());
      // The CRL view is the status as of the CRL's thisUpdate; the OCSP view is the current one, for 15 minutes.
      const thisUpdate = viaCrl ? issuer.arl.thisUpdate : now;
      const nextUpdate = viaCrl ? issuer.arl.nextUpdate : new Date(now.getTime() + OCSP_VALIDITY_MS);
      const asOf = query.at === undefined ? thisUpdate : new Date(Math.min(Date.parse(query.at), thisUpdate.getTime()));
      const status = await source.statusOf(query.caId, serialNumber);
      const common = { caId: query.caId, serialNumber: serial, source: viaCrl ? ('crl' as const) : ('ocsp' as const) };
      const times = { thisUpdate: isoSeconds(thisUpdate), nextUpdate: isoSeconds(nextUpdate) };
      if (status.status === 'unknown') return { status: 200, contentType: 'application/json', body: { status: 'unknown', ...common, ...times, detail: `serial not issued by ${query.caId}` } };
      if (status.status === 'revoked' && status.revokedAt <= asOf) {
        return { status: 200, contentType: 'application/json', body: { status: 'revoked', ...common, reason: status.reason, revokedAt: isoSeconds(status.revokedAt), ...times } };
      }
      return { status: 200, contentType: 'application/json', body: { status: 'good', ...common, ...times } };
    },
  };
}
