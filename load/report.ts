/** The load run's report as a table for people; `--json` adds the same as one JSON object. */
import type { LoadReport } from './driver';
import { FAULT_KINDS, type LoadOptions } from './options';

const FAULT_LABELS: Readonly<Record<string, string>> = {
  businessErrorBefore: 'business error before the side effect',
  businessErrorAfter: 'business error after the side effect',
  businessTimeout: 'business answer past the task timeout',
  lambda5xx: 'Lambda 500 after the function ran',
  crashWhileRunning: 'StopExecution while the function runs',
  crashBeforeCompletion: 'StopExecution before RecordCompletion',
  dynamodbThrottle: 'DynamoDB throttled (400)',
  dynamodb5xx: 'DynamoDB 500, not applied',
  dynamodb5xxAfterWrite: 'DynamoDB 500 after the write',
  dynamodbSlow: 'DynamoDB slow',
  unexplained: 'no fault found on the key',
};

const row = (label: string, value: string | number, note = '') =>
  `  ${label.padEnd(44)}${String(value).padStart(10)}${note ? `  ${note}` : ''}`;

const verdict = (ok: boolean) => (ok ? 'ok' : 'FAILED');

/** The readable report: what was sent, what the ledgers counted, the faults, the targets. */
export function formatReport(report: LoadReport, options: LoadOptions): string {
  const lines = [
    '',
    `Load run: ${report.events} events (${report.uniqueKeys} keys), ${options.withKey ? 'the key passed downstream (ENVELOPE)' : 'no key downstream (EVENT)'}, inProgressPolicy ${options.inProgressPolicy}, concurrency ${options.concurrency}, up to ${options.maxAttempts} deliveries`,
    '',
    'Stream',
    row('deliveries (first and redelivered)', report.deliveries),
    row('executions succeeded / failed', `${report.executions.succeeded} / ${report.executions.failed}`),
    row('throughput (events / s)', report.throughputPerSec, `${report.durationSec} s to deliver the stream`),
    row('execution time p50 / p99 (ms)', `${report.p50Ms} / ${report.p99Ms}`),
    '',
    "Counted outside the guard (the business function's ledgers)",
    row('business invocations', report.businessInvocations),
    row('side effects', report.sideEffects),
    row('double side effects', report.doubleSideEffects, `${report.keysWithDoubles} keys`),
    row('lost (no side effect, not dead-lettered)', report.lost),
    '',
    'Keys',
    row('COMPLETED', report.completedKeys),
    row(
      'dead-lettered (with a reason)',
      report.deadLetteredKeys,
      `${report.deadLettered} messages; ${report.deadLetteredWithSideEffect} keys with a side effect`,
    ),
    row('neither', report.unresolvedKeys),
    row('executions still RUNNING at the end', report.stuckRunning),
    '',
    'Faults injected',
    ...FAULT_KINDS.map((kind) =>
      row(FAULT_LABELS[kind] ?? kind, report.faults[kind], `rate ${options.faults[kind]}`),
    ),
  ];
  const doubles = Object.entries(report.doublesByFault);
  if (doubles.length > 0) {
    lines.push('', 'Double side effects by the fault that left the first one unrecorded');
    for (const [kind, count] of doubles) lines.push(row(FAULT_LABELS[kind] ?? kind, count));
  }
  const dead = Object.entries(report.keys).filter(([, state]) => state !== 'COMPLETED');
  if (dead.length > 0) {
    lines.push('', `Keys not COMPLETED (${dead.length}${dead.length > 10 ? ', first 10' : ''})`);
    for (const [key, state] of dead.slice(0, 10)) lines.push(`  ${key}  ${state}`);
  }
  lines.push(
    '',
    'Memory and processes (this process: engine, Lambda service, driver)',
    row(
      'live heap before / after (MB)',
      `${report.heapUsedBeforeMb} / ${report.heapUsedAfterMb}`,
      `after: settled, ${report.lambdaEnvironmentsReclaimed} idle Lambda environments reclaimed, heap collected`,
    ),
    row(
      'RSS before / after (MB)',
      `${report.rssBeforeMb} / ${report.rssAfterMb}`,
      'V8 and the allocator keep pages a burst grew',
    ),
    row(
      'executions retained',
      report.retainedExecutions,
      `${report.retainedMb} MB: every execution of the run stays readable`,
    ),
    row('processes left after stop', report.processesLeft),
    '',
    'Targets',
    options.withKey
      ? row('doubleSideEffects 0', verdict(report.doubleSideEffects === 0))
      : row('doubleSideEffects', 'measured', 'no target without the key: see the doubles by fault above'),
    row('lost 0', verdict(report.lost === 0)),
    row('stuckRunning 0', verdict(report.stuckRunning === 0)),
    row('no process left', verdict(report.processesLeft === 0)),
    row('every key COMPLETED or dead-lettered', verdict(report.unresolvedKeys === 0)),
  );
  return lines.join('\n');
}

/** True when the run met the targets of its mode (doubles count only with the key). */
export function targetsMet(report: LoadReport): boolean {
  return (
    (!report.withKey || report.doubleSideEffects === 0) &&
    report.lost === 0 &&
    report.stuckRunning === 0 &&
    report.processesLeft === 0 &&
    report.unresolvedKeys === 0
  );
}
