/**
 * Produces a cloud assembly from a CDK app offline, as the CDK CLI does: the app command runs in the
 * app folder with `CDK_OUTDIR` (where to write) and `CDK_CONTEXT_JSON` (cdk.json's and
 * cdk.context.json's context plus the CLI's defaults: path and asset metadata on, all stacks
 * bundled). No credentials are looked up, so `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION` are not set.
 * The result is cached and reused while nothing it depends on has changed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SynthError } from './errors';

export interface SynthesizeOptions {
  /**
   * What to synthesize, as the CDK CLI's `--app`: a folder holding a cloud assembly (manifest.json:
   * used as it is), a folder holding a cdk.json (its "app" runs there), or a command
   * (`npx ts-node --transpile-only bin/app.ts`, run in `cwd`; a `.js` file runs with node).
   */
  readonly app: string;
  /** The folder a command runs in and whose cdk.json gives the context. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Where synthesized assemblies are kept. @default `node_modules/.cache/sfn-local/synth` of the
   * nearest folder (from the app folder up) with a node_modules, so asset code still finds the
   * project's packages; else the OS temp folder
   */
  readonly cacheDir?: string;
  /** Synthesize even when the cached assembly is current. */
  readonly force?: boolean;
  /** Receives the app's output while it runs (default: kept, and shown only if the synth fails). */
  readonly onOutput?: (text: string) => void;
  /** Extra environment for the app process. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface SynthesizedApp {
  /** The folder holding manifest.json. */
  readonly assemblyDir: string;
  /** The app command that ran (undefined when `app` was an assembly folder). */
  readonly command?: string;
  readonly appDir: string;
  /** True when an assembly from an earlier synth (or the given folder) was used without running the app. */
  readonly reused: boolean;
  readonly durationMs: number;
  /** The hash the cache is keyed on (sources, cdk.json, command). */
  readonly key?: string;
  /** When the app ran although an earlier synth was cached: the source files added, removed or changed since. */
  readonly changedFiles?: readonly string[];
}

/** Records which files the app requires (see the file). */
const MODULE_RECORDER = path.join(__dirname, 'record-modules.cjs');

/** The files the app process recorded as required that lie outside the app folder (those inside are hashed anyway). */
function requiredOutside(modulesFile: string, appDir: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync(modulesFile, 'utf8');
    fs.rmSync(modulesFile, { force: true });
  } catch {
    return [];
  }
  const inside = path.resolve(appDir) + path.sep;
  return [...new Set(text.split('\n').filter((file) => file !== '' && !file.startsWith(inside)))].sort();
}

/** Content hashes of the given files (a missing file hashes as 'missing', so its loss counts as a change). */
function hashFiles(files: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((file) => {
      try {
        return [file, createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16)];
      } catch {
        return [file, 'missing'];
      }
    }),
  );
}

/** Folders never hashed: dependencies, assemblies, version control. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'cdk.out']);

/** Which files of the app folder the synth depends on, as cdk.json's `watch` says for `cdk watch`. */
export interface SourceFilter {
  /** Globs relative to the app folder. @default ['**'] */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

/**
 * A glob of the CDK CLI's `watch` settings as a test on a relative path: `*` within one path part,
 * `**` across parts, `?` one character; a pattern without `/` matches a part at any depth (as
 * `node_modules` or `README.md`), and a match on a folder covers everything below it.
 */
export function globMatcher(glob: string): (relativePath: string) => boolean {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob.charAt(i);
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const anchored = glob.includes('/') ? `^${source}(/.*)?$` : `(^|/)${source}(/.*)?$`;
  const pattern = new RegExp(anchored);
  return (relativePath) => pattern.test(relativePath.split(path.sep).join('/'));
}

/** cdk.json's `watch` include/exclude, when the app folder has them. */
export function sourceFilterOf(appDir: string): SourceFilter | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(appDir, 'cdk.json'), 'utf8')) as {
      watch?: { include?: string | string[]; exclude?: string | string[] };
    };
    if (!config.watch) return undefined;
    const list = (value: string | string[] | undefined) =>
      value === undefined ? undefined : Array.isArray(value) ? value : [value];
    return { include: list(config.watch.include), exclude: list(config.watch.exclude) };
  } catch {
    return undefined;
  }
}

