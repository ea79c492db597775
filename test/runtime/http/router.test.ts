import { describe, expect, it } from 'vitest';
import { createRouter, negotiate, type OperationDescriptor } from '../../../runtime/http/index.js';

const operation = (name: string, method: OperationDescriptor['method'], path: string): OperationDescriptor => ({ name, method, path, parameters: [], responses: [] });

describe('router', () => {
  const router = createRouter([
    operation('getItem', 'get', '/items/{id}'),
    operation('getIndex', 'get', '/items/index'),
    operation('putItem', 'put', '/items/{id}'),
    operation('getFile', 'get', '/files/{name}.json'),
  ]);

  it('prefers the template with more literal segments', () => {
    expect(router.match('GET', '/items/index')).toMatchObject({ kind: 'found', operation: { name: 'getIndex' } });
    expect(router.match('GET', '/items/42')).toMatchObject({ kind: 'found', operation: { name: 'getItem' }, pathParameters: { id: '42' } });
  });

  it('decodes each segment once, so an encoded slash stays inside its parameter', () => {
    expect(router.match('GET', '/items/a%2Fb%2Bc%3D')).toMatchObject({ pathParameters: { id: 'a/b+c=' } });
    expect(router.match('GET', '/items/a/b')).toEqual({ kind: 'not-found' });
  });

  it('matches parameters inside a segment and answers 405 with the allowed methods', () => {
    expect(router.match('GET', '/files/report.json')).toMatchObject({ pathParameters: { name: 'report' } });
    expect(router.match('DELETE', '/items/1')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'PUT'] });
    expect(router.match('HEAD', '/items/1')).toMatchObject({ kind: 'found', operation: { name: 'getItem' } });
    expect(router.match('GET', '/items/%E0%A4%A')).toMatchObject({ kind: 'bad-encoding' });
  });
});

describe('content negotiation (RFC 9110 §12.5.1)', () => {
  it('weighs q-values and specificity; no Accept takes the first offer', () => {
    expect(negotiate(undefined, ['application/json', 'application/octet-stream'])).toBe('application/json');
    expect(negotiate('application/octet-stream', ['application/json', 'application/octet-stream'])).toBe('application/octet-stream');
    expect(negotiate('application/*;q=0.2, application/json;q=0.9', ['application/octet-stream', 'application/json'])).toBe('application/json');
    expect(negotiate('*/*;q=0.1, application/pkix-crl', ['application/json', 'application/pkix-crl'])).toBe('application/pkix-crl');
    expect(negotiate('text/html', ['application/json'])).toBeUndefined();
    expect(negotiate('application/json;q=0', ['application/json'])).toBeUndefined();
  });
});
