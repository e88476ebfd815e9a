/**
 * The files `npm run definitions` writes (state-machines/ and the tables of docs/behaviour.md) are
 * what the plan renders today, and every definition among them is valid: the engine that runs the
 * blueprint locally compiles it (asl-validator's schema, then every JSONata expression).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generatedFiles, PROJECT_ROOT } from '../../bin/definitions';
import { compile } from '../support/engine';

const files = generatedFiles();
const definitions = files.filter((file) => file.path.startsWith('state-machines/'));

describe('the generated files', () => {
  it.each(files.map((file) => [file.path, file]))('%s is up to date', (path, file) => {
    const onDisk = existsSync(join(PROJECT_ROOT, path)) ? readFileSync(join(PROJECT_ROOT, path), 'utf8') : '';
    if (onDisk !== file.content) throw new Error(`${path} is out of date: run npm run definitions`);
  });

  it.each(definitions.map((file) => [file.path, file]))('%s compiles on the engine', (_path, file) => {
    expect(() => compile(file.content)).not.toThrow();
  });

  it('state-machines/ holds no definition the script does not write', () => {
    const onDisk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? onDisk(join(dir, entry.name)) : [relative(PROJECT_ROOT, join(dir, entry.name))],
      );
    expect(onDisk(join(PROJECT_ROOT, 'state-machines')).sort()).toEqual(
      definitions.map((f) => f.path).sort(),
    );
  });

  it('every option variant differs from the default definition', () => {
    const [defaults, , ...variants] = definitions;
    for (const variant of variants) expect(variant.content).not.toBe(defaults?.content);
  });
});
