/**
 * `wirelens serve [--host 127.0.0.1] [--port N] [--token T] [--root DIR] [--spool-dir DIR] [--open FILE] [--no-open]`: the browser UI.
 * Prints the URL with its token and keeps running until interrupted.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { isLoopback, tokenProblem } from '../../serve/security';
import { ParsedArgs, UsageError } from '../args';

export const SERVE_OPTIONS = ['--host', '--port', '--token', '--root', '--spool-dir', '--open'];

export function serveCommand(args: ParsedArgs): number {
  if (args.positional.length > 0) throw new UsageError(`serve takes no positional arguments (got "${args.positional[0]}")`);
  const host = args.options.get('--host') ?? '127.0.0.1';
  const portText = args.options.get('--port') ?? '0';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be 0..65535, not "${portText}"`);
  const token = args.options.get('--token');
  const tokenError = token === undefined ? null : tokenProblem(token);
  if (tokenError) throw new UsageError(`--token: ${tokenError}`);
  const root = args.options.get('--root');
  if (root !== undefined && !(existsSync(root) && statSync(root).isDirectory())) throw new UsageError(`--root ${root} is not a directory`);
  // Live captures spool here (default <tmp>/wirelens-spool): a router's tmpfs may be too small for long captures.
  const spoolDir = args.options.get('--spool-dir');
  if (spoolDir !== undefined && !(existsSync(spoolDir) && statSync(spoolDir).isDirectory())) throw new UsageError(`--spool-dir ${spoolDir} is not a directory`);
  const open = args.options.get('--open');
  if (open !== undefined && !existsSync(open)) throw new UsageError(`--open ${open}: no such file`);

  if (!isLoopback(host)) {
    process.stderr.write(
      `\n  WARNING: --host ${host} is not a loopback address: anyone who can reach this machine on the network\n` +
        `  and learns the token can read capture files${root ? ` under ${resolve(root)}` : ' (there is no --root: any file this user can read)'}.\n` +
        `  Traffic is plain HTTP (the token travels unencrypted). Use --root, and only on a network you trust.\n\n`,
    );
  }
  // Loaded lazily: the server pulls in ws, zod and the worker host, which the other CLI commands do not need.
  import('../../serve/server')
    .then(({ startServer }) => startServer({ host, port: Number(portText), token, root: root ?? null, open: open ?? null, spoolDir: spoolDir === undefined ? undefined : resolve(spoolDir) }))
    .then((server) => {
      const others = host === '0.0.0.0' || host === '::' ? lanUrls(server.port, server.token) : [];
      process.stdout.write(
        `Wirelens is serving the browser UI at\n\n  ${server.url}\n${others.map((u) => `  ${u}\n`).join('')}\n(Ctrl+C to stop)\n`,
      );
      if (!args.flags.has('--no-open')) openBrowser(server.url);
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      process.stderr.write(`wirelens serve: cannot start: ${(err as Error).message}\n`);
      process.exitCode = 2;
    });
  return 0;
}

/** For a wildcard bind: the URLs other machines would use (non-internal IPv4 addresses). */
function lanUrls(port: number, token: string): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => `http://${a?.address}:${port}/?token=${token}`);
}

/** Best effort: a headless machine has no browser, and the URL is printed anyway. */
export function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin'
      ? { cmd: 'open', args: [url] }
      : process.platform === 'win32'
        ? { cmd: 'rundll32', args: ['url.dll,FileProtocolHandler', url] }
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? { cmd: 'xdg-open', args: [url] }
          : null;
  if (!command) return;
  try {
    const child = spawn(command.cmd, command.args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener installed: the printed URL is enough.
  }
}
