/** The SCP03 conformance suite: vector-file replay on the host or card side, and its console report. */
export {
  replayScp03VectorFile,
  replayScp03VectorFiles,
  replayScp03VectorText,
  type Scp03ReplayCheck,
  type Scp03ReplayOptions,
  type Scp03ReplayResult,
  type Scp03Side,
} from './replay.js';
export { formatScp03ReplayLine, formatScp03ReplayLines, summarizeScp03Results } from './report.js';
export { parseScp03VectorFile, VectorFileError, type Scp03VectorFile } from './vector-file.js';
