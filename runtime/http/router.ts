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
  return {
    match(method, rawPath) {
      const segments = rawPath.split('/').slice(1);
      const allow = new Set<string>();
      for (const route of routes) {
        const parameters = matchSegments(route, segments);
        if (parameters === undefined) continue;
        if (route.operation.method !== method.toLowerCase() && !(method.toLowerCase() === 'head' && route.operation.method === 'get')) {
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