/**
 * A hash over the files under `dir` (path and content) that `filter` selects, skipping
 * `SKIPPED_FOLDERS`, `cdk.out*` and `skip`; with each file's own hash, to tell what changed.
 */
export function hashSources(
  dir: string,
  skip: readonly string[] = [],
  filter: SourceFilter = {},
): { readonly digest: string; readonly files: Readonly<Record<string, string>> } {
  const hash = createHash('sha256');
  const files: Record<string, string> = {};
  const skipped = new Set(skip.map((folder) => path.resolve(folder)));
  const included = (filter.include ?? ['**']).map(globMatcher);
  const excluded = (filter.exclude ?? []).map(globMatcher);
  const walk = (folder: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(dir, full);
      if (excluded.some((matches) => matches(relative))) continue;
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name) || entry.name.startsWith('cdk.out') || skipped.has(full))
          continue;
        walk(full);
      } else if (entry.isFile() && included.some((matches) => matches(relative))) {
        let content: Buffer | string;
        try {
          content = fs.readFileSync(full);
        } catch {
          content = 'unreadable';
        }
        const fileHash = createHash('sha256').update(content).digest('hex').slice(0, 16);
        files[relative] = fileHash;
        hash.update(relative).update('\0').update(fileHash).update('\0');
      }
    }
  };
  walk(path.resolve(dir));
  return { digest: hash.digest('hex'), files };
}

function changedBetween(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const changed = Object.keys(after).filter((file) => before[file] !== after[file]);
  const removed = Object.keys(before).filter((file) => !(file in after));
  return [...changed, ...removed].sort();
}

function readJsonIfAny(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SynthError(`${file} cannot be read as JSON: ${(error as Error).message}`);
  }
}

/** The context the CDK CLI gives an app: cdk.json's and cdk.context.json's, plus its defaults from settings. */
export function cdkContext(appDir: string): Record<string, unknown> {
  const settings = readJsonIfAny(path.join(appDir, 'cdk.json')) ?? {};
  const saved = readJsonIfAny(path.join(appDir, 'cdk.context.json')) ?? {};
  const context: Record<string, unknown> = {
    ...saved,
    ...((settings.context as Record<string, unknown> | undefined) ?? {}),
  };
  if (settings.pathMetadata !== false) context['aws:cdk:enable-path-metadata'] = true;
  // Without asset metadata a function's code folder can only be found through its S3 key.
  context['aws:cdk:enable-asset-metadata'] = true;
  if (settings.versionReporting === false) context['aws:cdk:disable-version-reporting'] = true;
  else context['aws:cdk:version-reporting'] = true;
  context['aws:cdk:bundling-stacks'] = settings.bundlingStacks ?? ['**'];
  return context;
}

function nearestCacheRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) {
      return path.join(dir, 'node_modules', '.cache', 'sfn-local', 'synth');
    }
    if (path.dirname(dir) === dir) return path.join(os.tmpdir(), 'sfn-local-synth');
  }
}

