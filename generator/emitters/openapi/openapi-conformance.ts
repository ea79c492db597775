/**
 * The generated conformance test of one document: its x-test-cases (request and response on the
 * wire, as Smithy's @httpRequestTests / @httpResponseTests), its x-malformed-requests, and a
 * client → server → client round trip of every operation's examples. The checks live in
 * conformance/openapi/harness.ts; this file is data.
 */
import type { OpenApiDocumentIR, OperationIR } from '../../readers/openapi/openapi-ir.js';

function exampleInput(operation: OperationIR): Record<string, unknown> | undefined {
  const input: Record<string, Record<string, unknown> | unknown> = {};
  for (const parameter of operation.parameters) {
    if (parameter.examples.length === 0) {
      if (parameter.required) return undefined;
      continue;
    }
    const group = (input[parameter.in] ??= {}) as Record<string, unknown>;
    group[parameter.name] = parameter.examples[0];
  }
  const media = operation.requestBody?.content.find((entry) => entry.examples.length > 0);
  if (media !== undefined) {
    input['body'] = media.examples[0];
    input['contentType'] = media.key;
    input['bodyEncoding'] = media.encoding;
  } else if (operation.requestBody?.required === true) {
    return undefined;
  }
  return input;
}

export function conformanceSource(document: OpenApiDocumentIR, apiImport: string, harnessImport: string, banner: string): string {
  const operations = document.operations.map((operation) => ({
    name: operation.name,
    method: operation.method,
    path: operation.path,
    exampleInput: exampleInput(operation) ?? null,
    exampleResponses: operation.responses.flatMap((response) =>
      response.content.flatMap((media) =>
        media.examples.slice(0, 1).map((example) => ({ status: response.status, contentType: media.mediaType, encoding: media.encoding, body: example })),
      ),
    ),
    testCases: operation.testCases,
    malformedRequests: operation.malformedRequests,
  }));
  return `${banner}import { describeOpenApiConformance } from '${harnessImport}';
import { ${document.name}Api, ${document.typeName}Client } from '${apiImport}';

describeOpenApiConformance({
  title: ${JSON.stringify(document.title)},
  api: ${document.name}Api,
  createClient: (options) => new ${document.typeName}Client(options),
  operations: ${JSON.stringify(operations, null, 2).replace(/\n/g, '\n  ')},
});
`;
}
