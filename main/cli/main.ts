/**
 * The `atomflow` command line: run flow documents, resume runs, and look at
 * the run history, from a terminal.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ENGINE_KINDS, MAX_AGE_DAYS, MAX_KEEP_LAST, type RunState } from '../../app/runs/index.js';
import { deleteCommand } from './commands/delete.js';
import { pruneCommand, retentionCommand } from './commands/retention.js';
import { resumeCommand } from './commands/resume.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { showCommand } from './commands/show.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { workersCommand } from './commands/workers.js';
import { describeError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** INTERRUPTED: left running by a process that is gone (a crash). */
const RUN_STATES: readonly (RunState | 'INTERRUPTED')[] = [
  'PENDING',
  'RUNNING',
  'SUCCESS',
  'FAILURE',
  'REVERTED',
  'SUSPENDING',
  'SUSPENDED',
  'RESUMING',
  'CANCELLED',
  'INTERRUPTED',
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

function positiveInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got '${text}'.`);
    }
    return n;
  };
}

function portNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n > 65_535) {
    throw new InvalidArgumentError(
      `--port must be a whole number from 0 to 65535 (0: any free port), got '${text}'.`,
    );
  }
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const dbOption = (): Option =>
  new Option('--db <path>', 'the run store (default: $ATOMFLOW_DB, else atomflow.db in the app-data folder)');

/** The commander program; each action stores its exit status through `done`. */
function program(done: (code: ExitCode) => void): Command {
  const root = new Command('atomflow')
    .description('Run Atomflow flow documents, look at their runs, and serve as a worker.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });

  root
    .command('run')
    .description('run a flow document, showing each task as it goes')
    .argument('<file>', 'the flow document (.flow.json)')
    .addOption(
      new Option('--engine <kind>', 'the engine that runs it').choices(ENGINE_KINDS).default('serial'),
    )
    .addOption(
      new Option('--workers <n>', 'parallel engine: tasks at once').argParser(
        positiveInteger('--workers', 1024),
      ),
    )
    .option('--amqp <url>', 'worker-based engine: the AMQP broker (default: $ATOMFLOW_AMQP_URL)')
    .option(
      '--exchange <name>',
      'worker-based engine: the exchange its workers listen on (default: atomflow)',
    )
    .option(
      '--topic <name>',
      'worker-based engine: a worker topic to use (repeatable; default: default)',
      collect,
      [],
    )
    .addOption(
      new Option(
        '--worker-timeout <ms>',
        'worker-based engine: how long a task may wait for a worker to start it (default 60000)',
      ).argParser(positiveInteger('--worker-timeout', 86_400_000)),
    )
    .addOption(dbOption())
    .option('--input <name=value>', 'an input value, JSON when it parses (repeatable)', collect, [])
    .option('--json', 'print one JSON object per event instead')
    .action(async (file: string, options: Parameters<typeof runCommand>[1]) => {
      done(await runCommand(file, options));
    });

  root
    .command('resume')
    .description('resume a suspended run, or one interrupted by a crash')
    .argument('<run-id>', 'the run (see atomflow runs)')
    .addOption(dbOption())
    .option('--json', 'print one JSON object per event instead')
    .option('--force', 'resume even if the process that ran it seems alive')
    .option('--amqp <url>', "worker-based engine: the broker URL, needed again when the run's had a password")
    .action(async (runId: string, options: Parameters<typeof resumeCommand>[1]) => {
      done(await resumeCommand(runId, options));
    });

  root
    .command('runs')
    .description('list runs, newest first')
    .addOption(dbOption())
    .addOption(new Option('--state <state>', 'only runs in this state').choices(RUN_STATES))
    .option('--flow <name>', 'only runs of this flow')
    .option('--engine <kind>', 'only runs of this engine')
    .addOption(
      new Option('--limit <n>', 'runs per page').argParser(positiveInteger('--limit', 1000)).default(20),
    )
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .option('--json', 'print the page as JSON')
    .action(async (options: Parameters<typeof runsCommand>[0]) => {
      done(await runsCommand(options));
    });

  root
    .command('show')
    .description('show one run: atoms, timings, failures, output, values')
    .argument('<run-id>', 'the run (see atomflow runs)')
    .addOption(dbOption())
    .option('--json', 'print the run as JSON')
    .action(async (runId: string, options: Parameters<typeof showCommand>[1]) => {
      done(await showCommand(runId, options));
    });

  root
    .command('validate')
    .description('check a flow document and print every problem')
    .argument('<file>', 'the flow document (.flow.json)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: Parameters<typeof validateCommand>[1]) => {
      done(validateCommand(file, options));
    });

  root
    .command('delete')
    .description('delete a run and its history')
    .argument('<run-id>', 'the run (see atomflow runs)')
    .addOption(dbOption())
    .action(async (runId: string, options: Parameters<typeof deleteCommand>[1]) => {
      done(await deleteCommand(runId, options));
    });

  root
    .command('retention')
    .description(
      'show or change how much run history the store keeps (only ended runs are ever deleted: ' +
        'SUCCESS, REVERTED, FAILURE, CANCELLED)',
    )
    .addOption(dbOption())
    .addOption(
      new Option('--keep-last <n>', 'keep the last N ended runs of each flow').argParser(
        positiveInteger('--keep-last', MAX_KEEP_LAST),
      ),
    )
    .option('--no-keep-last', 'clear the --keep-last limit')
    .addOption(
      new Option('--max-age-days <d>', 'delete ended runs started more than D days ago').argParser(
        positiveInteger('--max-age-days', MAX_AGE_DAYS),
      ),
    )
    .option('--no-max-age-days', 'clear the --max-age-days limit')
    .addOption(new Option('--off', 'clear both limits: keep every run').conflicts(['keepLast', 'maxAgeDays']))
    .option('--apply-now', 'apply the settings now and print how many runs and bytes were removed')
    .option('--json', 'print the settings (and what was removed) as JSON')
    .action(async (options: Parameters<typeof retentionCommand>[0]) => {
      done(await retentionCommand(options));
    });

  root
    .command('prune')
    .description(
      'apply the retention settings now: delete the runs they no longer keep and give the space back',
    )
    .addOption(dbOption())
    .option('--json', 'print what was removed as JSON')
    .action(async (options: Parameters<typeof pruneCommand>[0]) => {
      done(await pruneCommand(options));
    });

  root
    .command('worker')
    .description('serve the worker-based engine: run task kinds that engines send through a broker')
    .option('--amqp <url>', 'the AMQP broker, amqp:// or amqps:// (default: $ATOMFLOW_AMQP_URL)')
    .option('--exchange <name>', 'the exchange engines and workers meet on', 'atomflow')
    .option('--topic <name>', 'the topic this worker serves', 'default')
    .addOption(
      new Option('--concurrency <n>', 'tasks run at once')
        .argParser(positiveInteger('--concurrency', 10_000))
        .default(8),
    )
    .option('--kinds <list>', 'only these task kinds, comma-separated (default: all but script and shell)')
    .option('--allow-code', 'also run the script and shell kinds, which run whatever code a request carries')
    .addOption(
      new Option('--heartbeat <ms>', 'how often it tells engines it is alive')
        .argParser(positiveInteger('--heartbeat', 3_600_000))
        .default(1000),
    )
    .addOption(
      new Option('--grace <ms>', 'on SIGTERM, how long running tasks may take to finish')
        .argParser(positiveInteger('--grace', 86_400_000))
        .default(30_000),
    )
    .option('--json', 'print JSON lines instead')
    .action(async (options: Parameters<typeof workerCommand>[0]) => {
      done(await workerCommand(options));
    });

  root
    .command('workers')
    .description('list the workers on a broker: what each runs and when it was last heard from')
    .option('--amqp <url>', 'the AMQP broker (default: $ATOMFLOW_AMQP_URL)')
    .option('--exchange <name>', 'the exchange engines and workers meet on', 'atomflow')
    .option('--topic <name>', 'a topic to look at (repeatable; default: default)', collect, [])
    .addOption(
      new Option('--wait <ms>', 'how long to wait for answers')
        .argParser(positiveInteger('--wait', 600_000))
        .default(1000),
    )
    .option('--json', 'print the list as JSON')
    .action(async (options: Parameters<typeof workersCommand>[0]) => {
      done(await workersCommand(options));
    });

  root
    .command('serve')
    .description(
      'serve the user interface to a browser on 127.0.0.1; prints the URL to open (with its access token)',
    )
    .addOption(new Option('--port <n>', 'the port (default: any free one)').argParser(portNumber))
    .addOption(dbOption())
    .option('--open', 'open the URL in the default browser')
    .option('--json', 'print the URL as a JSON line: {"event":"ready","url":…,"port":…,"token":…}')
    .action(async (options: Parameters<typeof serveCommand>[0]) => {
      done(await serveCommand(options));
    });

  return root;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns
 * the exit status: 0 success, 1 a failed run or an unknown run, 2 invalid
 * input, 3 a suspended run. Errors are printed on stderr.
 */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  try {
    await program((c) => (code = c)).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage mistakes are invalid input. Commander printed the message.
      return e.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    }
    const { lines, code: failed } = describeError(e);
    for (const l of lines) process.stderr.write(`atomflow: ${l}\n`);
    return failed;
  }
}
