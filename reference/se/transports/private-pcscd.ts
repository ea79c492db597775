/**
 * A private, throw-away pcscd with ONLY vsmartcard's vpcd driver — for the tests and the bench:
 * a reader.conf.d folder of one file, a free port pair, its own client socket, foreground logs;
 * stopped by stop() (and killed if this process exits first). PC/SC applications reach it through
 * the `env` it returns; the system's pcscd, if any, is not touched.
 *
 * Facts of the Debian packages that shape it (measured on pcsc-lite 1.9.9, vsmartcard-vpcd 3.3):
 * - pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME (its socket is compiled in: /run/pcscd/pcscd.comm);
 *   only the client library (libpcsclite) reads it. So pcscd runs in a private mount namespace
 *   (`unshare --mount`, or `--user --map-root-user --mount` when not root) in which a temporary
 *   folder is bind-mounted over /run: its socket lands in <folder>/run/pcscd/pcscd.comm, and
 *   clients reach it with PCSCLITE_CSOCK_NAME pointing there. No clash with a system pcscd; and
 *   with /run/udev hidden it cannot pick up USB readers either.
 *   Where mount namespaces are not allowed (a container without CAP_SYS_ADMIN and without
 *   unprivileged user namespaces), it falls back to pcscd's compiled-in socket, one private pcscd
 *   at a time across processes (a lock folder in the temp dir), and refuses if another pcscd
 *   already owns /run/pcscd/pcscd.comm.
 * - vpcd opens TWO slots, "<FRIENDLYNAME> 00 00" on PORT and "… 00 01" on PORT+1, and binds them
 *   on 0.0.0.0 (vsmartcard `vpcd.c` opensock: INADDR_ANY), not on loopback. So the namespace is a
 *   network namespace too (`--net`, only `lo` up): vpcd's ports exist inside it alone, and a card
 *   reaches them through a Unix socket (`cardEndpoint.path`) that a small bridge inside the
 *   namespace forwards to 127.0.0.1:PORT. Only the system-socket fallback leaves vpcd on 0.0.0.0
 *   (for as long as a test runs); a user's own pcscd with vpcd on 35963 exposes it for good.
 * - vpcd 3.3 writes each frame as two segments (length, then payload) on a socket without
 *   TCP_NODELAY: Nagle waits for the ACK of the first, which Linux delays ~40 ms, so every
 *   exchange through pcscd takes ~45 ms (vsmartcard fixed it upstream in 76e2679, 2023-03-14).
 *
 * Missing binaries are an error naming the Debian packages, not a skip: CI installs pcscd,
 * vsmartcard-vpcd, opensc and pcsc-tools.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const READER_FRIENDLY_NAME = 'Virtual PCD';

export interface PrivatePcscdOptions {
  /** pcscd --apdu: every APDU and status word in log(). */
  readonly logApdus?: boolean;
}

