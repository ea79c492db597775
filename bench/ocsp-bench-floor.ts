/**
 * The floor under any node:http OCSP responder: a bare node:http server that reads the body and
 * answers a fixed 470-byte DER-sized buffer, no parsing, no lookup. Measured beside our responder
 * with the same load generator, it shows how much of the cost per answer is Node's HTTP stack.
 *
 * argv[2]: JSON { port }. Prints `ready <port>`.
 */
import { createServer } from 'node:http';

const { port } = JSON.parse(process.argv[2] ?? '{}') as { port: number };
const body = Buffer.alloc(470, 0x30);
createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length });
    response.end(body);
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
