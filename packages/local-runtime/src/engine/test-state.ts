import type { AslDefinition } from './asl';
import { compileDefinition } from './definition';
import {
  ExecutionInterrupted,
  FailStateError,
  InvalidDefinitionError,
  StatesError,
  TerminalError,
} from './errors';
import { History } from './history';
import type { ContextObject, Outcome, StateNode, StateScope } from './model';
import type { InspectionStep, RawObject, Variables } from './query-language';
import { errorMatches, retryDelaySeconds } from './retry-catch';
import { Run } from './run';
import {
  type FieldValidationMode,
  MockValidationError,
  validateMockResult,
} from './test-state-mock-validation';
import type { Integration, IntegrationRegistry } from './types';

/**
 * TestState: one state run once, as AWS's TestState API runs it. The state is compiled by the engine's
 * own definition code and run by its own state modules; only Retry/Catch are judged here instead of
 * looped, because TestState reports what would happen next (RETRIABLE, CAUGHT_ERROR) rather than doing it.
 */

export type InspectionLevel = 'INFO' | 'DEBUG' | 'TRACE';
export type TestStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

export type TestStateMock =
  | { readonly result: unknown; readonly fieldValidationMode?: FieldValidationMode }
  | { readonly error: string; readonly cause?: string };

export interface TestStateConfiguration {
  readonly retrierRetryCount?: number;
  readonly errorCausedByState?: string;
  readonly mapIterationFailureCount?: number;
  readonly mapItemReaderData?: string;
}

export interface TestStateOptions {
  /** One state's JSON, or a whole machine when `stateName` is given. */
  readonly definition: string;
  readonly stateName?: string;
  /** The input text as sent (echoed in `inspectionData.input`). */
  readonly inputJson: string;
  readonly variables?: Variables;
  /** Context object fields that replace the generated ones (top-level members). */
  readonly context?: Record<string, unknown>;
  readonly mock?: TestStateMock;
  readonly stateConfiguration?: TestStateConfiguration;
  readonly inspectionLevel?: InspectionLevel;
  /** Runs Task resources when there is no mock. */
  readonly integrations: IntegrationRegistry;
  readonly roleArn?: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
}

export interface InspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
  afterItemsPath?: string;
  afterItemSelector?: string;
  afterItemBatcher?: string;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

export interface TestStateResult {
  status: TestStatus;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: InspectionData;
}

/**
 * A request TestState refuses: `kind` says which API error it is (`ValidationException` or
 * `InvalidDefinition`); the message is AWS's where it is recorded.
 */
export class TestStateRefusal extends Error {
  constructor(
    readonly kind: 'ValidationException' | 'InvalidDefinition',
    message: string,
  ) {
    super(message);
    this.name = kind;
  }
}

const SINGLE_STATE_NAME = 'TestState';
const MOCK_STATE_TYPES = new Set(['Task', 'Map', 'Parallel']);
const TOLERATED_FAILURE_CAUSE = 'The specified tolerated failure threshold was exceeded';

function isObject(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseDefinition(text: string): RawObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidDefinitionError(
      `INVALID_JSON_DESCRIPTION: the definition is not valid JSON: ${(error as Error).message}`,
      'INVALID_JSON_DESCRIPTION',
      '/',
    );
  }
  if (!isObject(parsed))
    throw new InvalidDefinitionError('SCHEMA_VALIDATION_FAILED: the definition must be a JSON object');
  return parsed;
}

interface Located {
  readonly state: RawObject;
  readonly language: unknown;
  readonly inMap: boolean;
}

