/**
 * Handlers that answer every operation from the document's own examples: a mock party service
 * developers can call before the real one exists (`jpkigen serve <api>`).
 */
import type { BodyEncoding, OperationDescriptor } from './operation.js';
import type { Handler, HandlerResponse } from './server.js';

export interface ExampleResponse {
  readonly status: string;
  readonly content: readonly { readonly mediaType: string; readonly encoding: BodyEncoding; readonly examples: readonly unknown[] }[];
}

/** Example values as the document writes them: binary ones are base64 text. */
export function exampleBody(encoding: BodyEncoding, example: unknown): unknown {
  if (encoding === 'binary' && typeof example === 'string') return new Uint8Array(Buffer.from(example, 'base64'));
  return example;
}

export function statusNumber(status: string): number {
  if (/^\d{3}$/.test(status)) return Number(status);
  if (/^[1-5]XX$/i.test(status)) return Number(status.charAt(0)) * 100;
  return 200;
}

export function createExampleHandlers(
  operations: Readonly<Record<string, OperationDescriptor>>,
  examples: Readonly<Record<string, readonly ExampleResponse[]>>,
): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  for (const name of Object.keys(operations)) {
    const responses = examples[name] ?? [];
    const success = responses.find((response) => /^2/.test(response.status) && (response.content.length === 0 || response.content.some((media) => media.examples.length > 0)));
    handlers[name] = (_request, context): HandlerResponse => {
      if (success === undefined) {
        return { status: 501, contentType: 'application/problem+json', body: { type: 'about:blank', title: 'Not Implemented', status: 501, detail: `${name} has no example answer`, code: 'noExample' } };
      }
      const withExamples = success.content.filter((media) => media.examples.length > 0);
      if (withExamples.length === 0) return { status: statusNumber(success.status) };
      const preferred = context.preferredMediaType(...withExamples.map((media) => media.mediaType));
      const media = withExamples.find((entry) => entry.mediaType === preferred) ?? withExamples[0];
      if (media === undefined) return { status: statusNumber(success.status) };
      return { status: statusNumber(success.status), contentType: media.mediaType, body: exampleBody(media.encoding, media.examples[0]) };
    };
  }
  return handlers;
}
