import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { globMatcher, hashSources, sourceFilterOf } from '../../src/cloud-assembly/synth';

describe("the synth cache key follows cdk.json's watch settings", () => {
  it.each([
    ['**', 'lib/a.ts', true],
    ['README.md', 'README.md', true],
    ['README.md', 'docs/README.md', true],
    ['cdk*.json', 'cdk.context.json', true],
    ['cdk*.json', 'lib/cdk.json', true],
    ['**/*.d.ts', 'lib/types.d.ts', true],
    ['**/*.d.ts', 'lib/types.ts', false],
    ['test', 'test/a.test.ts', true],
    ['test', 'lib/test.ts', false],
    ['lib/*.ts', 'lib/a.ts', true],
    ['lib/*.ts', 'lib/sub/a.ts', false],
    ['lib/**/*.ts', 'lib/sub/a.ts', true],
    ['a?.ts', 'ab.ts', true],
    ['a.b', 'axb', false],
  ])('the glob %s matches %s: %s', (glob, file, expected) => {
    expect(globMatcher(glob)(file)).toBe(expected);
  });

  it('Given a cdk.json that excludes docs and tests, when a doc changes, then the key stays; when the app changes, it moves', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synth-filter-'));
    writeFileSync(
      path.join(dir, 'cdk.json'),
      JSON.stringify({
        app: 'node app.js',
        watch: { include: ['**'], exclude: ['README.md', 'test', 'docs'] },
      }),
    );
    mkdirSync(path.join(dir, 'docs'));
    mkdirSync(path.join(dir, 'test'));
    writeFileSync(path.join(dir, 'app.js'), 'one');
    writeFileSync(path.join(dir, 'README.md'), 'one');
    writeFileSync(path.join(dir, 'docs', 'a.md'), 'one');
    const key = () => hashSources(dir, [], sourceFilterOf(dir)).digest;
    const before = key();

    writeFileSync(path.join(dir, 'README.md'), 'two');
    writeFileSync(path.join(dir, 'docs', 'a.md'), 'two');
    writeFileSync(path.join(dir, 'test', 'new.test.js'), 'two');
    expect(key()).toBe(before);

    writeFileSync(path.join(dir, 'app.js'), 'two');
    expect(key()).not.toBe(before);
    expect(Object.keys(hashSources(dir, [], sourceFilterOf(dir)).files).sort()).toEqual([
      'app.js',
      'cdk.json',
    ]);
  });

  it('Given no watch settings, every file counts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synth-filter-'));
    writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
    writeFileSync(path.join(dir, 'README.md'), 'one');
    expect(sourceFilterOf(dir)).toBeUndefined();
    expect(Object.keys(hashSources(dir).files).sort()).toEqual(['README.md', 'cdk.json']);
  });
});