function runApp(
  command: string,
  appDir: string,
  env: NodeJS.ProcessEnv,
  onOutput: ((text: string) => void) | undefined,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd: appDir, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

interface CacheRecord {
  readonly key: string;
  readonly files?: Readonly<Record<string, string>>;
  /** Source files outside the app folder that the app required, with their hashes. */
  readonly external?: Readonly<Record<string, string>>;
  readonly command: string;
  readonly appDir: string;
  readonly durationMs: number;
  readonly at: string;
}

/** Synthesizes `app` into the cache (or reuses what is there) and says where the assembly is. */
export async function synthesizeApp(options: SynthesizeOptions): Promise<SynthesizedApp> {
  const started = Date.now();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const asFolder = path.resolve(cwd, options.app);
  let appDir = cwd;
  let command = options.app;
  if (fs.existsSync(asFolder) && fs.statSync(asFolder).isDirectory()) {
    if (fs.existsSync(path.join(asFolder, 'manifest.json'))) {
      return { assemblyDir: asFolder, appDir: asFolder, reused: true, durationMs: Date.now() - started };
    }
    const settings = readJsonIfAny(path.join(asFolder, 'cdk.json'));
    if (typeof settings?.app !== 'string') {
      throw new SynthError(
        `${asFolder} holds neither a cloud assembly (manifest.json) nor a cdk.json with an "app" command: give --app the folder of a CDK app, its cdk.out, or the command that runs the app`,
      );
    }
    appDir = asFolder;
    command = settings.app;
  }
  if (/\.js$/.test(command.trim()) && !/\s/.test(command.trim())) command = `node ${command.trim()}`;

  const cacheRoot = path.resolve(options.cacheDir ?? nearestCacheRoot(appDir));
  const slot = path.join(
    cacheRoot,
    createHash('sha256').update(`${appDir}\0${command}`).digest('hex').slice(0, 16),
  );
  const assemblyDir = path.join(slot, 'assembly');
  const recordFile = path.join(slot, 'synth.json');
  // cdk.json itself is part of the key below, so excluding it from the watch list changes nothing.
  const sources = hashSources(appDir, [cacheRoot], sourceFilterOf(appDir));
  const key = createHash('sha256')
    .update(command)
    .update('\0')
    .update(
      fs.existsSync(path.join(appDir, 'cdk.json')) ? fs.readFileSync(path.join(appDir, 'cdk.json')) : '',
    )
    .update('\0')
    .update(sources.digest)
    .digest('hex');

  const record = readJsonIfAny(recordFile) as CacheRecord | undefined;
  const externalNow = hashFiles(Object.keys(record?.external ?? {}));
  if (
    !options.force &&
    record?.key === key &&
    changedBetween(record.external ?? {}, externalNow).length === 0 &&
    fs.existsSync(path.join(assemblyDir, 'manifest.json'))
  ) {
    return { assemblyDir, command, appDir, reused: true, durationMs: Date.now() - started, key };
  }

  // Written to a fresh folder first, so a failed or concurrent synth never leaves half an assembly behind.
  fs.mkdirSync(slot, { recursive: true });
  const outDir = fs.mkdtempSync(path.join(slot, 'assembly-'));
  const modulesFile = `${outDir}.modules`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    CDK_OUTDIR: outDir,
    CDK_CONTEXT_JSON: JSON.stringify(cdkContext(appDir)),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(MODULE_RECORDER)}`.trim(),
    SFN_LOCAL_MODULES_FILE: modulesFile,
  };
  let result: Awaited<ReturnType<typeof runApp>>;
  try {
    result = await runApp(command, appDir, env, options.onOutput);
  } catch (error) {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(modulesFile, { force: true });
    throw new SynthError(
      `the app command \`${command}\` could not be started in ${appDir}: ${(error as Error).message}`,
    );
  }
  if (result.code !== 0 || !fs.existsSync(path.join(outDir, 'manifest.json'))) {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(modulesFile, { force: true });
    const how =
      result.code !== 0 ? `exited with ${result.signal ?? `code ${result.code}`}` : 'wrote no manifest.json';
    throw new SynthError(
      `the app \`${command}\` (in ${appDir}) ${how}; its output ends with:\n${result.output.trim().split('\n').slice(-30).join('\n')}`,
    );
  }
  fs.rmSync(assemblyDir, { recursive: true, force: true });
  try {
    fs.renameSync(outDir, assemblyDir);
  } catch (error) {
    // Another synth of the same app (a parallel test worker) finished first: its assembly is as good.
    fs.rmSync(outDir, { recursive: true, force: true });
    if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) throw error;
  }
  const external = hashFiles(requiredOutside(modulesFile, appDir));
  const durationMs = Date.now() - started;
  fs.writeFileSync(
    recordFile,
    JSON.stringify(
      {
        key,
        command,
        appDir,
        durationMs,
        at: new Date().toISOString(),
        files: sources.files,
        external,
      } satisfies CacheRecord,
      null,
      2,
    ),
  );
  const changedFiles = record?.files
    ? [...changedBetween(record.files, sources.files), ...changedBetween(record.external ?? {}, externalNow)]
    : undefined;
  return {
    assemblyDir,
    command,
    appDir,
    reused: false,
    durationMs,
    key,
    ...(changedFiles ? { changedFiles } : {}),
  };
}
