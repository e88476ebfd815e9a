/**
 * Conformance runner: `npm run conformance -- <folder> [--filter s] [--level L1|L2|L3] [--query-language q]`.
 *
 * Runs a corpus in the format of the shared conformance README against the local runtime (local engine
 * behind the Step Functions API, local Lambda with Node stubs, DynamoDB Local), through
 * @aws-sdk/client-sfn, and prints one line per case and `conformance: N passed, M failed`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { createTable, type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb-local';
import { executionHistory } from '../executions';
import { createIntegrations, type LocalIntegrations } from '../integrations';
import { LOCAL_CREDENTIALS } from '../integrations/aws-metadata';
import { type LambdaService, startLambdaService } from '../lambda';
import { type StepFunctionsService, startStepFunctionsService } from '../sfn';
import {
  type ActualRun,
  type Comparison,
  compareRun,
  type ExpectedRun,
  type Level,
  normaliseEvent,
  parseJsonText,
  substitute,
  tokenise,
} from './compare';
import { STUB_EXPORTS } from './stubs';

const REGION = 'us-east-1';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/conformance';
const CASE_TIMEOUT_MS = 60_000;
const POLL_MS = 10;
/** Lambda's own timeout for the stubs: above the corpus' 5 s task timeout, so the task times out first. */
const STUB_TIMEOUT_SECONDS = 90;

interface CaseFile {
  id: string;
  queryLanguage: string;
  run: { api: string; stateMachineType?: string; inputOmitted?: boolean; then?: string };
  definition: unknown;
  input: unknown;
  resources: {
    lambdas: Record<string, string>;
    tables: { logical: string; hashKey: string; hashKeyType: 'S' | 'N' | 'B' }[];
  };
  expected: ExpectedRun;
}

interface Options {
  folder: string;
  filter?: string;
  level: Level;
  queryLanguage?: string;
}

interface Services {
  sfn: StepFunctionsService;
  client: SFNClient;
  lambda?: LambdaService;
  dynamodb?: DynamoDbLocal;
  integrations: LocalIntegrations;
  /** Behaviour -> function name registered for it. */
  functions: Map<string, string>;
  suffix: string;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const USAGE =
  'usage: npm run conformance -- <folder> [--filter <substring>] [--level L1|L2|L3] [--query-language JSONata|JSONPath|mixed]';

const parseArguments = (argv: readonly string[]): Options => {
  let folder: string | undefined;
  let filter: string | undefined;
  let level: Level = 'L3';
  let queryLanguage: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${argument} needs a value\n${USAGE}`);
      return next;
    };
    if (argument === '--filter') filter = value();
    else if (argument === '--level') {
      const given = value();
      if (given !== 'L1' && given !== 'L2' && given !== 'L3') {
        throw new UsageError(`--level must be L1, L2 or L3, got '${given}'`);
      }
      level = given;
    } else if (argument === '--query-language') {
      queryLanguage = value();
      if (!['JSONata', 'JSONPath', 'mixed'].includes(queryLanguage)) {
        throw new UsageError(`--query-language must be JSONata, JSONPath or mixed, got '${queryLanguage}'`);
      }
    } else if (argument.startsWith('--')) throw new UsageError(`unknown option '${argument}'\n${USAGE}`);
    else if (folder === undefined) folder = argument;
    else throw new UsageError(`only one folder may be given, got '${folder}' and '${argument}'\n${USAGE}`);
  }
  if (folder === undefined) throw new UsageError(USAGE);
  return {
    folder,
    level,
    ...(filter !== undefined ? { filter } : {}),
    ...(queryLanguage ? { queryLanguage } : {}),
  };
};

/** The folder may be the corpus root (with `cases/`) or the cases folder itself. */
const loadCases = (options: Options): CaseFile[] => {
  const nested = path.join(options.folder, 'cases');
  const folder = fs.existsSync(nested) ? nested : options.folder;
  if (!fs.existsSync(folder)) throw new UsageError(`no such folder: '${options.folder}'`);
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as CaseFile)
    .filter((c) => options.filter === undefined || c.id.includes(options.filter))
    .filter((c) => options.queryLanguage === undefined || c.queryLanguage === options.queryLanguage);
};

const startServices = async (cases: readonly CaseFile[]): Promise<Services> => {
  const suffix = randomBytes(3).toString('hex');
  const needsDynamoDb = cases.some((c) => JSON.stringify(c.definition).includes(':dynamodb:'));
  const needsLambda = cases.some((c) => /:lambda:/.test(JSON.stringify(c.definition)));
  const dynamodb = needsDynamoDb ? await startDynamoDbLocal() : undefined;
  const functions = new Map<string, string>();
  let lambda: LambdaService | undefined;
  if (needsLambda) {
    lambda = await startLambdaService({ region: REGION, onLog: () => undefined });
    for (const [behaviour, exportName] of Object.entries(STUB_EXPORTS)) {
      const name = `cf-${behaviour.replace(/_/g, '-')}-${suffix}`;
      lambda.register(name, {
        handler: `${path.relative(process.cwd(), path.join(__dirname, 'stubs.ts'))}#${exportName}`,
        timeoutSeconds: STUB_TIMEOUT_SECONDS,
      });
      functions.set(behaviour, name);
    }
  }
  // Services a run does not need get an address nothing listens on: a call there fails loudly.
  const unused = 'http://127.0.0.1:9';
  const integrations = createIntegrations({
    dynamodb: { endpoint: dynamodb?.endpoint ?? unused, region: REGION },
    lambda: { endpoint: lambda?.endpoint ?? unused, region: REGION },
  });
  const sfn = await startStepFunctionsService({
    integrations,
    region: REGION,
  });
  const client = new SFNClient({
    endpoint: sfn.endpoint,
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
    disableHostPrefix: true,
  });
  return {
    sfn,
    client,
    integrations,
    functions,
    suffix,
    ...(lambda ? { lambda } : {}),
    ...(dynamodb ? { dynamodb } : {}),
  };
};

