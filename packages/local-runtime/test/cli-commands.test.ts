import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const packageRoot = path.join(__dirname, '..');

/** Runs the package's own CLI (bin/sfn-local.ts) to its end. */
function sfnLocal(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'bin/sfn-local.ts', ...args],
      { cwd: packageRoot, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function definitionFile(definition: object): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sfn-local-')), 'machine.asl.json');
  writeFileSync(file, JSON.stringify(definition));
  return file;
}

describe('sfn-local, the runtime on its own', () => {
  it('Given a JSONata definition, when it is run once, then the history and output are printed and it exits 0', async () => {
    const file = definitionFile({
      QueryLanguage: 'JSONata',
      StartAt: 'Greet',
      States: {
        Greet: { Type: 'Pass', Output: "{% {'greeting': 'hello ' & $states.input.name} %}", End: true },
      },
    });

    const { code, stdout } = await sfnLocal(['run', file, '--input', '{"name":"you"}']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/PassStateEntered Greet/);
    expect(stdout).toMatch(/Status SUCCEEDED/);
    expect(stdout).toMatch(/Output \{"greeting":"hello you"\}/);
  });

  it('Given a definition that fails, when it is run, then the error is printed and it exits 1', async () => {
    const file = definitionFile({
      QueryLanguage: 'JSONata',
      StartAt: 'Refuse',
      States: { Refuse: { Type: 'Fail', Error: 'Demo.Refused', Cause: 'no' } },
    });

    const { code, stdout } = await sfnLocal(['run', file]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/Status FAILED/);
    expect(stdout).toMatch(/Error {2}Demo\.Refused/);
  });

  it('Given the demo command, when the runtime runs on its own, then it is a usage error (exit 2): the demo belongs to a project', async () => {
    const { code, stderr } = await sfnLocal(['demo']);

    expect(code).toBe(2);
    expect(stderr).toMatch(/this CLI has no demo/);
  });
});
