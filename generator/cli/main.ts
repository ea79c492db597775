import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { generatorVersion } from '../package-root.js';
import { asn1Command } from './commands/asn1-command.js';
import { caCommand } from './commands/ca-command.js';
import { checkCommand } from './commands/check-command.js';
import { conformanceCommand } from './commands/conformance-command.js';
import { demoCommand } from './commands/demo-command.js';
import { generateCommand } from './commands/generate-command.js';
import { lintCommand } from './commands/lint-command.js';
import { validateCommand } from './commands/validate-command.js';
import { serveCommand } from './commands/serve-command.js';
import { verifyCommand } from './commands/verify-command.js';
import { ExitCode, printError } from './output.js';

// A reader that stops early (`jpkigen asn1 decode … | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  throw error;
});

await yargs(hideBin(process.argv))
  .scriptName('jpkigen')
  .usage('$0 <command> [options]\n\nGenerates typed code, codecs and conformance tests from the JPKI smartphone specs in spec/.')
  .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
  .command(generateCommand)
  .command(checkCommand)
  .command(conformanceCommand)
  .command(demoCommand)
  .command(validateCommand)
  .command(serveCommand)
  .command(asn1Command)
  .command(caCommand)
  .command(verifyCommand)
  .command(lintCommand)
  .demandCommand(1, 'name a command')
  .strict()
  .version(generatorVersion)
  .help()
  .alias('help', 'h')
  .epilogue('Exit codes: 0 ok, 1 a check or test failed, 2 a usage or spec error.')
  .fail((message, error) => {
    if (error !== undefined && error !== null) throw error;
    printError(`${message}\nRun \`jpkigen --help\` for usage.`);
    process.exit(ExitCode.usage);
  })
  .parseAsync();
