/**
 * Mounts a generated server inside Fastify. The plugin is encapsulated: it drops Fastify's body
 * parsers in its own scope so the generated router reads the raw body itself (size limit, media
 * types, validation) exactly as it does on bare node:http.
 */
import type { FastifyInstance } from 'fastify';
import type { RequestListener } from 'node:http';

/** A Fastify plugin (register it with a `prefix`) answering every route under it with the listener. */
export function fastifyPluginOf(createListener: (basePath: string) => RequestListener) {
  return async function generatedApiPlugin(instance: FastifyInstance): Promise<void> {
    const listener = createListener(instance.prefix);
    instance.removeAllContentTypeParsers();
    // Leave the body stream unread: the generated router reads it.
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    instance.route({
      method: ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'],
      url: '/*',
      handler: (request, reply) => {
        reply.hijack();
        listener(request.raw, reply.raw);
      },
    });
  };
}
