/**
 * Our OCSP responder as the bench runs it: its own process (or a node:cluster of workers sharing
 * one port, each holding its own pre-produced responses), loaded from the same index.txt, CA
 * certificate and key the `openssl ocsp` anchor gets. Prints `ready <port>` once every response
 * is pre-produced.
 *
 * argv[2]: JSON { caCert, caKey, index, mode: 'fast' | 'generated', workers, port }.
 */
import cluster from 'node:cluster';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InMemoryRevocationSource, keySigner, loadOpensslIndex } from '../reference/ca/in-memory-revocation-source.js';
import { createRevocationService } from '../reference/ca/revocation-service.js';

interface ServerSettings {
  readonly caCert: string;
  readonly caKey: string;
  readonly index: string;
  readonly mode: 'fast' | 'generated';
  readonly workers: number;
  readonly port: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as ServerSettings;

async function serve(): Promise<number> {
  const certificate = new Uint8Array(new X509Certificate(readFileSync(settings.caCert)).raw);
  const source = new InMemoryRevocationSource([{ caId: 'authca03', certificate, ...keySigner(createPrivateKey(readFileSync(settings.caKey))) }]);
  await loadOpensslIndex(source, 'authca03', settings.index);
  const service = createRevocationService(source, { ocspFastPath: settings.mode === 'fast', server: { validateResponses: false } });
  await service.start();
  const { port } = await service.listen(settings.port);
  return port;
}

if (settings.workers > 1 && cluster.isPrimary) {
  let ready = 0;
  for (let index = 0; index < settings.workers; index += 1) {
    cluster.fork().on('message', (message: { port?: number }) => {
      ready += 1;
      if (ready === settings.workers) process.stdout.write(`ready ${message.port ?? settings.port}\n`);
    });
  }
} else {
  const port = await serve();
  if (cluster.isWorker) process.send?.({ port });
  else process.stdout.write(`ready ${port}\n`);
}
