/** Where the run store lives: --db, else ATOMFLOW_DB, else the platform's app-data folder. */
import { describe, expect, it } from 'vitest';
import { defaultDatabasePath, resolveDatabasePath } from '../../app/runs/index.js';

describe('run store path', () => {
  it('is in the app-data folder of each platform', () => {
    expect(defaultDatabasePath('linux', {}, '/home/ana')).toBe('/home/ana/.local/share/atomflow/atomflow.db');
    expect(defaultDatabasePath('linux', { XDG_DATA_HOME: '/data/ana' }, '/home/ana')).toBe(
      '/data/ana/atomflow/atomflow.db',
    );
    // XDG: a relative XDG_DATA_HOME is invalid and ignored.
    expect(defaultDatabasePath('linux', { XDG_DATA_HOME: 'rel' }, '/home/ana')).toBe(
      '/home/ana/.local/share/atomflow/atomflow.db',
    );
    expect(defaultDatabasePath('darwin', {}, '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/Atomflow/atomflow.db',
    );
    expect(
      defaultDatabasePath('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana'),
    ).toBe('C:\\Users\\ana\\AppData\\Roaming\\Atomflow\\atomflow.db');
    expect(defaultDatabasePath('win32', {}, 'C:\\Users\\ana')).toBe(
      'C:\\Users\\ana\\AppData\\Roaming\\Atomflow\\atomflow.db',
    );
  });

  it('is --db first, then ATOMFLOW_DB, then the default', () => {
    const env = { ATOMFLOW_DB: '/env/runs.db', XDG_DATA_HOME: '/xdg' };
    expect(resolveDatabasePath({ db: '/cli/runs.db', env, platform: 'linux', home: '/h' })).toBe(
      '/cli/runs.db',
    );
    expect(resolveDatabasePath({ env, platform: 'linux', home: '/h' })).toBe('/env/runs.db');
    expect(resolveDatabasePath({ env: { ATOMFLOW_DB: '' }, platform: 'linux', home: '/h' })).toBe(
      '/h/.local/share/atomflow/atomflow.db',
    );
  });
});
