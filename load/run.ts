/**
 * `npm run load`: the blueprint under an at-least-once stream with faults, on the local runtime.
 * Progress goes to stderr (one updating line on a terminal, a line every 5 s otherwise); the report
 * to stdout, with `--json` one JSON object on its last line. Exit code 1 when a target is missed.
 */
import { runLoad } from './driver';
import { LoadUsageError, parseLoadOptions, USAGE } from './options';
import { formatReport, targetsMet } from './report';

async function main(): Promise<number> {
  // The SDK warns that its 2027 releases need Node 22; that is news for the maintainers, not for a user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseLoadOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const tty = process.stderr.isTTY === true;
  process.stderr.write(`Starting the local runtime with the load app (load/app.ts)…\n`);
  const report = await runLoad(options, {
    progressEveryMs: tty ? 250 : 5000,
    onProgress: (p) => {
      const seconds = (p.elapsedMs / 1000).toFixed(0);
      const line =
        p.phase === 'delivering'
          ? `${seconds} s  sent ${p.firstDeliveries}/${p.events}  done ${p.done}  dead-lettered ${p.deadLettered}  in flight ${p.inFlight}  awaiting redelivery ${p.waitingForRedelivery}`
          : `${seconds} s  settling: ${p.running} executions still running (release workflows, held answers)`;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  console.log(formatReport(report, options));
  if (options.json) console.log(JSON.stringify(report));
  return targetsMet(report) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LoadUsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
