/**
 * The OCSP load generator, one process, the same for every responder measured: N connections,
 * each with one POST in flight, cycling through pre-generated DER requests. Raw HTTP/1.1 over
 * net.Socket keeps the client's own cost per request to a few microseconds, so the client is not
 * what is measured. Connections are kept alive where the server allows; a server that closes after
 * each answer (OpenSSL's `ocsp` responder answers HTTP/1.0) is reconnected to.
 *
 * argv[2]: JSON { port, path, requestsFile, concurrency, warmUpMs, durationMs }.
 * stdout: JSON { completed, all, elapsedMs, connections, byStatus: { successful, malformedRequest, … }, failures }.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

interface LoadSettings {
  readonly port: number;
  readonly path: string;
  readonly requestsFile: string;
  readonly concurrency: number;
  readonly warmUpMs: number;
  readonly durationMs: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;
const OCSP_STATUSES = ['successful', 'malformedRequest', 'internalError', 'tryLater', '4', 'sigRequired', 'unauthorized'];

/** A file of length-prefixed (uint32 LE) DER requests, turned into complete HTTP requests. */
function loadRequests(): Buffer[] {
  const file = readFileSync(settings.requestsFile);
  const requests: Buffer[] = [];
  for (let offset = 0; offset < file.length; ) {
    const length = file.readUInt32LE(offset);
    const body = file.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    const head = `POST ${settings.path} HTTP/1.1\r\nHost: 127.0.0.1:${settings.port}\r\nConnection: keep-alive\r\nContent-Type: application/ocsp-request\r\nContent-Length: ${length}\r\n\r\n`;
    requests.push(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }
  return requests;
}

const requests = loadRequests();
let next = 0;
let measuring = false;
let stopping = false;
let completed = 0;
/** Every answer, warm-up included (what the server's CPU over the whole run is divided by). */
let all = 0;
let connections = 0;
let failures = 0;
const byStatus: Record<string, number> = {};

/** The OCSPResponseStatus ENUMERATED right after the outer SEQUENCE header. */
function ocspStatus(body: Buffer): string {
  if (body.length < 5 || body[0] !== 0x30) return 'notOcsp';
  const lengthOctet = body[1] as number;
  const at = 2 + (lengthOctet & 0x80 ? lengthOctet & 0x7f : 0);
  if (body[at] !== 0x0a || body[at + 1] !== 0x01) return 'notOcsp';
  return OCSP_STATUSES[body[at + 2] as number] ?? 'notOcsp';
}

function runConnection(): void {
  if (stopping) return;
  connections += 1;
  const socket: Socket = connect(settings.port, '127.0.0.1');
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  let closeAfter = false;
  const send = (): void => {
    if (stopping) {
      socket.destroy();
      return;
    }
    socket.write(requests[next++ % requests.length] as Buffer);
  };
  socket.on('connect', send);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const headerEnd = pending.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = pending.subarray(0, headerEnd).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
      if (!Number.isFinite(length)) {
        failures += 1;
        socket.destroy();
        return;
      }
      if (pending.length < headerEnd + 4 + length) return;
      const body = pending.subarray(headerEnd + 4, headerEnd + 4 + length);
      pending = pending.subarray(headerEnd + 4 + length);
      closeAfter = head.startsWith('HTTP/1.0') ? !/\r\nconnection: *keep-alive/i.test(head) : /\r\nconnection: *close/i.test(head);
      all += 1;
      if (measuring) {
        completed += 1;
        const status = head.startsWith('HTTP/1.1 200') || head.startsWith('HTTP/1.0 200') ? ocspStatus(body) : `http ${head.slice(9, 12)}`;
        byStatus[status] = (byStatus[status] ?? 0) + 1;
      }
      if (closeAfter) {
        socket.destroy();
        return;
      }
      send();
    }
  });
  socket.on('error', () => {
    if (measuring) failures += 1;
  });
  socket.on('close', () => {
    if (!stopping) setImmediate(runConnection);
  });
}

for (let index = 0; index < settings.concurrency; index += 1) runConnection();
setTimeout(() => {
  measuring = true;
  completed = 0;
  const started = performance.now();
  setTimeout(() => {
    measuring = false;
    stopping = true;
    const elapsedMs = performance.now() - started;
    process.stdout.write(JSON.stringify({ completed, all, elapsedMs, connections, byStatus, failures }));
    process.exit(0);
  }, settings.durationMs);
}, settings.warmUpMs);