const stopServices = async (services: Services): Promise<void> => {
  services.client.destroy();
  await services.sfn.stop();
  services.integrations.destroy();
  await services.lambda?.stop();
  await services.dynamodb?.stop();
};

/** Token -> runner value, and runner value -> token (ARNs before bare names) for the way back. */
const prepareResources = async (
  testCase: CaseFile,
  index: number,
  services: Services,
): Promise<{ tokens: Map<string, string>; replacements: [string, string][] }> => {
  const tokens = new Map<string, string>();
  const arns: [string, string][] = [];
  const names: [string, string][] = [];
  for (const [stub, behaviour] of Object.entries(testCase.resources.lambdas)) {
    const name = services.functions.get(behaviour);
    if (!name || !services.lambda) throw new Error(`no Lambda stub for behaviour '${behaviour}'`);
    const arn = services.lambda.functionArn(name);
    tokens.set(`\${Lambda:${stub}}`, arn);
    tokens.set(`\${LambdaName:${stub}}`, name);
    arns.push([arn, `\${Lambda:${stub}}`]);
    names.push([name, `\${LambdaName:${stub}}`]);
  }
  for (const table of testCase.resources.tables) {
    if (!services.dynamodb) throw new Error('DynamoDB Local is not running');
    const name = `cf-${table.logical}-${index}-${services.suffix}`;
    await createTable(services.dynamodb.endpoint, name, {
      hashKey: table.hashKey,
      hashKeyType: table.hashKeyType,
    });
    tokens.set(`\${Table:${table.logical}}`, name);
    names.push([name, `\${Table:${table.logical}}`]);
  }
  return { tokens, replacements: [...arns, ...names] };
};

/** Plain JSON of an API response: no `$metadata`, dates as ISO text, input/output parsed. */
const apiResponse = (response: object): Record<string, unknown> => {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(response)) {
    if (key === '$metadata' || value === undefined) continue;
    if (value instanceof Date) plain[key] = value.toISOString();
    else if ((key === 'input' || key === 'output') && typeof value === 'string')
      plain[key] = parseJsonText(value);
    else plain[key] = value;
  }
  return plain;
};

