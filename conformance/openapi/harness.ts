/**
 * Checks a generated client and server against the cases written into an OpenAPI document, on
 * loopback: each x-test-case both ways (the client puts the input on the wire exactly as written
 * and decodes the written answer; the server reads the written request into the same input),
 * each x-malformed-request refused with its status and problem pointers while the server keeps
 * serving, and every documented example carried client → server → client unchanged.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRequestListener,
  exampleBody,
  HttpResponseError,
  statusNumber,
  type BodyEncoding,
  type ClientOptions,
  type Handler,
  type HandlerRequest,
  type HandlerResponse,
  type ServerApi,
} from '../../runtime/http/index.js';
import { sendRaw, wireBody } from './wire.js';

type Json = Readonly<Record<string, unknown>>;

export interface ConformanceOperation {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly exampleInput: Json | null;
  readonly exampleResponses: readonly { readonly status: string; readonly contentType: string; readonly encoding: BodyEncoding; readonly body: unknown }[];
  readonly testCases: readonly { readonly id: string; readonly description: string; readonly input: Json; readonly wire: Json; readonly output: Json }[];
  readonly malformedRequests: readonly { readonly id: string; readonly description: string; readonly wire: Json; readonly expect: { readonly status: number; readonly code?: string; readonly pointers?: readonly string[] } }[];
}

export interface ConformanceSuite {
  readonly title: string;
  readonly api: ServerApi;
  readonly createClient: (options: ClientOptions) => object;
  readonly operations: readonly ConformanceOperation[];
}

interface Scenario {
  answer: HandlerResponse;
  received: HandlerRequest | undefined;
}

export function describeOpenApiConformance(suite: ConformanceSuite): void {
  describe(`${suite.title}: conformance`, () => {
    let server: Server;
    let port = 0;
    const scenario: Scenario = { answer: { status: 500 }, received: undefined };
    const serverErrors: unknown[] = [];

    beforeAll(async () => {
      const handlers: Record<string, Handler> = {};
      for (const operation of suite.api.operations) {
        handlers[operation.name] = (request) => {
          scenario.received = request;
          return scenario.answer;
        };
      }
      server = createServer(createRequestListener(suite.api, handlers, { validateResponses: true, onError: (error) => serverErrors.push(error) }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const client = () => suite.createClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { maxRetries: 0 } }) as Record<string, (input: unknown) => Promise<Json>>;

    for (const operation of suite.operations) {
      describe(`${operation.name} (${operation.method.toUpperCase()} ${operation.path})`, () => {
        it('documents an example for every required parameter and the body', () => {
          expect(operation.exampleInput, 'an example value for each required parameter and for a required body').not.toBeNull();
        });

        for (const example of operation.exampleResponses) {
          it(`round-trips the ${example.status} ${example.contentType} example`, async () => {
            const input = decodeInput(operation.exampleInput ?? {});
            const body = exampleBody(example.encoding, example.body);
            scenario.answer = { status: statusNumber(example.status), contentType: example.contentType, body };
            scenario.received = undefined;
            const call = client()[operation.name]?.(statusNumber(example.status) < 400 ? { ...input, accept: example.contentType } : input);
            if (call === undefined) throw new Error(`the client has no method ${operation.name}`);
            if (statusNumber(example.status) < 400) {
              const result = await call;
              expect(result['status']).toBe(statusNumber(example.status));
              expect(result['body']).toEqual(body);
            } else {
              const error = await call.then(
                () => undefined,
                (caught: unknown) => caught,
              );
              expect(error).toBeInstanceOf(HttpResponseError);
              expect((error as HttpResponseError).response.body).toEqual(body);
              if (example.contentType === 'application/problem+json') expect((error as HttpResponseError).problem).toEqual(body);
            }
            expectReceived(scenario.received, input);
            expect(serverErrors).toEqual([]);
          });
        }

        for (const testCase of operation.testCases) {
          it(`client puts ${testCase.id} on the wire and reads its answer: ${testCase.description}`, async () => {
            let sent: Request | undefined;
            const fakeFetch = async (url: string | URL | Request, init?: RequestInit) => {
              sent = new Request(url, init);
              const answer = wireBody(testCase.output);
              const headers: Record<string, string> = {};
              if (typeof testCase.output['contentType'] === 'string') headers['content-type'] = testCase.output['contentType'];
              return new Response(answer === undefined ? null : Buffer.from(answer), { status: Number(testCase.output['status']), headers });
            };
            const base = 'http://127.0.0.1:9/base';
            const testClient = suite.createClient({ baseUrl: base, fetch: fakeFetch as typeof fetch, retry: { maxRetries: 0 } }) as Record<string, (input: unknown) => Promise<Json>>;
            const outcome = await (testClient[operation.name]?.(decodeInput(testCase.input)) ?? Promise.reject(new Error('no such method'))).then(
              (result) => ({ result, error: undefined }),
              (error: unknown) => ({ result: undefined, error }),
            );
            expect(sent).toBeDefined();
            const request = sent as Request;
            expect(request.method).toBe(String(testCase.wire['method']));
            expect(request.url.slice(base.length)).toBe(String(testCase.wire['uri']));
            for (const [name, value] of Object.entries((testCase.wire['headers'] ?? {}) as Record<string, string>)) expect(request.headers.get(name), name).toBe(value);
            const expectedBody = wireBody(testCase.wire);
            const sentBody = new Uint8Array(await request.arrayBuffer());
            if (expectedBody === undefined) expect(sentBody.length).toBe(0);
            else if (testCase.wire['body'] !== undefined) expect(JSON.parse(new TextDecoder().decode(sentBody))).toEqual(testCase.wire['body']);
            else expect(Buffer.from(sentBody).toString('base64')).toBe(Buffer.from(expectedBody).toString('base64'));
            const status = Number(testCase.output['status']);
            const decoded = decodeOutputBody(testCase.output);
            if (status < 400) {
              expect(outcome.error).toBeUndefined();
              expect(outcome.result?.['status']).toBe(status);
              expect(outcome.result?.['body']).toEqual(decoded);
            } else {
              expect(outcome.error).toBeInstanceOf(HttpResponseError);
              expect((outcome.error as HttpResponseError).response.body).toEqual(decoded);
            }
          });

          it(`server reads ${testCase.id} from the wire and writes its answer`, async () => {
            const status = Number(testCase.output['status']);
            const body = decodeOutputBody(testCase.output);
            const contentType = testCase.output['contentType'];
            scenario.answer = { status, ...(typeof contentType === 'string' ? { contentType } : {}), ...(body === undefined ? {} : { body }) };
            scenario.received = undefined;
            const answer = await sendRaw(port, wireRequest(testCase.wire));
            expect(answer.status, new TextDecoder().decode(answer.body)).toBe(status);
            expectReceived(scenario.received, decodeInput(testCase.input));
            const expected = wireBody(testCase.output);
            if (testCase.output['body'] !== undefined) expect(JSON.parse(new TextDecoder().decode(answer.body))).toEqual(testCase.output['body']);
            else if (expected !== undefined) expect(Buffer.from(answer.body).toString('base64')).toBe(Buffer.from(expected).toString('base64'));
            if (typeof contentType === 'string') expect(answer.headers['content-type']).toBe(contentType);
          });
        }

        for (const malformed of operation.malformedRequests) {
          it(`refuses ${malformed.id} with ${malformed.expect.status}: ${malformed.description}`, async () => {
            scenario.received = undefined;
            const answer = await sendRaw(port, wireRequest(malformed.wire));
            expect(answer.status).toBe(malformed.expect.status);
            expect(answer.headers['content-type']).toBe('application/problem+json');
            const problem = JSON.parse(new TextDecoder().decode(answer.body)) as { status: number; code?: string; errors?: { pointer: string }[] };
            expect(problem.status).toBe(malformed.expect.status);
            if (malformed.expect.code !== undefined) expect(problem.code).toBe(malformed.expect.code);
            const pointers = (problem.errors ?? []).map((error) => error.pointer);
            for (const pointer of malformed.expect.pointers ?? []) expect(pointers).toContain(pointer);
            expect(scenario.received, 'the handler must not see a malformed request').toBeUndefined();
            const alive = await sendRaw(port, { method: 'GET', uri: '/__no_such_route__' });
            expect(alive.status).toBe(404);
          });
        }
      });
    }
  });
}

/** Example inputs as written (binary bodies as base64) → what the client method takes. */
function decodeInput(input: Json): Record<string, unknown> {
  const { bodyEncoding, bodyBase64, ...rest } = input as Record<string, unknown>;
  if (typeof bodyBase64 === 'string') return { ...rest, body: new Uint8Array(Buffer.from(bodyBase64, 'base64')) };
  if (bodyEncoding === 'binary' && typeof rest['body'] === 'string') return { ...rest, body: new Uint8Array(Buffer.from(rest['body'], 'base64')) };
  return rest;
}

function decodeOutputBody(output: Json): unknown {
  if (typeof output['bodyBase64'] === 'string') return new Uint8Array(Buffer.from(output['bodyBase64'], 'base64'));
  if (typeof output['bodyText'] === 'string') return output['bodyText'];
  return output['body'];
}

function wireRequest(wire: Json) {
  const body = wireBody(wire);
  return {
    method: String(wire['method']),
    uri: String(wire['uri']),
    headers: (wire['headers'] ?? {}) as Record<string, string>,
    ...(body === undefined ? {} : { body }),
  };
}

/** The handler saw the input: every written parameter and the body. */
function expectReceived(received: HandlerRequest | undefined, input: Record<string, unknown>): void {
  expect(received, 'the handler was called').toBeDefined();
  const request = received as HandlerRequest;
  for (const location of ['path', 'query', 'header', 'cookie'] as const) {
    const expected = input[location] as Record<string, unknown> | undefined;
    if (expected !== undefined) expect(request[location]).toMatchObject(expected);
  }
  if (input['body'] !== undefined) expect(request.body).toEqual(input['body']);
}
