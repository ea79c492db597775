export { callOperation, createClientRuntime, type CallOptions, type ClientOptions, type ClientRuntime, type OperationInput, type OperationResult, type ResponseValidators } from './client.js';
export { HttpRequestError, HttpResponseError, HttpTimeoutError, HttpUnexpectedResponseError, isHttpResponseError, type ErrorResponse } from './errors.js';
export { fastifyPluginOf } from './fastify.js';
export { encodingOf, essenceOf, negotiate } from './media-type.js';
export { responseFor, type BodyEncoding, type HttpMethod, type MediaTypeDescriptor, type OperationDescriptor, type ParameterDescriptor, type ParameterLocation, type ResponseDescriptor, type ValueKind } from './operation.js';
export { fragmentPointer, isProblemDetails, problem, PROBLEM_MEDIA_TYPE, type ProblemDetails, type ProblemFieldError } from './problem.js';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay, type RetryPolicy } from './retry.js';
export { createRouter, type RouteMatch, type Router } from './router.js';
export {
  createRequestListener,
  DEFAULT_BODY_LIMIT,
  HttpProblem,
  type Handler,
  type HandlerContext,
  type HandlerRequest,
  type HandlerResponse,
  type OperationValidators,
  type ServerApi,
  type ServerOptions,
} from './server.js';
export type { CompiledValidator } from '../validation.js';
export { createExampleHandlers, exampleBody, statusNumber, type ExampleResponse } from './mock.js';
