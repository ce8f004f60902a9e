import { Command, CommanderError } from 'commander';
import { backfillCommand } from './commands/backfill-command.ts';
import { checkCommand } from './commands/check-command.ts';
import { compactCommand } from './commands/compact-command.ts';
import { dashboardCommand } from './commands/dashboard-command.ts';
import { deliverCommand } from './commands/deliver-command.ts';
import { generateCommand } from './commands/generate-command.ts';
import { heartbeatCommand } from './commands/heartbeat-command.ts';
import { historyCommand } from './commands/history-command.ts';
import { localCommand } from './commands/local-command.ts';
import { pipeCommand } from './commands/pipe-command.ts';
import { queryCommand } from './commands/query-command.ts';
import { redriveCommand } from './commands/redrive-command.ts';
import { replayCommand } from './commands/replay-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { upCommand } from './commands/up-command.ts';
import { reportFailure, verboseRequested } from './error-report.ts';

// Whatever fails, and wherever (a rejection nobody awaited, an exception in a callback), the command ends with
// one line saying what went wrong and what to do, exit 1; the stack trace only with --verbose.
const verbose = verboseRequested();
const fail = (error: unknown): never => process.exit(reportFailure(error, verbose));
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

// Each command is two modules: `x-command.ts` defines it (options, parsers, and the checks that need nothing
// else, such as the data dir's) and is cheap to load; `x-action.ts` does the work and is imported only when the
// command runs. So `--help` or a refused option loads no DuckDB, AWS SDK or server (start-imports.test.ts).
const program = new Command('gadget-cdc')
  .description(
    'Change-data-capture for gadget sales orders: DynamoDB → Streams → Kinesis → Firehose → S3 lake → SQL.\n' +
      'Runs locally (no cloud account) or on AWS.',
  )
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage)')
  .option('--verbose', 'on an error, show its stack trace too (or set GADGET_CDC_VERBOSE=1)')
  .addHelpText(
    'after',
    '\nA command that fails prints one line, `error: …`, saying what went wrong, where and what to do, and exits ' +
      'non-zero; --verbose (or GADGET_CDC_VERBOSE=1) adds the stack trace.',
  )
  .addCommand(upCommand())
  .addCommand(localCommand())
  .addCommand(generateCommand())
  .addCommand(pipeCommand())
  .addCommand(deliverCommand())
  .addCommand(compactCommand())
  .addCommand(queryCommand())
  .addCommand(historyCommand())
  .addCommand(backfillCommand())
  .addCommand(replayCommand())
  .addCommand(redriveCommand())
  .addCommand(checkCommand())
  .addCommand(heartbeatCommand())
  .addCommand(statusCommand())
  .addCommand(dashboardCommand());

// `gadget-cdc query … | head`: the reader closing the pipe early is a normal end, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // commander has printed its own usage error already.
  if (error instanceof CommanderError) process.exit(error.exitCode);
  fail(error);
}
