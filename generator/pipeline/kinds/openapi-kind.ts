import { openApiConformanceEmitter, openApiEmitter } from '../../emitters/openapi/openapi-emitter.js';
import { readOpenApi } from '../../readers/openapi/openapi-reader.js';
import type { OpenApiIR } from '../../readers/openapi/openapi-ir.js';
import { kindGenerator } from './kind-generator.js';

export const openapiKind = kindGenerator<OpenApiIR>({
  read: readOpenApi,
  emitters: [openApiEmitter, openApiConformanceEmitter],
  summarize: (ir) => ({
    documents: ir.documents.length,
    operations: ir.documents.reduce((total, document) => total + document.operations.length, 0),
    testCases: ir.documents.reduce((total, document) => total + document.operations.reduce((sum, operation) => sum + operation.testCases.length + operation.malformedRequests.length, 0), 0),
  }),
});
