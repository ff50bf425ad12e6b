/**
 * Where the run store lives: `--db`, else `ATOMFLOW_DB`, else the user's
 * app-data folder of the platform (so runs survive a reinstall and are found
 * by every front end of the same user).
 */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

/** The file name of the run store inside the app-data folder. */
export const DATABASE_FILE = 'atomflow.db';

/** What {@link resolveDatabasePath} looks at; every field defaults to this process's. */
export interface DatabasePathContext {
  /** An explicit path (the CLI's `--db`); wins over everything. */
  readonly db?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

/**
 * The default run store of a platform: `%APPDATA%\Atomflow\atomflow.db` on
 * Windows, `~/Library/Application Support/Atomflow/atomflow.db` on macOS,
 * `$XDG_DATA_HOME/atomflow/atomflow.db` (or `~/.local/share/atomflow/atomflow.db`) elsewhere.
 */
export function defaultDatabasePath(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Atomflow', DATABASE_FILE);
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Atomflow', DATABASE_FILE);
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env.XDG_DATA_HOME);
  const base = xdg?.startsWith('/') ? xdg : join(home, '.local', 'share');
  return join(base, 'atomflow', DATABASE_FILE);
}

/** The run store to open: `db`, else `ATOMFLOW_DB`, else {@link defaultDatabasePath}. */
export function resolveDatabasePath(context: DatabasePathContext = {}): string {
  const env = context.env ?? process.env;
  return (
    nonEmpty(context.db) ??
    nonEmpty(env.ATOMFLOW_DB) ??
    defaultDatabasePath(context.platform ?? process.platform, env, context.home ?? homedir())
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
