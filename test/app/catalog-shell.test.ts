/** `shell` tasks run real commands through a real engine. */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../app/catalog/index.js';
import type { TaskNodeDocument } from '../../app/document/index.js';
import { logsOf, runNodes, statesOf } from './catalog-support.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'atomflow-shell-')));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

type ShellNode = Extract<TaskNodeDocument, { kind: 'shell' }>;
const sh = (name: string, config: ShellNode['config'], extra: Partial<ShellNode> = {}): ShellNode => ({
  type: 'task',
  name,
  kind: 'shell',
  config,
  ...extra,
});

describe('shell', () => {
  it('without a shell, args reach the program as they are written', async () => {
    const r = await runNodes([
      sh('print', { command: 'printf', args: ['%s|', 'a b', '$HOME', '*'] }, { provides: { out: 'stdout' } }),
    ]);
    expect(r.values).toEqual({ out: 'a b|$HOME|*|' });
  });

  it('gives { exitCode, stdout, stderr } and streams each line as a log event', async () => {
    const r = await runNodes([
      sh(
        'talk',
        { command: 'echo one; echo two; echo oops >&2; printf "no newline"', shell: true },
        { provides: 'result' },
      ),
    ]);
    expect(r.values!.result).toEqual({ exitCode: 0, stdout: 'one\ntwo\nno newline', stderr: 'oops\n' });
    expect(logsOf(r.events, 'talk').sort()).toEqual([
      'stderr: oops',
      'stdout: no newline',
      'stdout: one',
      'stdout: two',
    ]);
  });

  it('a shell command line gets args as $1, $2…; cwd and env apply', async () => {
    const r = await runNodes([
      sh(
        'where',
        {
          command: 'echo "$1 $GREETING from $(pwd)"',
          args: ['hi'],
          shell: true,
          cwd: dir,
          env: { GREETING: 'hello' },
        },
        { provides: { out: 'stdout' } },
      ),
    ]);
    expect(r.values).toEqual({ out: `hi hello from ${dir}\n` });
  });

  it('with a shell, args are parameters, never parsed as shell code', async () => {
    const r = await runNodes([
      sh(
        'quote',
        { command: 'printf "%s" "$1"', args: ['$(echo injected); `id` *'], shell: true },
        { provides: { out: 'stdout' } },
      ),
    ]);
    expect(r.values).toEqual({ out: '$(echo injected); `id` *' });
  });

  it('a non-zero exit fails with the exit code and the tail of stderr', async () => {
    const r = await runNodes([
      sh('bad', { command: 'for i in $(seq 1 20); do echo "line $i" >&2; done; exit 3', shell: true }),
    ]);
    expect(r.error).toBeInstanceOf(CommandFailed);
    const err = r.error as CommandFailed;
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/^Command ".*" exited with code 3; stderr:\nline 11\n/);
    expect(err.message).toMatch(/line 20$/);
    expect(err.message).not.toMatch(/line 10\n/);
    expect(logsOf(r.events, 'bad')).toHaveLength(20);
  });

  it('a command that runs too long is killed', async () => {
    const r = await runNodes([sh('slow', { command: 'sleep', args: ['30'], timeoutMs: 100 })]);
    expect(r.error!.message).toBe('Command sleep 30 timed out after 100 ms');
  });

  it('a command that does not exist fails with the reason', async () => {
    const r = await runNodes([sh('ghost', { command: 'atomflow-no-such-command' })]);
    expect(r.error!.message).toBe(
      'Command atomflow-no-such-command could not be started: spawn atomflow-no-such-command ENOENT',
    );
  });

  it('the revert command runs when a later task fails', async () => {
    const marker = join(dir, 'reverted.txt');
    const r = await runNodes([
      sh('create', {
        command: 'touch',
        args: [join(dir, 'created.txt')],
        revert: { command: 'echo undone > "$1"; echo reverting', args: [marker], shell: true },
      }),
      { type: 'task', name: 'boom', kind: 'fail' },
    ]);
    expect(r.error!.message).toBe('Failed on purpose');
    expect(existsSync(join(dir, 'created.txt'))).toBe(true);
    expect(readFileSync(marker, 'utf8')).toBe('undone\n');
    expect(logsOf(r.events, 'create')).toEqual(['stdout: reverting']);
    expect(statesOf(r.events, 'create')).toEqual(['RUNNING', 'SUCCESS', 'REVERTING', 'REVERTED']);
  });
});
