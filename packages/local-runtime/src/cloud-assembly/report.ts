/**
 * What a deployment of a cloud assembly did: what runs locally (with names and ARNs), what does
 * not and why, and the problems, each a named error. `formatDeployment` prints it for the CLI.
 */
import { SERVICE_GROUPS } from './resource-types';

interface Deployed {
  readonly stackName: string;
  readonly logicalId: string;
}

export interface DeployedStateMachine extends Deployed {
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly arn: string;
  readonly queryLanguage: string;
}

export interface DeployedTable extends Deployed {
  readonly type: string;
  readonly name: string;
  readonly arn: string;
  /** e.g. `pk (S), sk (S)` */
  readonly key: string;
  readonly globalSecondaryIndexes: readonly string[];
  readonly localSecondaryIndexes: readonly string[];
  readonly timeToLiveAttribute?: string;
}

export interface DeployedFunction extends Deployed {
  readonly name: string;
  readonly arn: string;
  readonly runtime: string;
  /** The module and export the local Lambda loads, e.g. `/…/asset.1a2b…/index.js#handler`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
}

export interface DeployedRule extends Deployed {
  readonly name: string;
  readonly eventBusName: string;
  /** `status-change`: Step Functions status changes on the default bus; `custom`: events sent with PutEvents. */
  readonly kind: 'status-change' | 'custom';
  /** Names of the target state machines. */
  readonly targets: readonly string[];
  readonly enabled: boolean;
}

export interface DeployedEventBus extends Deployed {
  readonly name: string;
  readonly arn: string;
}

/** A nested stack (`AWS::CloudFormation::Stack` of `stackName`), deployed as a stack of its own. */
export interface DeployedNestedStack extends Deployed {
  /** Its physical name, `<parent>-<logicalId>-<random>` as CloudFormation names it. */
  readonly name: string;
  readonly templateFile: string;
}

/**
 * One entry of "not emulated locally": a resource type (with the role its template gives it, where
 * that changes the reason), how many, why.
 */
export interface NotEmulated {
  readonly type: string;
  /** E.g. `dead-letter queue`, `source`, `schedule`: what the resources of this entry are for. */
  readonly role?: string;
  readonly count: number;
  readonly reason: string;
  /** `<stack>/<logicalId>` of each. */
  readonly resources: readonly string[];
}

/**
 * A resource that should run locally but does not (`error`), or runs with a difference
 * (`warning`: a function without its layers or without a variable, a stack pinned elsewhere),
 * with the named error that says why and what to do.
 */
export interface DeploymentProblem {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly severity: 'error' | 'warning';
  readonly error: Error;
}

export interface DeploymentOutput {
  readonly stackName: string;
  readonly key: string;
  readonly value?: string;
  /** Why the value has no local form. */
  readonly error?: Error;
}

export interface CloudAssemblyDeployment {
  readonly assemblyDir: string;
  /** Every stack deployed, nested stacks (right before their parent) included. */
  readonly stacks: readonly string[];
  readonly nestedStacks: readonly DeployedNestedStack[];
  readonly stateMachines: readonly DeployedStateMachine[];
  readonly tables: readonly DeployedTable[];
  readonly functions: readonly DeployedFunction[];
  readonly rules: readonly DeployedRule[];
  readonly eventBuses: readonly DeployedEventBus[];
  readonly notEmulated: readonly NotEmulated[];
  /** Resources whose Condition is false: CloudFormation would not create them either. */
  readonly skipped: readonly string[];
  readonly problems: readonly DeploymentProblem[];
  readonly outputs: readonly DeploymentOutput[];
  readonly durationMs: number;
}

/** Lays rows out in columns (the last column is not padded). */
export function columns(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
  );
}

