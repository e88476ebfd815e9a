/**
 * The project's own definitions (state-machines/*.asl.json and its variants), with CloudFormation's
 * placeholders filled with sample values, pass ValidateStateMachineDefinition on the local endpoint:
 * the validator CreateStateMachine runs there, called as the AWS CLI or SDK calls it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SFNClient, ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import {
  createIntegrations,
  LOCAL_AWS_CONFIG,
  type LocalIntegrations,
  type StepFunctionsService,
  startStepFunctionsService,
  substitute,
} from '@sfn-idempotency/local-runtime';
import { SAMPLE_SUBSTITUTIONS } from '../support/engine';

const FOLDER = path.join(__dirname, '../../state-machines');
const definitions = [
  ...fs.readdirSync(FOLDER).filter((file) => file.endsWith('.asl.json')),
  ...fs.readdirSync(path.join(FOLDER, 'variants')).map((file) => `variants/${file}`),
].filter((file) => file.endsWith('.asl.json'));

let integrations: LocalIntegrations;
let service: StepFunctionsService;
let sfn: SFNClient;

beforeAll(async () => {
  // Nothing runs: the services get an address nothing listens on.
  const unused = { endpoint: 'http://127.0.0.1:9', region: 'us-east-1' };
  integrations = createIntegrations({ dynamodb: unused, lambda: unused });
  service = await startStepFunctionsService({ integrations });
  sfn = new SFNClient({
    endpoint: service.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_AWS_CONFIG.credentials,
  });
});

afterAll(async () => {
  sfn?.destroy();
  await service?.stop();
  integrations?.destroy();
});

test('the project has definitions to validate', () => {
  expect(definitions).toEqual(
    expect.arrayContaining(['idempotency.asl.json', 'variants/all-options.asl.json']),
  );
});

test.each(definitions)('%s passes ValidateStateMachineDefinition', async (file) => {
  const definition = substitute(fs.readFileSync(path.join(FOLDER, file), 'utf8'), SAMPLE_SUBSTITUTIONS);
  const response = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition }));
  expect({
    result: response.result,
    diagnostics: response.diagnostics,
    truncated: response.truncated,
  }).toEqual({
    result: 'OK',
    diagnostics: [],
    truncated: false,
  });
});
