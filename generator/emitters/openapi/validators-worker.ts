/**
 * Compiles a document's validators on a worker thread with a large stack: ajv compiles `$ref`
 * targets recursively, and a long chain of schemas referring to each other (common in big
 * third-party documents) would overflow the main thread's stack.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { OpenApiDocumentIR } from '../../readers/openapi/openapi-ir.js';
import { compileValidators, type CompiledValidators, type OperationValidatorNames } from './openapi-validators.js';

interface WorkerRequest {
  readonly document: OpenApiDocumentIR;
  readonly honourXDiscriminator: boolean;
  readonly runtimeImport: string;
}

type WorkerAnswer =
  | { readonly ok: true; readonly code: string; readonly names: [string, OperationValidatorNames][]; readonly exportNames: readonly string[] }
  | { readonly ok: false; readonly message: string };

export function compileValidatorsOnWorker(document: OpenApiDocumentIR, options: { honourXDiscriminator: boolean; runtimeImport: string }): Promise<CompiledValidators> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { document, ...options } satisfies WorkerRequest,
      resourceLimits: { stackSizeMb: 512, maxOldGenerationSizeMb: 8192 },
    });
    worker.once('message', (answer: WorkerAnswer) => {
      void worker.terminate();
      if (answer.ok) resolve({ code: answer.code, names: new Map(answer.names), exportNames: answer.exportNames });
      else reject(new Error(answer.message));
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && parentPort !== null && (workerData as WorkerRequest | undefined)?.document !== undefined) {
  const request = workerData as WorkerRequest;
  let answer: WorkerAnswer;
  try {
    const compiled = compileValidators(request.document, { honourXDiscriminator: request.honourXDiscriminator, runtimeImport: request.runtimeImport });
    answer = { ok: true, code: compiled.code, names: [...compiled.names], exportNames: compiled.exportNames };
  } catch (error) {
    answer = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(answer);
}