const outcomeOf = (response: {
  status?: string;
  output?: string;
  error?: string;
  cause?: string;
}): Omit<ActualRun, 'events' | 'api'> => ({
  status: response.status ?? 'UNKNOWN',
  ...(response.output !== undefined ? { output: parseJsonText(response.output) } : {}),
  ...(response.error !== undefined ? { error: response.error } : {}),
  ...(response.cause !== undefined
    ? { cause: response.cause.startsWith('{') ? parseJsonText(response.cause) : response.cause }
    : {}),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitForEnd = async (
  client: SFNClient,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> => {
  const deadline = Date.now() + CASE_TIMEOUT_MS;
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) {
      await client.send(new StopExecutionCommand({ executionArn, error: 'Conformance.Timeout' }));
      throw new Error(`execution still RUNNING after ${CASE_TIMEOUT_MS / 1000} s; stopped`);
    }
    await sleep(POLL_MS);
  }
};

const runCase = async (testCase: CaseFile, index: number, services: Services): Promise<ActualRun> => {
  const { client } = services;
  const { tokens, replacements } = await prepareResources(testCase, index, services);
  const definition = JSON.stringify(substitute(testCase.definition, tokens));
  const type = testCase.run.stateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const name = `${`cf-${testCase.id.replace(/[^A-Za-z0-9-]/g, '_')}`.slice(0, 70)}-${index}`;
  const back = (value: unknown) => tokenise(value, replacements);

  if (testCase.run.api === 'ValidateStateMachineDefinition') {
    const response = await client.send(new ValidateStateMachineDefinitionCommand({ definition, type }));
    const first = response.diagnostics?.[0];
    return back({
      status: response.result === 'OK' ? 'CREATED' : 'CREATE_FAILED',
      ...(first ? { error: first.code, cause: first.message } : {}),
      api: { validateStateMachineDefinition: apiResponse(response) },
    }) as ActualRun;
  }

  let stateMachineArn: string;
  try {
    const created = await client.send(
      new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN, type }),
    );
    stateMachineArn = created.stateMachineArn as string;
  } catch (error) {
    const { name: errorName, message } = error as Error;
    if (errorName !== 'InvalidDefinition') throw error;
    return { status: 'CREATE_FAILED', error: errorName, cause: message };
  }

  try {
    if (testCase.run.api === 'CreateStateMachine') {
      return { status: 'CREATED' };
    }
    const input = testCase.run.inputOmitted ? undefined : JSON.stringify(substitute(testCase.input, tokens));
    if (testCase.run.api === 'StartSyncExecution') {
      const response = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
      return back({
        ...outcomeOf(response),
        api: { startSyncExecution: apiResponse(response) },
      }) as ActualRun;
    }
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, input }));
    const described = await waitForEnd(client, started.executionArn as string);
    const history = await executionHistory(client, started.executionArn as string);
    return back({
      ...outcomeOf(described),
      events: history.map((event) => normaliseEvent(event as unknown as Record<string, unknown>)),
      ...(testCase.run.then === 'DescribeExecution'
        ? { api: { describeExecution: apiResponse(described) } }
        : {}),
    }) as ActualRun;
  } finally {
    await client.send(new DeleteStateMachineCommand({ stateMachineArn }));
  }
};

const describeResult = (testCase: CaseFile, comparison: Comparison, level: Level): string => {
  const passed = comparison.reached === level;
  const reached = comparison.reached ?? '--';
  const relaxed =
    comparison.relaxations.length > 0
      ? ` (relaxed: ${comparison.relaxations.length} Python error document(s))`
      : '';
  const difference = comparison.difference ? `  ${comparison.difference}` : '';
  return `${passed ? 'PASS' : 'FAIL'} ${reached} ${testCase.id} [${testCase.queryLanguage}]${relaxed}${passed ? '' : difference}`;
};

const main = async (): Promise<number> => {
  const options = parseArguments(process.argv.slice(2));
  const cases = loadCases(options);
  if (cases.length === 0) {
    console.log('conformance: 0 passed, 0 failed');
    return 0;
  }
  const services = await startServices(cases);
  let passed = 0;
  let failed = 0;
  /** Cases per API operation the case runs (`run.api`): passed and total. */
  const byOperation = new Map<string, { passed: number; total: number }>();
  try {
    for (const [index, testCase] of cases.entries()) {
      let comparison: Comparison;
      try {
        const actual = await runCase(testCase, index, services);
        comparison = compareRun(testCase.expected, actual, options.level);
      } catch (error) {
        comparison = {
          difference: `runner error: ${(error as Error).name}: ${(error as Error).message}`,
          relaxations: [],
        };
      }
      const counts = byOperation.get(testCase.run.api) ?? { passed: 0, total: 0 };
      counts.total++;
      if (comparison.reached === options.level) {
        passed++;
        counts.passed++;
      } else failed++;
      byOperation.set(testCase.run.api, counts);
      console.log(describeResult(testCase, comparison, options.level));
    }
  } finally {
    await stopServices(services);
  }
  console.log(`conformance: ${passed} passed, ${failed} failed`);
  const operations = [...byOperation.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log(
    `by operation: ${operations.map(([operation, c]) => `${operation} ${c.passed}/${c.total}`).join(', ')}`,
  );
  return failed === 0 ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exitCode = 2;
  },
);
