/**
 * The tests' pcscd: a private pcscd with only the vpcd driver (see
 * reference/se/transports/private-pcscd.ts for how it is isolated and what vpcd binds).
 * Missing binaries fail the test with the Debian packages to install; they are never skipped.
 */
export {
  findExecutable,
  missingPcscTools,
  runTool,
  startPrivatePcscd as startPcscdServer,
  VPCD_DRIVER,
  type PrivatePcscd as PcscdTestServer,
  type PrivatePcscdOptions as PcscdTestServerOptions,
  type ToolResult,
} from '../../reference/se/transports/private-pcscd.js';
