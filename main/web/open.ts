/**
 * Opening the web host in the user's browser without putting its token on a
 * command line (which every user of the machine can read, e.g. with `ps`):
 * the browser opens a private file (mode 0600, in a private folder) that
 * sends it on to the URL, as Jupyter does.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

/** The platform's command that opens a file in the default browser. */
function opener(file: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [file] };
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', file] };
  return { command: 'xdg-open', args: [file] };
}

/**
 * Opens `url` in the default browser. Returns a function that removes the
 * file it opened through (call it when the host stops; the browser reads the
 * file long before). A failure to start the browser is passed to `log`.
 */
export function openInBrowser(url: string, log: (line: string) => void): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'atomflow-open-'));
  const file = join(dir, 'open.html');
  const href = escapeHtml(url);
  writeFileSync(
    file,
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
      `<meta http-equiv="refresh" content="0; url=${href}"><title>Atomflow</title></head>` +
      `<body><p><a href="${href}">Open Atomflow</a></p></body></html>\n`,
    { mode: 0o600 },
  );
  const { command, args } = opener(pathToFileURL(file).href);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', (e) => {
      log(`Could not open a browser (${command}: ${e.message}); open the URL yourself.`);
    });
    child.unref();
  } catch (e) {
    log(`Could not open a browser: ${e instanceof Error ? e.message : String(e)}; open the URL yourself.`);
  }
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
