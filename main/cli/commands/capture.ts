/**
 * `wirelens capture -i IFACE [-f BPF] [-w FILE] [-c COUNT] [--duration S]`: a live capture to a pcapng file with
 * the same engine as the app, ending with the drop counters (received, dropped by the kernel, the interface, the
 * app). Stops at COUNT packets, after S seconds, or on Ctrl-C.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { LiveCapture, checkBpf, liveAvailable } from '../../engine/live';
import { ParsedArgs, UsageError, parseArgs } from '../args';

const CAPTURE_USAGE = `usage: wirelens capture -i IFACE [-f BPF] [-w FILE] [-c COUNT] [--duration S] [-s SNAPLEN]

  -i IFACE         interface to capture on (\`wirelens interfaces\` lists them)
  -f BPF           capture filter, libpcap syntax (e.g. "udp port 53")
  -w FILE          pcapng file to write (default: a new file in the temporary directory)
  -c COUNT         stop after COUNT packets
  --duration S     stop after S seconds
  -s SNAPLEN       bytes kept of each packet (default 262144)
`;

const WITH_VALUE = ['-i', '-f', '-w', '-c', '--duration', '-s'];

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} needs a positive ${integer ? 'integer' : 'number'}, not "${value}"`);
  }
  return n;
}

/**
 * Returns 0 at once and sets process.exitCode when the capture ends (the dispatcher's commands are synchronous;
 * the capture keeps the process alive through its poll handle and timers).
 */
export function captureCommand(parsed: ParsedArgs): number {
  // The dispatcher parsed with the global option list, which does not know -i/-f/-w/-c; parse this command's
  // own arguments again (argv[2] is "capture").
  const args = parseArgs(process.argv.slice(3), WITH_VALUE);
  if (parsed.flags.has('-h') || parsed.flags.has('--help')) {
    process.stdout.write(CAPTURE_USAGE);
    return 0;
  }
  const iface = args.options.get('-i');
  if (iface === undefined) throw new UsageError('capture needs an interface: -i IFACE');
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const bpf = args.options.get('-f') ?? '';
  const count = positiveNumber('-c', args.options.get('-c'), true);
  const duration = positiveNumber('--duration', args.options.get('--duration'), false);
  const snaplen = positiveNumber('-s', args.options.get('-s'), true);
  const file =
    args.options.get('-w') ??
    path.join(os.tmpdir(), `wirelens-capture-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${process.pid}.pcapng`);

  const status = liveAvailable();
  if (!status.available) {
    process.stderr.write(`wirelens: ${status.reason ?? 'live capture is unavailable'}\n`);
    return 1;
  }
  const filterError = checkBpf(iface, bpf);
  if (filterError !== null) {
    process.stderr.write(`wirelens: invalid capture filter "${bpf}": ${filterError}\n`);
    return 1;
  }

  const capture = new LiveCapture({ iface, bpf, spoolPath: file, snaplen, maxPackets: count });
  let failed = false;
  capture.on('error', (err: Error) => {
    failed = true;
    process.stderr.write(`wirelens: ${err.message}\n`);
  });
  capture.start();
  if (failed) return 1;

  const digits = capture.tsDigits === 9 ? 'nanosecond' : 'microsecond';
  process.stderr.write(`Capturing on '${iface}' (DLT ${capture.linkType}, ${digits} timestamps) to ${file}\n`);

  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearTimeout(t);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    capture.stop().then(
      () => {
        const st = capture.stats();
        if (process.stderr.isTTY) process.stderr.write('\n');
        process.stderr.write(
          `${capture.packetsWritten} packets captured to ${file}\n` +
            `received: ${st.received}, dropped by kernel: ${st.droppedKernel}, ` +
            `dropped by interface: ${st.droppedInterface}, dropped by app: ${st.droppedApp}\n`,
        );
        process.exitCode = failed ? 1 : 0;
      },
      (err: unknown) => {
        process.stderr.write(`wirelens: ${(err as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  };
  const onSignal = (): void => stop();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  capture.on('limit', stop);
  // An error while running (the spool's disk full) stops the capture itself; report its counters too.
  capture.on('stopped', stop);
  if (duration !== undefined) timers.push(setTimeout(stop, duration * 1000));
  if (process.stderr.isTTY) {
    const progress = setInterval(() => {
      const st = capture.stats();
      process.stderr.write(`\r${st.received} packets, ${st.packetsPerSecond}/s `);
    }, 500);
    progress.unref();
    timers.push(progress);
  }
  return 0;
}
