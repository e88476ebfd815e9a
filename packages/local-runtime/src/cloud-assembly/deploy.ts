/**
 * Deploys a cloud assembly into a running LocalRuntime, as `cdk deploy` would into an account:
 * every table, event bus, function, state machine and rule that can run locally, in that order,
 * each independently (one that fails is a problem in the report, the rest still runs). A nested
 * stack is deployed as a stack of its own, right before its parent within each kind of resource;
 * references between them (parameters, `Fn::GetAtt [Nested, Outputs.X]`) resolve either way.
 * Everything else is counted per type (and role) with the reason it has no local form.
 */
import { createTable } from '../dynamodb-local';
import type { LocalRuntime } from '../runtime';
import { type CloudAssembly, readCloudAssembly } from './assembly';
import { AssetNotFoundError, CloudAssemblyError, PinnedEnvironmentWarning } from './errors';
import { functionFrom } from './functions';
import { AssemblyModel, type StackModel } from './model';
import type {
  CloudAssemblyDeployment,
  DeployedEventBus,
  DeployedFunction,
  DeployedNestedStack,
  DeployedRule,
  DeployedStateMachine,
  DeployedTable,
  DeploymentOutput,
  DeploymentProblem,
  NotEmulated,
} from './report';
import { EMULATED_TYPES, notEmulatedReason, notEmulatedRole } from './resource-types';
import { ruleFrom, watchesStatusChanges } from './rules';
import { definitionProblem, type StateMachinePlan, stateMachineFrom } from './state-machines';
import { tableOptionsFrom } from './tables';

export interface DeployCloudAssemblyOptions {
  /** Deploy only these stacks (stack names or artifact ids), with their nested stacks. @default every stack */
  readonly stacks?: readonly string[];
  /** Values for template parameters, per stack name (a parameter without one takes its Default). */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Give every function the local endpoints (`AWS_ENDPOINT_URL_DYNAMODB`, `_LAMBDA`, `_SFN`,
   * `_EVENTBRIDGE`) and dummy credentials, so an SDK client in a handler reaches the local services;
   * the template's own variables win. @default true
   */
  readonly localEndpointsInFunctions?: boolean;
}

interface Resource {
  readonly stack: StackModel;
  readonly logicalId: string;
  readonly type: string;
}

const TYPES_IN_ORDER = {
  tables: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
  buses: ['AWS::Events::EventBus'],
  functions: ['AWS::Lambda::Function'],
  stateMachines: ['AWS::StepFunctions::StateMachine'],
  rules: ['AWS::Events::Rule'],
};

