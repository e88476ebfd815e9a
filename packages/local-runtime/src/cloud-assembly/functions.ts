/**
 * `AWS::Lambda::Function` → a local Lambda function: the code from the assembly (the asset folder
 * named by `aws:asset:path`, an asset found by its S3 key, or inline `ZipFile` code), `Handler` as
 * the Node.js runtime reads it (`index.handler` → `<code>/index.js#handler`, also `.mjs`/`.cjs` and
 * `src/app.handler`), `Timeout`, `MemorySize` and `Environment.Variables`. Only `nodejs*` runtimes run.
 * A function that runs with a difference (its layers are not loaded, a variable has no local value
 * and is left out) is deployed, and the plan carries a warning for each difference.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MEMORY_SIZE, DEFAULT_TIMEOUT_SECONDS, type LocalFunctionConfig } from '../lambda';
import type { CloudAssembly } from './assembly';
import {
  AssetNotFoundError,
  type CloudAssemblyError,
  HandlerNotFoundError,
  LayersNotSupportedError,
  UnresolvableIntrinsicError,
  UnsupportedRuntimeError,
} from './errors';
import { isIntrinsic } from './intrinsics';
import type { StackModel } from './model';

export interface FunctionPlan {
  readonly name: string;
  readonly runtime: string;
  readonly config: LocalFunctionConfig;
  /** How the local function differs from the deployed one (layers, variables left out); it still runs. */
  readonly warnings: readonly CloudAssemblyError[];
}

/** The extensions the Node.js runtime tries for a handler module, in its order. */
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/**
 * Splits a Node.js `Handler` setting as the runtime does: the module is everything up to the first
 * `.` after the last `/`, the export the rest (`src/app.handler` → `src/app`, `handler`).
 */
export function splitHandler(handler: string): { module: string; exportName: string } | undefined {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) return undefined;
  return { module: handler.slice(0, dot), exportName: handler.slice(dot + 1) };
}

function inlineCodeFolder(stack: StackModel, logicalId: string, code: string): string {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  // Inside the assembly when it can be written, so inline code resolves the project's packages too.
  for (const root of [
    path.join(stack.artifact.assemblyDir, '.sfn-local-inline'),
    path.join(os.tmpdir(), 'sfn-local-inline'),
  ]) {
    const folder = path.join(root, `${stack.stackName}-${logicalId}-${hash}`);
    try {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'index.js'), code);
      return folder;
    } catch {
      // read-only assembly: try the next place
    }
  }
  throw new AssetNotFoundError(
    'its inline code could not be written to a folder',
    stack.at(logicalId, 'Code.ZipFile'),
  );
}

/** The folder holding the function's code. */
function codeFolder(stack: StackModel, logicalId: string, assembly: CloudAssembly): string {
  const metadataPath = stack.resource(logicalId).Metadata?.['aws:asset:path'];
  const code = (stack.resource(logicalId).Properties?.Code ?? {}) as Record<string, unknown>;
  let folder: string | undefined;
  let source: string;
  if (typeof metadataPath === 'string') {
    folder = path.resolve(stack.artifact.assemblyDir, metadataPath);
    source = `its asset folder ${folder} (Metadata aws:asset:path)`;
  } else if (typeof code.ZipFile === 'string' || (code.ZipFile && typeof code.ZipFile === 'object')) {
    const text = stack.property(logicalId, 'Code') as { ZipFile: string };
    return inlineCodeFolder(stack, logicalId, String(text.ZipFile));
  } else if (code.S3Key !== undefined) {
    const key = String((stack.property(logicalId, 'Code') as { S3Key: unknown }).S3Key);
    const asset = assembly.assets.get(key);
    if (!asset) {
      throw new AssetNotFoundError(
        `its code is the S3 object ${key}, which no asset manifest of the assembly provides: only code the CDK app packages as an asset (lambda.Code.fromAsset, NodejsFunction) or inline code runs locally`,
        stack.at(logicalId, 'Code'),
      );
    }
    folder = asset.path;
    source = `its asset ${asset.path} (S3 key ${key})`;
  } else {
    throw new AssetNotFoundError(
      `its code is neither an asset of the assembly nor inline (${Object.keys(code).join(', ') || 'no Code'}): ImageUri and other code sources do not run locally`,
      stack.at(logicalId, 'Code'),
    );
  }
  if (!fs.existsSync(folder)) {
    throw new AssetNotFoundError(
      `${source} does not exist: run cdk synth again (or start with --app so the app is synthesized)`,
      stack.at(logicalId, 'Code'),
    );
  }
  if (!fs.statSync(folder).isDirectory()) {
    throw new AssetNotFoundError(
      `${source} is a file (a prebuilt .zip?); the local Lambda needs the code as a folder: give the CDK app a folder (lambda.Code.fromAsset(dir)) instead`,
      stack.at(logicalId, 'Code'),
    );
  }
  return folder;
}

/** How a `Layers` entry reads in a message: the layer's logical id, or its ARN. */
function describeLayer(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (isIntrinsic(raw)) {
    const [name, argument] = Object.entries(raw)[0] as [string, unknown];
    if (name === 'Ref') return String(argument);
    if (name === 'Fn::GetAtt') return Array.isArray(argument) ? String(argument[0]) : String(argument);
  }
  return JSON.stringify(raw);
}

