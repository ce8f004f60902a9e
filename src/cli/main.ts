import { Command, CommanderError } from 'commander';
import { PipelineError } from '../errors/pipeline-error.ts';
import { backfillCommand } from './commands/backfill-command.ts';
import { compactCommand } from './commands/compact-command.ts';
import { dashboardCommand } from './commands/dashboard-command.ts';
import { deliverCommand } from './commands/deliver-command.ts';
import { generateCommand } from './commands/generate-command.ts';
import { localCommand } from './commands/local-command.ts';
import { pipeCommand } from './commands/pipe-command.ts';
import { queryCommand } from './commands/query-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { upCommand } from './commands/up-command.ts';

const program = new Command('gadget-cdc')
  .description(
    'Change-data-capture for gadget sales orders: DynamoDB → Streams → Kinesis → Firehose → S3 lake → SQL.\n' +
      'Runs locally (no cloud account) or on AWS.',
  )
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage)')
  .addCommand(upCommand())
  .addCommand(localCommand())
  .addCommand(generateCommand())
  .addCommand(pipeCommand())
  .addCommand(deliverCommand())
  .addCommand(compactCommand())
  .addCommand(queryCommand())
  .addCommand(backfillCommand())
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
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof PipelineError) {
    console.error(`error: ${error.message}`);
    process.exit(error.code === 'INVALID_OPTION' ? 2 : 1);
  }
  throw error;
}