/** The environment the local endpoints give a function's SDK clients. */
export function localEndpointEnvironment(runtime: LocalRuntime): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamodb.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: runtime.lambda.endpoint,
    AWS_ENDPOINT_URL_SFN: runtime.stepFunctions.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: runtime.eventBridge.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * The error as a problem of the resource: errors of this folder already say where they are; others
 * (a service's InvalidDefinition, a HandlerLoadError) keep their name and get the resource in front.
 */
function located(error: unknown, resource: Resource): Error {
  const original = asError(error);
  if (original instanceof CloudAssemblyError) return original;
  const wrapped = new Error(
    `${resource.stack.stackName}/${resource.logicalId} (${resource.type}): ${original.message}`,
    {
      cause: original,
    },
  );
  wrapped.name = original.name;
  return wrapped;
}

/** Deploys `source` (an assembly folder, or one already read) into `runtime` and reports what runs. */
export async function deployCloudAssembly(
  runtime: LocalRuntime,
  source: string | CloudAssembly,
  options: DeployCloudAssemblyOptions = {},
): Promise<CloudAssemblyDeployment> {
  const started = Date.now();
  const assembly = typeof source === 'string' ? readCloudAssembly(source) : source;
  const model = new AssemblyModel(
    assembly,
    { region: runtime.region, accountId: runtime.accountId },
    options.parameters,
  );
  // A nested stack exists when its parent does and its resource's Condition holds (a Condition
  // that fails to resolve is the parent's problem, reported with its resources).
  const created = new Map<StackModel, boolean>();
  const stackCreated = (stack: StackModel): boolean => {
    const known = created.get(stack);
    if (known !== undefined) return known;
    let value = true;
    if (stack.nestedIn) {
      try {
        value =
          stackCreated(stack.nestedIn.stack) && stack.nestedIn.stack.isCreated(stack.nestedIn.logicalId);
      } catch {
        value = false;
      }
    }
    created.set(stack, value);
    return value;
  };
  const stacks = model.stacks.filter(
    (stack) =>
      (!options.stacks ||
        options.stacks.includes(stack.root.stackName) ||
        options.stacks.includes(stack.root.artifact.artifactId)) &&
      stackCreated(stack),
  );

  const problems: DeploymentProblem[] = [];
  const problem = (resource: Resource, error: unknown, severity: 'error' | 'warning' = 'error') =>
    problems.push({
      stackName: resource.stack.stackName,
      logicalId: resource.logicalId,
      type: resource.type,
      severity,
      error: located(error, resource),
    });
  for (const stack of stacks) {
    if (!stack.pinned || stack.nestedIn) continue;
    const { account, region } = stack.pinned;
    const pinned = [account && `account ${account}`, region && `region ${region}`]
      .filter(Boolean)
      .join(' and ');
    const local = `${stack.environment.region} and account ${stack.environment.accountId}`;
    problems.push({
      stackName: stack.stackName,
      logicalId: '',
      type: 'AWS::CloudFormation::Stack',
      severity: 'warning',
      error: new PinnedEnvironmentWarning(
        `the stack is pinned to ${pinned} (its env: ${stack.artifact.environment}), but the local services answer for region ${local} only. ` +
          `It is deployed there: Ref, Fn::GetAtt and the pseudo parameters give local values, and the ARNs of its ${pinned} that the template writes literally are rewritten to the local ones, so every ARN names what runs here. ` +
          `Code that compares a value with the literal ${account ? 'account' : 'region'} sees the local one`,
        { stackName: stack.stackName, logicalId: '' },
      ),
    });
  }
  const skipped: string[] = [];
  const notEmulated = new Map<string, { type: string; role?: string; reason: string; resources: string[] }>();
  const countNotEmulated = (resource: Resource, role?: { role: string; reason: string }) => {
    const found = role ?? notEmulatedRole(resource.type, resource.stack.referrers(resource.logicalId));
    const key = `${resource.type}\u0000${found?.role ?? ''}`;
    const entry = notEmulated.get(key) ?? {
      type: resource.type,
      ...(found ? { role: found.role } : {}),
      reason: found?.reason ?? notEmulatedReason(resource.type),
      resources: [],
    };
    entry.resources.push(`${resource.stack.stackName}/${resource.logicalId}`);
    notEmulated.set(key, entry);
  };

  const nestedStacks: DeployedNestedStack[] = [];
  const byType = new Map<string, Resource[]>();
  for (const stack of stacks) {
    for (const logicalId of stack.logicalIds) {
      const resource: Resource = { stack, logicalId, type: stack.resource(logicalId).Type };
      try {
        if (!stack.isCreated(logicalId)) {
          skipped.push(`${stack.stackName}/${logicalId}`);
          continue;
        }
      } catch (error) {
        problem(resource, error);
        continue;
      }
      if (resource.type === 'AWS::CloudFormation::Stack') {
        const nested = stack.nestedStacks.get(logicalId);
        if (nested) {
          nestedStacks.push({
            stackName: stack.stackName,
            logicalId,
            name: nested.stackName,
            templateFile: nested.artifact.templateFile,
          });
        } else {
          problem(
            resource,
            new AssetNotFoundError(
              `the nested stack is not deployed: ${stack.missingNestedStacks.get(logicalId) ?? 'its template is not in the assembly'}`,
              stack.at(logicalId, 'TemplateURL'),
            ),
          );
        }
        continue;
      }
      if (!EMULATED_TYPES.has(resource.type)) {
        countNotEmulated(resource);
        continue;
      }
      byType.set(resource.type, [...(byType.get(resource.type) ?? []), resource]);
    }
  }
  const of = (types: readonly string[]) => types.flatMap((type) => byType.get(type) ?? []);

  const tables: DeployedTable[] = [];
  await Promise.all(
    of(TYPES_IN_ORDER.tables).map(async (resource) => {
      const { stack, logicalId } = resource;
      try {
        const name = stack.physicalName(logicalId);
        const tableOptions = tableOptionsFrom(stack, logicalId);
        const created = await createTable(runtime.dynamodb.endpoint, name, tableOptions);
        const label = created.latestStreamArn?.split('/stream/')[1];
        if (label) stack.deployed.set(logicalId, new Map([['StreamLabel', label]]));
        tables.push({
          stackName: stack.stackName,
          logicalId,
          type: resource.type,
          name,
          arn: String(stack.getAtt(logicalId, 'Arn', stack.at(logicalId))),
          key: [
            `${tableOptions.hashKey} (${tableOptions.hashKeyType})`,
            ...(tableOptions.rangeKey
              ? [`${tableOptions.rangeKey.name} (${tableOptions.rangeKey.type})`]
              : []),
          ].join(', '),
          globalSecondaryIndexes: (tableOptions.globalSecondaryIndexes ?? []).map((index) => index.indexName),
          localSecondaryIndexes: (tableOptions.localSecondaryIndexes ?? []).map((index) => index.indexName),
          ...(tableOptions.timeToLiveAttribute
            ? { timeToLiveAttribute: tableOptions.timeToLiveAttribute }
            : {}),
        });
      } catch (error) {
        problem(resource, error);
      }
    }),
  );

  const eventBuses: DeployedEventBus[] = [];
  for (const resource of of(TYPES_IN_ORDER.buses)) {
    const { stack, logicalId } = resource;
    try {
      const name = stack.physicalName(logicalId);
      runtime.events.createEventBus(name);
      eventBuses.push({
        stackName: stack.stackName,
        logicalId,
        name,
        arn: String(stack.getAtt(logicalId, 'Arn', stack.at(logicalId))),
      });
    } catch (error) {
      problem(resource, error);
    }
  }

  const functions: DeployedFunction[] = [];
  const extraEnvironment =
    options.localEndpointsInFunctions === false ? {} : localEndpointEnvironment(runtime);
  for (const resource of of(TYPES_IN_ORDER.functions)) {
    const { stack, logicalId } = resource;
    try {
      const plan = functionFrom(stack, logicalId, assembly, extraEnvironment);
      const arn = runtime.registerFunction(plan.name, plan.config);
      for (const warning of plan.warnings) problem(resource, warning, 'warning');
      functions.push({
        stackName: stack.stackName,
        logicalId,
        name: plan.name,
        arn,
        runtime: plan.runtime,
        handler: plan.config.handler,
        timeoutSeconds: plan.config.timeoutSeconds ?? 3,
        memorySize: plan.config.memorySize ?? 128,
      });
    } catch (error) {
      problem(resource, error);
    }
  }

  const stateMachines: DeployedStateMachine[] = [];
  await Promise.all(
    of(TYPES_IN_ORDER.stateMachines).map(async (resource) => {
      const { stack, logicalId } = resource;
      let plan: StateMachinePlan | undefined;
      try {
        plan = stateMachineFrom(stack, logicalId, assembly);
        const arn = await runtime.deployStateMachine(plan);
        let queryLanguage = 'JSONPath';
        try {
          queryLanguage =
            (JSON.parse(plan.definition) as { QueryLanguage?: string }).QueryLanguage ?? 'JSONPath';
        } catch {
          // the definition was accepted, so it is JSON once substituted
        }
        stateMachines.push({
          stackName: stack.stackName,
          logicalId,
          name: plan.name,
          type: plan.type,
          arn,
          queryLanguage,
        });
      } catch (error) {
        problem(
          resource,
          plan ? definitionProblem(error, stack, logicalId, plan, runtime.integrations) : error,
        );
      }
    }),
  );

  const rules: DeployedRule[] = [];
  const nameOfStateMachine = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
  for (const resource of of(TYPES_IN_ORDER.rules)) {
    const { stack, logicalId } = resource;
    try {
      const plan = ruleFrom(stack, logicalId);
      for (const error of plan.undeliverable) problem(resource, error);
      if (plan.pattern === undefined) {
        countNotEmulated(resource, { role: 'schedule', reason: 'schedules do not fire locally' });
        continue;
      }
      if (plan.enabled) {
        for (const target of plan.targets) {
          runtime.deployRule({
            name: plan.targets.length > 1 ? `${plan.name}/${target.id}` : plan.name,
            pattern: plan.pattern,
            targetStateMachineArn: target.stateMachineArn,
            eventBusName: plan.eventBusName,
            ...(target.input !== undefined ? { input: target.input } : {}),
            ...(target.inputPath !== undefined ? { inputPath: target.inputPath } : {}),
          });
        }
      }
      rules.push({
        stackName: stack.stackName,
        logicalId,
        name: plan.name,
        eventBusName: plan.eventBusName,
        kind:
          plan.eventBusName === 'default' && watchesStatusChanges(plan.pattern) ? 'status-change' : 'custom',
        targets: plan.targets.map((target) => nameOfStateMachine(target.stateMachineArn)),
        enabled: plan.enabled,
      });
    } catch (error) {
      problem(resource, error);
    }
  }

  // The outputs of the top-level stacks, as `cdk deploy` prints them (a nested stack's outputs are
  // what its parent reads through Fn::GetAtt).
  const outputs: DeploymentOutput[] = [];
  for (const stack of stacks) {
    if (stack.nestedIn) continue;
    for (const [key, output] of Object.entries(stack.artifact.template.Outputs ?? {})) {
      try {
        if (output.Condition && !stack.resolver.condition(output.Condition, stack.at(key, 'Condition')))
          continue;
        const value = stack.value(output.Value, stack.at(key, 'Value'));
        outputs.push({
          stackName: stack.stackName,
          key,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        });
      } catch (error) {
        outputs.push({ stackName: stack.stackName, key, error: asError(error) });
      }
    }
  }

  const byStackOrder = <T extends { stackName: string; logicalId: string }>(items: T[]): T[] => {
    const order = new Map(
      stacks.flatMap((stack) => stack.logicalIds.map((id, i) => [`${stack.stackName}/${id}`, i] as const)),
    );
    const stackOrder = new Map(stacks.map((stack, i) => [stack.stackName, i]));
    return items.sort(
      (a, b) =>
        (stackOrder.get(a.stackName) ?? 0) - (stackOrder.get(b.stackName) ?? 0) ||
        (order.get(`${a.stackName}/${a.logicalId}`) ?? 0) - (order.get(`${b.stackName}/${b.logicalId}`) ?? 0),
    );
  };
  const notEmulatedList: NotEmulated[] = [...notEmulated.values()]
    .map((entry) => ({
      type: entry.type,
      ...(entry.role !== undefined ? { role: entry.role } : {}),
      count: entry.resources.length,
      reason: entry.reason,
      resources: entry.resources,
    }))
    .sort(
      (a, b) =>
        b.count - a.count || a.type.localeCompare(b.type) || (a.role ?? '').localeCompare(b.role ?? ''),
    );

  return {
    assemblyDir: assembly.dir,
    stacks: stacks.map((stack) => stack.stackName),
    nestedStacks,
    stateMachines: byStackOrder(stateMachines),
    tables: byStackOrder(tables),
    functions,
    rules,
    eventBuses,
    notEmulated: notEmulatedList,
    skipped,
    problems: byStackOrder(problems),
    outputs,
    durationMs: Date.now() - started,
  };
}
