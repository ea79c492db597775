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

describe('router on paths without parameters (looked up directly)', () => {
  it('finds them by method, falls back from HEAD to GET, answers 405 and 404 like the template loop', () => {
    const router = createRouter([operation('listItems', 'get', '/items'), operation('addItem', 'post', '/items'), operation('getItem', 'get', '/items/{id}'), operation('root', 'get', '/')]);
    expect(router.match('POST', '/items')).toMatchObject({ kind: 'found', operation: { name: 'addItem' }, pathParameters: {} });
    expect(router.match('get', '/items')).toMatchObject({ kind: 'found', operation: { name: 'listItems' } });
    expect(router.match('HEAD', '/items')).toMatchObject({ kind: 'found', operation: { name: 'listItems' } });
    expect(router.match('DELETE', '/items')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'POST'] });
    expect(router.match('GET', '/items/')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/')).toMatchObject({ kind: 'found', operation: { name: 'root' } });
    expect(router.match('GET', '/Items')).toEqual({ kind: 'not-found' });
  });

  it('gives HEAD to whichever of a HEAD and a GET operation on the same path is declared first', () => {
    const headFirst = createRouter([operation('probe', 'head', '/status'), operation('read', 'get', '/status')]);
    expect(headFirst.match('HEAD', '/status')).toMatchObject({ operation: { name: 'probe' } });
    expect(headFirst.match('GET', '/status')).toMatchObject({ operation: { name: 'read' } });
    const getFirst = createRouter([operation('read', 'get', '/status'), operation('probe', 'head', '/status')]);
    expect(getFirst.match('HEAD', '/status')).toMatchObject({ operation: { name: 'read' } });
  });

  it('lets a literal path outrank a template that also matches it', () => {
    const router = createRouter([operation('getItem', 'get', '/items/{id}'), operation('getIndex', 'get', '/items/index')]);
    expect(router.match('GET', '/items/index')).toMatchObject({ operation: { name: 'getIndex' } });
    expect(router.match('HEAD', '/items/index')).toMatchObject({ operation: { name: 'getIndex' } });
    expect(router.match('GET', '/items/indexes')).toMatchObject({ operation: { name: 'getItem' }, pathParameters: { id: 'indexes' } });
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