export interface FormatOptions {
  /** Headings (e.g. bold on a terminal). */
  readonly heading?: (text: string) => string;
  /** Less important text (e.g. dim on a terminal). */
  readonly quiet?: (text: string) => string;
  /** Print Outputs. @default true */
  readonly outputs?: boolean;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The deployment as text: one section per kind of resource, then what is not emulated, then the problems. */
export function formatDeployment(report: CloudAssemblyDeployment, options: FormatOptions = {}): string {
  const heading = options.heading ?? ((text: string) => text);
  const quiet = options.quiet ?? ((text: string) => text);
  const nestedNames = new Set(report.nestedStacks.map((nested) => nested.name));
  const topLevel = report.stacks.filter((name) => !nestedNames.has(name));
  const nestedCount = report.stacks.length - topLevel.length;
  const lines: string[] = [
    heading(
      `Deployed ${plural(topLevel.length, 'stack')} (${topLevel.join(', ')}${nestedCount > 0 ? `; ${plural(nestedCount, 'nested stack')}` : ''}) in ${(report.durationMs / 1000).toFixed(1)} s`,
    ),
  ];
  const section = (title: string, header: readonly string[], rows: readonly (readonly string[])[]) => {
    if (rows.length === 0) return;
    lines.push('', heading(title));
    const laid = columns([header, ...rows]);
    lines.push(quiet(laid[0] ?? ''), ...laid.slice(1));
  };
  section(
    `Nested stacks (${report.nestedStacks.length})`,
    ['name', 'in'],
    report.nestedStacks.map((n) => [n.name, `${n.stackName}/${n.logicalId}`]),
  );
  section(
    `State machines (${report.stateMachines.length})`,
    ['name', 'type', 'ARN'],
    report.stateMachines.map((m) => [m.name, m.type, m.arn]),
  );
  section(
    `Tables (${report.tables.length})`,
    ['name', 'key', 'TTL', 'indexes'],
    report.tables.map((t) => [
      t.name,
      t.key,
      t.timeToLiveAttribute ?? '-',
      [
        ...t.globalSecondaryIndexes.map((i) => `GSI ${i}`),
        ...t.localSecondaryIndexes.map((i) => `LSI ${i}`),
      ].join(', ') || '-',
    ]),
  );
  section(
    `Functions (${report.functions.length})`,
    ['name', 'runtime', 'timeout', 'memory', 'handler'],
    report.functions.map((f) => [
      f.name,
      f.runtime,
      `${f.timeoutSeconds} s`,
      `${f.memorySize} MB`,
      shortPath(f.handler, report.assemblyDir),
    ]),
  );
  section(
    `Event buses (${report.eventBuses.length})`,
    ['name', 'ARN'],
    report.eventBuses.map((b) => [b.name, b.arn]),
  );
  section(
    `Rules (${report.rules.length})`,
    ['name', 'bus', 'events', 'targets'],
    report.rules.map((r) => [
      r.name,
      r.eventBusName,
      `${r.kind === 'status-change' ? 'Step Functions status changes' : 'PutEvents'}${r.enabled ? '' : ' (DISABLED)'}`,
      r.targets.join(', ') || '-',
    ]),
  );
  if (report.notEmulated.length > 0) {
    lines.push('', heading('Not emulated locally'));
    for (const entry of notEmulatedLines(report.notEmulated)) {
      lines.push(`  ${entry.label} ×${entry.count} ${quiet(`(${entry.reason})`)}`);
    }
  }
  if (report.skipped.length > 0) {
    lines.push('', heading('Not created (Condition false, as on AWS)'), `  ${report.skipped.join(', ')}`);
  }
  const errors = report.problems.filter((problem) => problem.severity !== 'warning');
  const warnings = report.problems.filter((problem) => problem.severity === 'warning');
  if (errors.length > 0) {
    lines.push('', heading(`Problems (${errors.length}): these resources do not run locally, the rest does`));
    for (const problem of errors) lines.push(`  ${problem.error.name}: ${problem.error.message}`);
  }
  if (warnings.length > 0) {
    lines.push('', heading(`Warnings (${warnings.length}): these run locally, with a difference`));
    for (const problem of warnings) lines.push(`  ${problem.error.name}: ${problem.error.message}`);
  }
  if (options.outputs !== false && report.outputs.length > 0) {
    lines.push('', heading('Outputs'));
    lines.push(
      ...columns(
        report.outputs.map((o) => [
          `${o.stackName}.${o.key}`,
          o.value ?? quiet(`(no local value: ${o.error?.message ?? 'unknown'})`),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

/**
 * The "not emulated" lines: one per type (and role), except that the types of a service in
 * SERVICE_GROUPS make one line (`AWS::ApiGateway::* ×7`) when more than one of them is there.
 * Most first.
 */
export function notEmulatedLines(
  entries: readonly NotEmulated[],
): { readonly label: string; readonly count: number; readonly reason: string }[] {
  const groups = new Map<string, NotEmulated[]>();
  for (const entry of entries) {
    const group =
      entry.role === undefined ? SERVICE_GROUPS.find((g) => g.pattern.test(entry.type)) : undefined;
    if (group) groups.set(group.label, [...(groups.get(group.label) ?? []), entry]);
  }
  const lines: { label: string; count: number; reason: string }[] = [];
  const grouped = new Set<NotEmulated>();
  for (const [label, members] of groups) {
    if (members.length < 2) continue;
    for (const member of members) grouped.add(member);
    lines.push({
      label,
      count: members.reduce((sum, member) => sum + member.count, 0),
      reason: [...new Set(members.map((member) => member.reason))].join('; '),
    });
  }
  for (const entry of entries) {
    if (grouped.has(entry)) continue;
    lines.push({
      label: entry.role === undefined ? entry.type : `${entry.type} (${entry.role})`,
      count: entry.count,
      reason: entry.reason,
    });
  }
  return lines.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** A handler inside the assembly, relative to it and with hashes cut: `asset.<12 of hash>…/index.js#handler`. */
function shortPath(handler: string, assemblyDir: string): string {
  const relative = handler.startsWith(`${assemblyDir}/`) ? handler.slice(assemblyDir.length + 1) : handler;
  return relative.replace(/^(asset\.[0-9a-f]{12})[0-9a-f]*\//, '$1…/').replace(/-[0-9a-f]{16}\//, '/');
}
