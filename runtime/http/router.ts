/** Matches a request path against the operations' path templates, on raw (still percent-encoded) segments. */
import type { HttpMethod, OperationDescriptor } from './operation.js';
import { safeDecode } from './parameters.js';

interface CompiledRoute {
  readonly operation: OperationDescriptor;
  /** Literal segments as strings, parameters as `{ name }`; one template segment per path segment. */
  readonly segments: readonly (string | { readonly name: string; readonly prefix: string; readonly suffix: string })[];
  readonly literalCount: number;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly operation: OperationDescriptor; readonly pathParameters: Readonly<Record<string, string>> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'bad-encoding'; readonly segment: string };

export interface Router {
  match(method: string, rawPath: string): RouteMatch;
}

export function createRouter(operations: readonly OperationDescriptor[]): Router {
  // Templates with more literal segments win (`/crls/index` before `/crls/{caId}`), as OpenAPI 3.1 §4.8.8 asks.
  const routes = operations.map(compileRoute).sort((a, b) => b.literalCount - a.literalCount);
  // A template without parameters matches one path only, and outranks every template with one:
  // such paths are found by one lookup, keyed `method path`, to the first route the loop would find.
  const literal = new Map<string, RouteMatch>();
  for (const route of routes) {
    if (route.literalCount !== route.segments.length) continue;
    const found: RouteMatch = { kind: 'found', operation: route.operation, pathParameters: NO_PARAMETERS };
    // HEAD is also answered by GET (RFC 9110 §9.3.2): by whichever of the two comes first, as in the loop below.
    const methods = route.operation.method === 'get' ? ['get', 'head'] : [route.operation.method];
    for (const method of methods) {
      const key = `${method} ${route.operation.path}`;
      if (!literal.has(key)) literal.set(key, found);
    }
  }
  const literalFor = (method: string, rawPath: string): RouteMatch | undefined => literal.get(`${method} ${rawPath}`);
  return {
    match(method, rawPath) {
      const lowerMethod = method.toLowerCase();
      const fast = literal.size === 0 ? undefined : literalFor(lowerMethod, rawPath);
      if (fast !== undefined) return fast;
      const segments = rawPath.split('/').slice(1);
      const allow = new Set<string>();
      for (const route of routes) {
        const parameters = matchSegments(route, segments);
        if (parameters === undefined) continue;
        if (route.operation.method !== lowerMethod && !(lowerMethod === 'head' && route.operation.method === 'get')) {
          allow.add(route.operation.method.toUpperCase());
          continue;
        }
        const decoded: Record<string, string> = {};
        for (const [name, raw] of Object.entries(parameters)) {
          const value = safeDecode(raw);
          if (value === undefined) return { kind: 'bad-encoding', segment: raw };
          decoded[name] = value;
        }
        return { kind: 'found', operation: route.operation, pathParameters: decoded };
      }
      return allow.size === 0 ? { kind: 'not-found' } : { kind: 'method-not-allowed', allow: [...allow].sort() };
    },
  };
}

const NO_PARAMETERS: Readonly<Record<string, string>> = Object.freeze({});

function compileRoute(operation: OperationDescriptor): CompiledRoute {
  const segments = operation.path
    .split('/')
    .slice(1)
    .map((segment) => {
      const match = /^([^{]*)\{([^}]+)\}(.*)$/.exec(segment);
      return match === null ? segment : { prefix: match[1] ?? '', name: match[2] ?? '', suffix: match[3] ?? '' };
    });
  return { operation, segments, literalCount: segments.filter((segment) => typeof segment === 'string').length };
}

function matchSegments(route: CompiledRoute, segments: readonly string[]): Record<string, string> | undefined {
  if (segments.length !== route.segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let index = 0; index < segments.length; index += 1) {
    const template = route.segments[index];
    const segment = segments[index] ?? '';
    if (template === undefined) return undefined;
    if (typeof template === 'string') {
      if (template !== segment) return undefined;
      continue;
    }
    if (!segment.startsWith(template.prefix) || !segment.endsWith(template.suffix)) return undefined;
    const value = segment.slice(template.prefix.length, segment.length - template.suffix.length);
    if (value === '') return undefined;
    parameters[template.name] = value;
  }
  return parameters;
}

export type { HttpMethod };