export interface PrivatePcscd {
  /** The port vpcd's first slot listens on (inside the network namespace, when there is one). */
  readonly port: number;
  /** Where a virtual card connects: attachCardToVpcd(card, { ...cardEndpoint }). */
  readonly cardEndpoint: { readonly path: string } | { readonly host: string; readonly port: number };
  /** PC/SC name of the reader on `port`. */
  readonly readerName: string;
  /** Environment for a child process (opensc-tool, pkcs11-tool, pkcs15-tool, scriptor) to use THIS pcscd. */
  readonly env: NodeJS.ProcessEnv;
  readonly socketPath: string;
  readonly folder: string;
  /** How its socket is kept apart from a system pcscd (see the file comment). */
  readonly isolation: Isolation;
  /** pcscd's log so far (foreground, info level; APDUs too when started with `logApdus`). */
  log(): string;
  /** Polls `opensc-tool --list-readers` until the reader shows a card (or none). */
  waitForCard(present: boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const REQUIRED_TOOLS: readonly { readonly file: string; readonly debianPackage: string }[] = [
  { file: 'pcscd', debianPackage: 'pcscd' },
  { file: 'unshare', debianPackage: 'util-linux' },
  { file: 'ip', debianPackage: 'iproute2' },
  { file: 'setpriv', debianPackage: 'util-linux' },
  { file: 'opensc-tool', debianPackage: 'opensc' },
  { file: 'pkcs15-tool', debianPackage: 'opensc' },
  { file: 'pkcs11-tool', debianPackage: 'opensc' },
  { file: 'scriptor', debianPackage: 'pcsc-tools' },
];

export function findExecutable(name: string): string | undefined {
  for (const folder of (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const candidate = path.join(folder, name);
    if (folder !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What is missing for the PC/SC tests, or undefined when everything is there. */
export function missingPcscTools(): string | undefined {
  const missing = REQUIRED_TOOLS.filter((tool) => findExecutable(tool.file) === undefined);
  const lines = missing.map((tool) => `${tool.file} (Debian package ${tool.debianPackage})`);
  if (!existsSync(VPCD_DRIVER)) lines.push(`${VPCD_DRIVER} (Debian package vsmartcard-vpcd)`);
  if (lines.length === 0) return undefined;
  return `PC/SC test tools missing: ${lines.join(', ')}. Install them: apt-get install -y --no-install-recommends pcscd vsmartcard-vpcd opensc pcsc-tools (CI's .ci/run does).`;
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A port P with P and P+1 free (vpcd binds both), away from the default 35963 a developer's own pcscd may hold. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (port === 35963 || port === 35962) continue;
    if ((await isPortFree(port)) && (await isPortFree(port + 1))) return port;
  }
  throw new Error('no free pair of TCP ports for vpcd');
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const process of running) process.kill('SIGKILL');
  });
}

export async function startPrivatePcscd(options: PrivatePcscdOptions = {}): Promise<PrivatePcscd> {
  const missing = missingPcscTools();
  if (missing !== undefined) throw new Error(missing);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      // Another process may take the port between the probe and vpcd's bind.
      if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {}

export type Isolation = 'mount-namespace' | 'user-namespace' | 'system-socket';
let isolation: Promise<Isolation> | undefined;
const SYSTEM_SOCKET = '/run/pcscd/pcscd.comm';

/** How this machine lets us hide pcscd's socket: probed once per process. */
function probeIsolation(): Promise<Isolation> {
  // JPKIGEN_PCSCD_ISOLATION forces a mode, to test the fallbacks on a machine that allows all.
  const forced = process.env['JPKIGEN_PCSCD_ISOLATION'];
  if (forced === 'mount-namespace' || forced === 'user-namespace' || forced === 'system-socket') return Promise.resolve(forced);
  isolation ??= (async () => {
    const works = async (args: readonly string[]): Promise<boolean> => {
      try {
        return (await runTool('unshare', [...args, 'true'], { timeoutMs: 10_000 })).status === 0;
      } catch {
        return false;
      }
    };
    if (process.getuid?.() === 0 && (await works(['--mount']))) return 'mount-namespace';
    if (await works(['--user', '--map-root-user', '--mount'])) return 'user-namespace';
    return 'system-socket';
  })();
  return isolation;
}

/** The system-socket fallback's cross-process lock: a folder created atomically, naming its owner. */
async function lockSystemSocket(): Promise<() => void> {
  const lock = path.join(tmpdir(), 'jpkigen-pcscd-system-socket.lock');
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // being created right now
      }
      if (Number.isInteger(owner) && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 10 minutes for ${lock} (another test's pcscd)`);
      await delay(200);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function startOnce(options: PrivatePcscdOptions): Promise<PrivatePcscd> {
  const mode = await probeIsolation();
  const unlock = mode === 'system-socket' ? await lockSystemSocket() : () => undefined;
  try {
    return await startIn(mode, options, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function startIn(mode: Isolation, options: PrivatePcscdOptions, unlock: () => void): Promise<PrivatePcscd> {
  if (mode === 'system-socket' && existsSync(SYSTEM_SOCKET)) {
    const probe = await runTool('opensc-tool', ['--list-readers'], { env: { ...process.env, PCSCLITE_CSOCK_NAME: SYSTEM_SOCKET } });
    if (!probe.stdout.includes('No smart card readers found') || probe.status !== 0) {
      throw new Error(`another pcscd owns ${SYSTEM_SOCKET}, and this machine allows no mount namespace (unshare) to run a private one beside it: stop that pcscd first`);
    }
    rmSync(SYSTEM_SOCKET, { force: true });
  }
  const port = await freePortPair();
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-pcscd-'));
  const configFolder = path.join(folder, 'reader.conf.d');
  const runFolder = path.join(folder, 'run');
  mkdirSync(configFolder);
  mkdirSync(runFolder);
  // reader.conf format (pcsc-lite): DEVICENAME /dev/null:PORT is vpcd's server mode. Its
  // "reversed" mode (HOST:PORT, vpcd connects to a listening card, nothing on 0.0.0.0) is no way
  // out here: Debian's pcscd 1.9.9 + vpcd 3.3 abort ("bit out of range 0 - FD_SETSIZE on fd_set")
  // at the first presence poll of a slot whose card is not listening — and slot 2 never is.
  writeFileSync(
    path.join(configFolder, 'vpcd'),
    `FRIENDLYNAME "${READER_FRIENDLY_NAME}"\nDEVICENAME   /dev/null:0x${port.toString(16).toUpperCase()}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    0x${port.toString(16).toUpperCase()}\n`,
  );
  const socketPath = mode === 'system-socket' ? SYSTEM_SOCKET : path.join(runFolder, 'pcscd', 'pcscd.comm');
  const bridgePath = path.join(folder, 'vpcd-card.sock');
  const pcscd = findExecutable('pcscd') ?? 'pcscd';
  const pcscdArgs = [pcscd, '--foreground', '--info', ...(options.logApdus === true ? ['--apdu'] : []), '--config', configFolder];
  // Inside the namespaces: loopback up, /run private, the card bridge started (killed with pcscd,
  // its parent after the exec), then pcscd itself.
  const script = 'ip link set lo up && mount --bind "$1" /run && { setpriv --pdeathsig KILL "$2" -e "$3" "$4" "$5" & } && shift 5 && exec "$@"';
  const isolated =
    mode === 'system-socket'
      ? pcscdArgs
      : ['unshare', ...(mode === 'user-namespace' ? ['--user', '--map-root-user'] : []), '--mount', '--net', 'sh', '-c', script, 'sh', runFolder, process.execPath, VPCD_BRIDGE_SOURCE, bridgePath, String(port), ...pcscdArgs];
  // setpriv --pdeathsig: the kernel kills pcscd if this process dies without stop() (a test
  // worker killed by a timeout), so no orphan keeps the ports; kept across exec.
  const setpriv = findExecutable('setpriv');
  const [command, ...args] = setpriv === undefined ? isolated : [setpriv, '--pdeathsig', 'KILL', ...isolated];
  const child = spawn(command ?? 'pcscd', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PCSCLITE_CSOCK_NAME: socketPath },
  });
  killOnExit(child);
  let log = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (log += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (log += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const cleanUp = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(folder, { recursive: true, force: true });
    unlock();
  };

  const deadline = Date.now() + 15_000;
  while (!(log.includes('daemon ready') && existsSync(socketPath) && (mode === 'system-socket' || existsSync(bridgePath)))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await cleanUp();
      throw new Error(`pcscd did not start (${child.exitCode !== null ? `exit code ${child.exitCode}` : 'timeout'}; isolation: ${mode}).\n${log}`);
    }
    await delay(50);
  }
  if (!log.includes(`Waiting for virtual ICC on port ${port}`) || /Could not initialize connection/u.test(log)) {
    await cleanUp();
    throw new PortTakenError(`vpcd could not open port ${port}:\n${log}`);
  }

  const env: NodeJS.ProcessEnv = { ...process.env, PCSCLITE_CSOCK_NAME: socketPath };
  const readerName = `${READER_FRIENDLY_NAME} 00 00`;
  return {
    port,
    cardEndpoint: mode === 'system-socket' ? { host: '127.0.0.1', port } : { path: bridgePath },
    readerName,
    env,
    socketPath,
    folder,
    isolation: mode,
    log: () => log,
    async waitForCard(present, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const listing = (await runTool('opensc-tool', ['--list-readers'], { env })).stdout;
        const line = listing.split('\n').find((entry) => entry.includes(readerName)) ?? '';
        if (/^\s*\d+\s+(Yes|No)\b/u.test(line) && line.includes(present ? 'Yes' : 'No')) return;
        if (Date.now() > until) throw new Error(`reader "${readerName}" did not show ${present ? 'a card' : 'no card'} within ${timeoutMs} ms:\n${listing}\n${log.slice(-2000)}`);
        await delay(100);
      }
    },
    stop: cleanUp,
  };
}

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a PC/SC client tool asynchronously. Never spawnSync here: while the tool talks to pcscd,
 * pcscd asks the virtual card — whose client runs in this very process — for its ATR, and a
 * blocked event loop would deadlock all three.
 */
export function runTool(command: string, args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly input?: string; readonly timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The bridge run inside the network namespace (node -e, argv: socket path, vpcd port): every
 * connection on the Unix socket is piped to vpcd on 127.0.0.1:PORT there, with Nagle off on our
 * side. A card that connects before vpcd listens is closed, and its client retries.
 */
const VPCD_BRIDGE_SOURCE = `
const net = require('node:net');
const [socketPath, port] = process.argv.slice(1);
net.createServer((card) => {
  const reader = net.connect({ host: '127.0.0.1', port: Number(port), noDelay: true });
  card.setNoDelay?.(true);
  card.pipe(reader).pipe(card);
  const end = () => { card.destroy(); reader.destroy(); };
  card.on('error', end); reader.on('error', end); card.on('close', end); reader.on('close', end);
}).listen(socketPath);
`;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
