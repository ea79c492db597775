/** Raw HTTP on loopback for conformance checks: exact bytes in, status, headers and bytes out. */
import { request as httpRequest } from 'node:http';

export interface WireRequest {
  readonly method: string;
  /** Path and query as sent, relative to the server's root. */
  readonly uri: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

export function sendRaw(port: number, wire: WireRequest): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, method: wire.method, path: wire.uri, headers: { ...wire.headers, ...(wire.body === undefined ? {} : { 'content-length': String(wire.body.length) }) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: new Uint8Array(Buffer.concat(chunks)) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(wire.body === undefined ? undefined : Buffer.from(wire.body));
  });
}

/** A wire description from a spec: `body` (JSON), `bodyText` or `bodyBase64`. */
export function wireBody(spec: Readonly<Record<string, unknown>>): Uint8Array | undefined {
  if (typeof spec['bodyBase64'] === 'string') return new Uint8Array(Buffer.from(spec['bodyBase64'], 'base64'));
  if (typeof spec['bodyText'] === 'string') return new TextEncoder().encode(spec['bodyText']);
  if (spec['body'] !== undefined) return new TextEncoder().encode(JSON.stringify(spec['body']));
  return undefined;
}