/** The layers warning, or undefined for a function without layers. */
function layersWarning(
  stack: StackModel,
  logicalId: string,
  name: string,
): LayersNotSupportedError | undefined {
  const raw = stack.resource(logicalId).Properties?.Layers;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const layers = raw.map(describeLayer);
  return new LayersNotSupportedError(
    `${layers.length === 1 ? 'its layer' : `its ${layers.length} layers`} (${layers.join(', ')}) ${layers.length === 1 ? 'is' : 'are'} not loaded by the local Lambda: ${name} is deployed and runs without ${layers.length === 1 ? 'it' : 'them'}, so a require or import of what a layer provides (/opt/nodejs/…, a package only a layer has) fails when it is invoked. ` +
      `Bundle what the layer provides into the function's code (NodejsFunction bundles its dependencies), or test this function on AWS`,
    stack.at(logicalId, 'Layers'),
  );
}

/**
 * `Environment.Variables`, each variable resolved on its own: one without a local value (an SSM
 * parameter, an attribute of a type not emulated) is left out with a warning naming it, and the
 * function keeps the others.
 */
function environmentVariables(
  stack: StackModel,
  logicalId: string,
  name: string,
  warnings: CloudAssemblyError[],
): Record<string, string> {
  const leftOut = (error: unknown, variables: string): void => {
    if (!(error instanceof UnresolvableIntrinsicError)) throw error;
    warnings.push(
      new UnresolvableIntrinsicError(
        `${name} is deployed without ${variables} (its handler reads undefined there): ${error.reason}`,
        error.location ?? stack.at(logicalId, 'Environment'),
      ),
    );
  };
  const environment = stack.resource(logicalId).Properties?.Environment;
  if (environment === undefined) return {};
  // The whole block, or its Variables, computed by an intrinsic (Fn::If): all or nothing.
  const rawVariables = isIntrinsic(environment)
    ? undefined
    : (environment as { Variables?: unknown }).Variables;
  if (isIntrinsic(environment) || isIntrinsic(rawVariables)) {
    try {
      const resolved = stack.property(logicalId, 'Environment') as
        | { Variables?: Record<string, unknown> }
        | undefined;
      return Object.fromEntries(
        Object.entries(resolved?.Variables ?? {}).map(([key, value]) => [key, String(value)]),
      );
    } catch (error) {
      leftOut(error, 'any of its variables');
      return {};
    }
  }
  const result: Record<string, string> = {};
  for (const [key, raw] of Object.entries((rawVariables ?? {}) as Record<string, unknown>)) {
    try {
      const [value] = stack.value([raw], stack.at(logicalId, `Environment.Variables.${key}`)) as unknown[];
      if (value !== undefined) result[key] = typeof value === 'string' ? value : String(value);
    } catch (error) {
      leftOut(error, `the variable ${key}`);
    }
  }
  return result;
}

function number(value: unknown, fallback: number): number {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) ? fallback : n;
}

/**
 * The local function for a template's `AWS::Lambda::Function`. `environment` is added below the
 * template's own variables (the template's win).
 */
export function functionFrom(
  stack: StackModel,
  logicalId: string,
  assembly: CloudAssembly,
  environment: Readonly<Record<string, string>> = {},
): FunctionPlan {
  const name = stack.physicalName(logicalId);
  const packageType = stack.property(logicalId, 'PackageType');
  const runtime = stack.property(logicalId, 'Runtime');
  if (packageType === 'Image' || typeof runtime !== 'string' || !runtime.startsWith('nodejs')) {
    throw new UnsupportedRuntimeError(
      `${packageType === 'Image' ? 'a container image function' : `runtime ${String(runtime)}`} cannot run locally: the local Lambda runs Node.js handlers (nodejs* runtimes) only. ` +
        `Invocations of ${name} fail with Lambda's ResourceNotFoundException, as for a function that does not exist; test this function on AWS, or write it for Node.js`,
      stack.at(logicalId, packageType === 'Image' ? 'PackageType' : 'Runtime'),
    );
  }
  const folder = codeFolder(stack, logicalId, assembly);
  const handler = String(stack.property(logicalId, 'Handler') ?? '');
  const split = splitHandler(handler);
  if (!split || split.exportName.includes('.')) {
    throw new HandlerNotFoundError(
      `Handler ${JSON.stringify(handler)} is not of the form module.export (e.g. index.handler, src/app.handler)`,
      stack.at(logicalId, 'Handler'),
    );
  }
  const file = MODULE_EXTENSIONS.map((ext) => path.join(folder, `${split.module}${ext}`)).find((candidate) =>
    fs.existsSync(candidate),
  );
  if (!file) {
    throw new HandlerNotFoundError(
      `Handler ${handler}: no ${split.module}.js, .mjs or .cjs in ${folder}; check the Handler property against the code the app packages`,
      stack.at(logicalId, 'Handler'),
    );
  }
  const warnings: CloudAssemblyError[] = [];
  const layers = layersWarning(stack, logicalId, name);
  if (layers) warnings.push(layers);
  const variables = environmentVariables(stack, logicalId, name, warnings);
  return {
    name,
    runtime,
    config: {
      handler: `${file}#${split.exportName}`,
      timeoutSeconds: number(stack.property(logicalId, 'Timeout'), DEFAULT_TIMEOUT_SECONDS),
      memorySize: number(stack.property(logicalId, 'MemorySize'), DEFAULT_MEMORY_SIZE),
      environment: { ...environment, ...variables },
    },
    warnings,
  };
}
