/**
 * The CLI's --app: the argument rules, and `run --app` end to end on the fixture app (the package's
 * own bin, as a user runs it). Needs Java 17+.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { DEFAULT_CONSOLE_PORT, DEFAULT_PORT, parseCommand, UsageError } from '../../src/cli';
import { chooseStateMachine } from '../../src/cli-commands';
import type { CloudAssemblyDeployment } from '../../src/cloud-assembly/report';
import { FIXTURE_APP, synthesizeFixture } from './fixture';

const packageRoot = path.join(__dirname, '..', '..');

describe('--app on the command line', () => {
  it('is taken by serve, demo and run, as the CDK CLI takes it', () => {
    expect(parseCommand(['serve', '--app', 'npx ts-node bin/app.ts'])).toEqual({
      kind: 'serve',
      port: DEFAULT_PORT,
      app: 'npx ts-node bin/app.ts',
      console: { port: DEFAULT_CONSOLE_PORT },
    });
    expect(parseCommand(['demo', '--app', 'cdk.out'])).toMatchObject({ kind: 'demo', app: 'cdk.out' });
    expect(parseCommand(['run', '--app', '.', '--state-machine', 'orders', '--input', '{"a":1}'])).toEqual({
      kind: 'run',
      port: 0,
      input: '{"a":1}',
      functions: [],
      app: '.',
      stateMachine: 'orders',
    });
  });

  it('rejects an empty --app, --state-machine without run --app, and bad --input', () => {
    expect(() => parseCommand(['serve', '--app', ''])).toThrow(UsageError);
    expect(() => parseCommand(['serve', '--state-machine', 'x'])).toThrow(/use it with run --app/);
    expect(() => parseCommand(['run', '--app', '.', '--input', '{'])).toThrow(/--input must be JSON/);
    expect(() => parseCommand(['run'])).toThrow(
      /run needs a definition file, e\.g\. my-machine\.asl\.json \(or --app/,
    );
  });

  it('chooses the state machine named (name, logical id, stack/logical id), or the only one', () => {
    const machine = (name: string, logicalId: string) => ({
      stackName: 'S',
      logicalId,
      name,
      type: 'STANDARD' as const,
      arn: `arn:${name}`,
      queryLanguage: 'JSONata',
    });
    const deployment = {
      stateMachines: [machine('a-1', 'A'), machine('b-1', 'B')],
    } as unknown as CloudAssemblyDeployment;
    expect(chooseStateMachine(deployment, 'b-1').arn).toBe('arn:b-1');
    expect(chooseStateMachine(deployment, 'A').arn).toBe('arn:a-1');
    expect(chooseStateMachine(deployment, 'S/B').arn).toBe('arn:b-1');
    expect(() => chooseStateMachine(deployment, undefined)).toThrow(
      /has 2 state machines .*choose one with --state-machine/,
    );
    expect(() => chooseStateMachine(deployment, 'zz')).toThrow(
      /no state machine "zz"; it has a-1 \(S\/A\), b-1 \(S\/B\)/,
    );
    const single = { stateMachines: [machine('a-1', 'A')] } as unknown as CloudAssemblyDeployment;
    expect(chooseStateMachine(single, undefined).arn).toBe('arn:a-1');
  });

  it('run --app deploys the app and runs the state machine chosen (an EXPRESS one synchronously), printing its result', async () => {
    const { assemblyDir } = await synthesizeFixture();
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          'bin/sfn-local.ts',
          'run',
          '--app',
          assemblyDir,
          '--state-machine',
          'fixture-express',
          '--input',
          '{"id":3,"kind":"cli"}',
        ],
        { cwd: packageRoot, timeout: 90_000 },
        (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      );
    });
    expect(stdout).toMatch(/Cloud assembly /);
    expect(stdout).toMatch(/Deployed 5 state machines, 5 functions, 4 tables, 7 rules in/);
    expect(stdout).toMatch(/problem: UnsupportedRuntimeError: FixtureStack\/PythonFn/);
    expect(stdout).toMatch(/UnsupportedIntegrationError: FixtureStack\/Notifier/);
    expect(stdout).toMatch(/warning: LayersNotSupportedError: FixtureStack\/Layered/);
    expect(stdout).toMatch(/EXPRESS: run with StartSyncExecution/);
    expect(stdout).toMatch(/Status SUCCEEDED/);
    expect(stdout).toMatch(/Output \{"id":3,"kind":"cli"\}/);
    expect(code).toBe(0);
  }, 120_000);

  it('the fixture app folder is what --app takes too (its cdk.json)', () => {
    expect(parseCommand(['serve', '--app', FIXTURE_APP, '--port', '0'])).toMatchObject({
      app: FIXTURE_APP,
      port: 0,
    });
  });
});