/** The state called `name` anywhere in a machine (top level, Parallel branches, Map processors). */
function findState(
  machine: RawObject,
  name: string,
  topLanguage: unknown,
  inMap: boolean,
): Located | undefined {
  const states = isObject(machine.States) ? machine.States : {};
  const own = states[name];
  if (isObject(own)) return { state: own, language: own.QueryLanguage ?? topLanguage, inMap };
  for (const state of Object.values(states)) {
    if (!isObject(state)) continue;
    const nested: [unknown, boolean][] = [
      ...(Array.isArray(state.Branches) ? state.Branches.map((b): [unknown, boolean] => [b, inMap]) : []),
      [state.ItemProcessor, true],
      [state.Iterator, true],
    ];
    for (const [child, childInMap] of nested) {
      if (!isObject(child)) continue;
      const found = findState(child, name, topLanguage, childInMap);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every state name the state transitions to (Next, Default, Choice rules, catchers). */
function targets(state: RawObject): string[] {
  const names: string[] = [];
  const add = (holder: unknown) => {
    if (isObject(holder) && typeof holder.Next === 'string') names.push(holder.Next);
  };
  add(state);
  if (typeof state.Default === 'string') names.push(state.Default);
  for (const list of [state.Choices, state.Catch]) if (Array.isArray(list)) list.forEach(add);
  return names;
}

/** Stands in for a child machine that never runs; state names must be unique across the definition. */
const trivialProcessor = (index: number) => {
  const name = `(mocked child ${index})`;
  return { StartAt: name, States: { [name]: { Type: 'Pass', End: true } } };
};
const DISTRIBUTED_FIELDS = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailurePercentage',
  'ToleratedFailureCount',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCountPath',
  'Label',
];

/**
 * A mocked Map or Parallel never runs its children: they are replaced by a trivial processor, so what
 * the local engine cannot run inside (distributed mode, its fields) does not stop the test.
 */
function withoutChildren(state: RawObject): RawObject {
  const copy: RawObject = { ...state };
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    copy.Branches = state.Branches.map((_, index) => trivialProcessor(index));
  }
  if (state.Type === 'Map') {
    for (const field of DISTRIBUTED_FIELDS) delete copy[field];
    delete copy.Iterator;
    copy.ItemProcessor = trivialProcessor(0);
  }
  return copy;
}

function mockRegistry(mock: TestStateMock): IntegrationRegistry {
  const integration: Integration = {
    resourceType: 'mock',
    resource: 'mock',
    async invoke() {
      if ('error' in mock) throw new StatesError(mock.error, mock.cause);
      return structuredClone(mock.result);
    },
  };
  return { resolve: () => integration };
}

/** The registry, with each call's parameters and result kept for `inspectionData`. */
function capturing(
  registry: IntegrationRegistry,
  seen: { parameters?: unknown; result?: unknown },
): IntegrationRegistry {
  return {
    resolve(resource) {
      const inner = registry.resolve(resource);
      if (inner === undefined) return undefined;
      return {
        ...inner,
        async invoke(call) {
          seen.parameters = call.parameters;
          const result = await inner.invoke(call);
          seen.result = result;
          return result;
        },
      };
    },
  };
}

/** Patterns TestState runs only with a mock (AWS: Activity, `.sync`, `.waitForTaskToken`). */
function needsMock(resource: unknown): boolean {
  return (
    typeof resource === 'string' &&
    (/\.sync(:\d+)?$/.test(resource) ||
      resource.endsWith('.waitForTaskToken') ||
      resource.includes(':activity:'))
  );
}

function checkRequest(state: RawObject, options: TestStateOptions): void {
  const type = String(state.Type);
  const mock = options.mock;
  if (mock !== undefined && !MOCK_STATE_TYPES.has(type)) {
    throw new TestStateRefusal(
      'ValidationException',
      `State type '${type}' is not supported when a mock is specified`,
    );
  }
  if (mock === undefined && (type === 'Map' || type === 'Parallel')) {
    throw new TestStateRefusal(
      'InvalidDefinition',
      'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    );
  }
  if (mock === undefined && type === 'Task' && needsMock(state.Resource)) {
    throw new TestStateRefusal(
      'ValidationException',
      `TestState runs the resource ${String(state.Resource)} (an Activity, .sync or .waitForTaskToken task) only with a mock`,
    );
  }
  if (mock !== undefined && 'result' in mock) {
    if (type === 'Task') {
      try {
        validateMockResult(state.Resource, mock.result, mock.fieldValidationMode ?? 'STRICT');
      } catch (error) {
        if (error instanceof MockValidationError)
          throw new TestStateRefusal('ValidationException', error.message);
        throw error;
      }
    }
    if (type === 'Parallel') {
      if (!Array.isArray(mock.result))
        throw new TestStateRefusal('ValidationException', 'Mocked result must be an array.');
      if (Array.isArray(state.Branches) && mock.result.length !== state.Branches.length) {
        throw new TestStateRefusal(
          'ValidationException',
          'Mocked result must contain the same number of items as number of Parallel branches.',
        );
      }
    }
    if (type === 'Map') {
      if ('ResultWriter' in state) {
        if (!isObject(mock.result))
          throw new TestStateRefusal('ValidationException', 'Mocked result must be a JSON object.');
      } else if (!Array.isArray(mock.result)) {
        throw new TestStateRefusal('ValidationException', 'Mocked result must be an array.');
      }
    }
  }
}

function defaultContext(
  options: TestStateOptions,
  name: string,
  node: StateNode,
  input: unknown,
  inMap: boolean,
) {
  const partition = options.partition ?? 'aws';
  const machineName = crypto.randomUUID();
  const executionName = crypto.randomUUID();
  const now = new Date().toISOString();
  const execution: Record<string, unknown> = {
    Id: `arn:${partition}:states:${options.region}:${options.accountId}:express:${machineName}:${executionName}`,
    Input: input,
    Name: executionName,
    StartTime: now,
  };
  if (options.roleArn !== undefined) execution.RoleArn = options.roleArn;
  const state: ContextObject['State'] = node.retryable
    ? { Name: name, EnteredTime: now, RetryCount: options.stateConfiguration?.retrierRetryCount ?? 0 }
    : { Name: name, EnteredTime: now };
  const context: Record<string, unknown> = {
    Execution: execution,
    StateMachine: {
      Id: `arn:${partition}:states:${options.region}:${options.accountId}:stateMachine:${machineName}`,
      Name: machineName,
    },
    State: state,
  };
  if (inMap) context.Map = { Item: { Index: 0, Value: input } };
  return { ...context, ...(options.context ?? {}) } as unknown as ContextObject;
}

const text = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** The Map tolerance check TestState applies to `stateConfiguration.mapIterationFailureCount`. */
function exceedsTolerance(state: RawObject, failures: number, items: number): boolean {
  const count = typeof state.ToleratedFailureCount === 'number' ? state.ToleratedFailureCount : undefined;
  const percentage =
    typeof state.ToleratedFailurePercentage === 'number' ? state.ToleratedFailurePercentage : undefined;
  if (count === undefined && percentage === undefined) return failures > 0;
  if (count !== undefined && failures > count) return true;
  return percentage !== undefined && items > 0 && (failures / items) * 100 > percentage;
}

/** Runs one stand-in Pass state (the engine's own evaluation of a Map field) and returns its output. */
async function passOutput(
  pass: RawObject,
  jsonata: boolean,
  input: unknown,
  context: ContextObject,
  scope: StateScope,
  run: Run,
  integrations: IntegrationRegistry,
): Promise<unknown> {
  const name = '(inspection)';
  const machine: RawObject = { StartAt: name, States: { [name]: { ...pass, Type: 'Pass', End: true } } };
  if (jsonata) machine.QueryLanguage = 'JSONata';
  const node = compileDefinition(machine as unknown as AslDefinition, integrations).root.states.get(name);
  const outcome = await (node as StateNode).execute(run, {
    ...scope,
    stateName: name,
    input,
    context,
    inspect: undefined,
  });
  return outcome.output;
}

/**
 * A Map's item steps for `inspectionData`, from its own fields: the items (ItemsPath of the effective
 * input in JSONPath, `Items` in JSONata, or `stateConfiguration.mapItemReaderData` when the Map has an
 * ItemReader), each one through ItemSelector (with `Map.Item` in the context), then ItemBatcher.
 */
async function mapInspection(
  raw: RawObject,
  jsonata: boolean,
  effectiveInput: unknown,
  readerData: string | undefined,
  scope: StateScope,
  run: Run,
  integrations: IntegrationRegistry,
): Promise<Pick<InspectionData, 'afterItemsPath' | 'afterItemSelector' | 'afterItemBatcher'>> {
  const data: Pick<InspectionData, 'afterItemsPath' | 'afterItemSelector' | 'afterItemBatcher'> = {};
  const evaluate = (pass: RawObject, input: unknown, context = scope.context) =>
    passOutput(pass, jsonata, input, context, scope, run, integrations);
  let items: unknown;
  if (isObject(raw.ItemReader)) {
    if (readerData === undefined) return data;
    items = JSON.parse(readerData);
    const maxItems = isObject(raw.ItemReader.ReaderConfig) ? raw.ItemReader.ReaderConfig.MaxItems : undefined;
    if (Array.isArray(items) && typeof maxItems === 'number') items = items.slice(0, maxItems);
  } else if (jsonata) {
    items = 'Items' in raw ? await evaluate({ Output: raw.Items }, effectiveInput) : effectiveInput;
  } else {
    items =
      typeof raw.ItemsPath === 'string'
        ? await evaluate({ InputPath: raw.ItemsPath }, effectiveInput)
        : effectiveInput;
    data.afterItemsPath = text(items);
  }
  if (!Array.isArray(items)) return data;
  const selector = 'ItemSelector' in raw ? raw.ItemSelector : jsonata ? undefined : raw.Parameters;
  let selected: unknown[] = items;
  if (selector !== undefined) {
    selected = [];
    for (const [index, value] of items.entries()) {
      const context = { ...scope.context, Map: { Item: { Index: index, Value: value } } };
      selected.push(
        await evaluate(jsonata ? { Output: selector } : { Parameters: selector }, effectiveInput, context),
      );
    }
    data.afterItemSelector = text(selected);
  }
  if (isObject(raw.ItemBatcher)) {
    const batcher = raw.ItemBatcher;
    const size =
      typeof batcher.MaxItemsPerBatch === 'number' && batcher.MaxItemsPerBatch > 0
        ? batcher.MaxItemsPerBatch
        : selected.length || 1;
    const batchInput =
      batcher.BatchInput === undefined
        ? undefined
        : await evaluate(
            jsonata ? { Output: batcher.BatchInput } : { Parameters: batcher.BatchInput },
            effectiveInput,
          );
    const batches: unknown[] = [];
    for (let start = 0; start < selected.length; start += size) {
      const batch: RawObject = batchInput === undefined ? {} : { BatchInput: batchInput };
      batch.Items = selected.slice(start, start + size);
      batches.push(batch);
    }
    data.afterItemBatcher = text(batches);
  }
  return data;
}

/** Runs one state as AWS's TestState does and reports status, output, next state and inspection data. */
export async function testState(options: TestStateOptions): Promise<TestStateResult> {
  const parsed = parseDefinition(options.definition);
  let name = SINGLE_STATE_NAME;
  let raw = parsed;
  let language: unknown = parsed.QueryLanguage;
  let inMap = false;
  const registry = options.mock !== undefined ? mockRegistry(options.mock) : options.integrations;
  const seen: { parameters?: unknown; result?: unknown } = {};
  const integrations = capturing(registry, seen);
  if (options.stateName !== undefined) {
    const found = findState(parsed, options.stateName, parsed.QueryLanguage, false);
    if (found === undefined) {
      throw new TestStateRefusal(
        'ValidationException',
        `The state '${options.stateName}' is not in the state machine definition`,
      );
    }
    // The machine is validated as the engine would run it: a mocked Map/Parallel without its children.
    const checked = structuredClone(parsed);
    const twin = findState(checked, options.stateName, checked.QueryLanguage, false)?.state;
    if (
      twin !== undefined &&
      options.mock !== undefined &&
      (twin.Type === 'Map' || twin.Type === 'Parallel')
    ) {
      const stripped = withoutChildren(twin);
      for (const key of Object.keys(twin)) delete twin[key];
      Object.assign(twin, stripped);
    }
    compileDefinition(checked, integrations);
    name = options.stateName;
    raw = found.state;
    language = found.language;
    inMap = found.inMap;
  }
  checkRequest(raw, options);
  const type = String(raw.Type);
  const mocked = options.mock !== undefined && (type === 'Map' || type === 'Parallel');
  const states: RawObject = { [name]: mocked ? withoutChildren(raw) : raw };
  for (const target of targets(raw)) if (!(target in states)) states[target] = { Type: 'Succeed' };
  const machine: RawObject = { StartAt: name, States: states };
  if (language === 'JSONata') machine.QueryLanguage = 'JSONata';
  const compiled = compileDefinition(machine as unknown as AslDefinition, integrations);
  const node = compiled.root.states.get(name) as StateNode;

  const input: unknown = JSON.parse(options.inputJson);
  const vars: Variables = Object.assign(Object.create(null), options.variables ?? {});
  const history = new History(false);
  const context = defaultContext(options, name, node, input, inMap);
  const run = new Run({
    history,
    timeScale: 0,
    region: options.region,
    executionArn: String((context.Execution as { Id?: unknown })?.Id ?? ''),
    execution: context.Execution as Record<string, unknown>,
    stateMachine: context.StateMachine as Record<string, unknown>,
  });
  history.add('ExecutionStarted', 0);
  const enteredEventId = history.add(`${type}StateEntered`, 1);
  const steps: Partial<Record<InspectionStep, unknown>> = {};
  const controller = new AbortController();
  const scope: StateScope = {
    stateName: name,
    enteredEventId,
    enteredPreviousEventId: 1,
    input,
    context,
    vars,
    cursor: { last: enteredEventId },
    signal: controller.signal,
    inspect: (step, value) => {
      steps[step] = value;
    },
  };

  const result: TestStateResult = { status: 'SUCCEEDED' };
  const errorDetails: NonNullable<InspectionData['errorDetails']> = {};
  let assigned: Variables | undefined;
  let mockResult: unknown;
  const succeed = (outcome: Outcome) => {
    result.output = text(outcome.output);
    if (outcome.next !== undefined) result.nextState = outcome.next.name;
    assigned = outcome.assigned;
  };
  try {
    const parts = node.parts;
    if (parts === undefined) {
      succeed(await node.execute(run, scope));
    } else {
      try {
        if (mocked) {
          const mock = options.mock as TestStateMock;
          if ('error' in mock) throw new StatesError(mock.error, mock.cause);
          mockResult = mock.result;
          const failures = options.stateConfiguration?.mapIterationFailureCount;
          if (
            type === 'Map' &&
            failures !== undefined &&
            exceedsTolerance(raw, failures, Array.isArray(mockResult) ? mockResult.length : 0)
          ) {
            throw new StatesError('States.ExceedToleratedFailureThreshold', TOLERATED_FAILURE_CAUSE);
          }
          succeed(await parts.complete(scope, structuredClone(mockResult)));
        } else {
          succeed(await parts.attempt(run, scope));
        }
      } catch (error) {
        if (!(error instanceof StatesError) || error instanceof TerminalError) throw error;
        const { retriers, catchers } = parts.handling;
        const retryIndex = retriers.findIndex((r) => errorMatches(r.errorEquals, error.error));
        const retrier = retriers[retryIndex];
        const retryCount = options.stateConfiguration?.retrierRetryCount ?? 0;
        result.error = error.error;
        if (error.cause !== undefined) result.cause = error.cause;
        if (retrier !== undefined && retryCount < retrier.maxAttempts) {
          result.status = 'RETRIABLE';
          errorDetails.retryIndex = retryIndex;
          errorDetails.retryBackoffIntervalSeconds = retryDelaySeconds(retrier, retryCount);
        } else {
          const catchIndex = catchers.findIndex((c) => errorMatches(c.errorEquals, error.error));
          const catcher = catchers[catchIndex];
          if (catcher === undefined) throw error;
          const errorOutput = { Error: error.error, Cause: error.cause ?? '' };
          scope.errorOutput = errorOutput;
          scope.result = undefined;
          const output = catcher.flow.output ? await catcher.flow.output(scope) : errorOutput;
          assigned = catcher.flow.assign ? await catcher.flow.assign(scope) : undefined;
          result.status = 'CAUGHT_ERROR';
          result.output = text(output);
          result.nextState = catcher.nextName;
          errorDetails.catchIndex = catchIndex;
        }
      }
    }
  } catch (error) {
    if (error instanceof ExecutionInterrupted || !(error instanceof StatesError)) throw error;
    result.status = 'FAILED';
    delete result.output;
    delete result.nextState;
    if (!(error instanceof FailStateError) || error.errorSet) result.error = error.error;
    else delete result.error;
    if (error.cause !== undefined) result.cause = error.cause;
  } finally {
    controller.abort();
  }

  const level = options.inspectionLevel ?? 'INFO';
  if (level === 'INFO') return result;
  const data: InspectionData = { input: options.inputJson };
  const jsonPath = language !== 'JSONata' && raw.QueryLanguage !== 'JSONata';
  const taskResult = mocked ? mockResult : seen.result;
  if (type === 'Task' || type === 'Pass' || mocked) {
    if (jsonPath) {
      const afterInputPath = 'afterInputPath' in steps ? steps.afterInputPath : input;
      data.afterInputPath = text(afterInputPath);
    }
    if (jsonPath && type !== 'Map') {
      const afterInputPath = JSON.parse(data.afterInputPath ?? 'null');
      const afterParameters =
        'afterParameters' in steps
          ? steps.afterParameters
          : type === 'Task' && 'parameters' in seen
            ? seen.parameters
            : afterInputPath;
      data.afterParameters = text(afterParameters);
    } else if (type === 'Task' && 'parameters' in seen) {
      data.afterArguments = text(seen.parameters);
    }
    // AWS shows no `result` for a mocked Map (recorded at DEBUG and TRACE, succeeded or not).
    if (type !== 'Pass' && type !== 'Map' && taskResult !== undefined) data.result = text(taskResult);
    if (jsonPath && result.status === 'SUCCEEDED') {
      const selected =
        'afterResultSelector' in steps
          ? steps.afterResultSelector
          : type === 'Pass'
            ? JSON.parse(data.afterParameters ?? 'null')
            : taskResult;
      data.afterResultSelector = text(selected);
      data.afterResultPath = text('afterResultPath' in steps ? steps.afterResultPath : selected);
    }
  }
  if (type === 'Map' && mocked) {
    try {
      let effectiveInput = jsonPath ? JSON.parse(data.afterInputPath ?? 'null') : input;
      if (jsonPath && typeof raw.InputPath === 'string' && !('afterInputPath' in steps)) {
        effectiveInput = await passOutput(
          { InputPath: raw.InputPath },
          false,
          input,
          context,
          scope,
          run,
          options.integrations,
        );
        data.afterInputPath = text(effectiveInput);
      }
      Object.assign(
        data,
        await mapInspection(
          raw,
          !jsonPath,
          effectiveInput,
          options.stateConfiguration?.mapItemReaderData,
          scope,
          run,
          options.integrations,
        ),
      );
    } catch (error) {
      // A field that cannot be evaluated leaves its step out; the mocked result decides the status.
      if (!(error instanceof StatesError) && !(error instanceof SyntaxError)) throw error;
    }
  }
  if (type === 'Map') {
    data.maxConcurrency = typeof raw.MaxConcurrency === 'number' ? raw.MaxConcurrency : 0;
    if (typeof raw.ToleratedFailureCount === 'number') data.toleratedFailureCount = raw.ToleratedFailureCount;
    if (typeof raw.ToleratedFailurePercentage === 'number') {
      data.toleratedFailurePercentage = raw.ToleratedFailurePercentage;
    }
  }
  const after = { ...vars, ...(assigned ?? {}) };
  if (Object.keys(after).length > 0) data.variables = text(after);
  if (Object.keys(errorDetails).length > 0) data.errorDetails = errorDetails;
  result.inspectionData = data;
  return result;
}
