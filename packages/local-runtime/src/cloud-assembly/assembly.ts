/**
 * Reads a cloud assembly as `cdk synth` writes it: manifest.json, every `aws:cloudformation:stack`
 * artifact with its template, the templates of its nested stacks (`AWS::CloudFormation::Stack`
 * resources, `*.nested.template.json`), the nested assemblies of CDK Stages (`cdk:cloud-assembly`),
 * and the file assets their asset manifests list (so code and definitions referred to by S3 key are
 * found).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudAssemblyNotFoundError } from './errors';

/** A resource of a CloudFormation template, properties unresolved. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
  readonly DependsOn?: string | readonly string[];
}

export interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

export interface CfnOutput {
  readonly Value: unknown;
  readonly Description?: string;
  readonly Export?: { readonly Name: unknown };
  readonly Condition?: string;
}

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, CfnParameter>>;
  readonly Outputs?: Readonly<Record<string, CfnOutput>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** One `aws:cloudformation:stack` artifact. */
export interface StackArtifact {
  /** The artifact id in its manifest (for a stack in a Stage, e.g. `MyStageMyStackA1B2C3D4`). */
  readonly artifactId: string;
  /** The CloudFormation stack name (`properties.stackName`, else the artifact id). */
  readonly stackName: string;
  readonly displayName: string;
  /** The folder of the (possibly nested) assembly holding the template: asset paths are relative to it. */
  readonly assemblyDir: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
  /** Artifact ids of the stacks this one depends on (its `dependencies`, stacks only). */
  readonly dependencies: readonly string[];
  /** `aws://<account>/<region>`, `unknown-account`/`unknown-region` when environment-agnostic. */
  readonly environment?: string;
  /** The nested stacks of its template (`AWS::CloudFormation::Stack` resources), in template order. */
  readonly nestedStacks?: readonly NestedStackArtifact[];
}

/**
 * A nested stack: an `AWS::CloudFormation::Stack` resource of a template, with the template it
 * creates when the assembly holds it (a CDK `NestedStack` writes `<id>.nested.template.json` next
 * to its parent's and names it in the resource's `aws:asset:path` metadata and in the asset manifest).
 */
export interface NestedStackArtifact {
  /** The logical id of the `AWS::CloudFormation::Stack` resource in the parent template. */
  readonly logicalId: string;
  readonly templateFile?: string;
  /** Absent when the assembly does not hold the template; `missing` says why. */
  readonly template?: CfnTemplate;
  readonly missing?: string;
  /** Its own nested stacks. */
  readonly nestedStacks: readonly NestedStackArtifact[];
}

/** A file asset of an asset manifest: where it would go in S3, where it is here. */
export interface FileAsset {
  readonly objectKey: string;
  /** Absolute path of the file or folder in the assembly. */
  readonly path: string;
  readonly packaging: 'file' | 'zip' | string;
}

export interface CloudAssembly {
  /** The top-level assembly folder. */
  readonly dir: string;
  readonly version: string;
  /** Every stack, nested Stage assemblies included, dependencies before dependents. */
  readonly stacks: readonly StackArtifact[];
  /** File assets by S3 object key. */
  readonly assets: ReadonlyMap<string, FileAsset>;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly dependencies?: readonly string[];
  readonly displayName?: string;
}

interface Manifest {
  readonly version: string;
  readonly artifacts?: Readonly<Record<string, ManifestArtifact>>;
}

function readJson<T>(file: string, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CloudAssemblyNotFoundError(
      missing
        ? `${what} ${file} does not exist: give a folder \`cdk synth\` wrote (cdk.out), or the app itself with --app`
        : `${what} ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CloudAssemblyNotFoundError(`${what} ${file} is not JSON: ${(error as Error).message}`);
  }
}

function readAssets(dir: string, file: string, into: Map<string, FileAsset>): void {
  const manifest = readJson<{
    files?: Record<
      string,
      {
        source?: { path?: string; packaging?: string };
        destinations?: Record<string, { objectKey?: string }>;
      }
    >;
  }>(path.join(dir, file), 'the asset manifest');
  for (const asset of Object.values(manifest.files ?? {})) {
    if (!asset.source?.path) continue;
    for (const destination of Object.values(asset.destinations ?? {})) {
      if (!destination.objectKey) continue;
      into.set(destination.objectKey, {
        objectKey: destination.objectKey,
        path: path.resolve(dir, asset.source.path),
        packaging: asset.source.packaging ?? 'file',
      });
    }
  }
}

/** Orders stacks so that every stack comes after the stacks it depends on (manifest order otherwise). */
function dependencyOrder(stacks: StackArtifact[]): StackArtifact[] {
  const byId = new Map(stacks.map((stack) => [stack.artifactId, stack]));
  const ordered: StackArtifact[] = [];
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (stack: StackArtifact): void => {
    if (done.has(stack.artifactId) || visiting.has(stack.artifactId)) return;
    visiting.add(stack.artifactId);
    for (const id of stack.dependencies) {
      const dependency = byId.get(id);
      if (dependency) visit(dependency);
    }
    visiting.delete(stack.artifactId);
    done.add(stack.artifactId);
    ordered.push(stack);
  };
  for (const stack of stacks) visit(stack);
  return ordered;
}

/** Every string in a raw (unresolved) template value, e.g. the pieces of an Fn::Join. */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) stringsIn(item, into);
  return into;
}

/** CloudFormation allows nested stacks within nested stacks; this is deeper than any app goes. */
const MAX_NESTING = 10;

/**
 * The nested stacks of `template`: each `AWS::CloudFormation::Stack` resource's template, found
 * through its `aws:asset:path` metadata (relative to the assembly folder), else through the asset
 * whose S3 object key its `TemplateURL` ends with.
 */
function readNestedStacks(
  dir: string,
  template: CfnTemplate,
  assets: ReadonlyMap<string, FileAsset>,
  depth: number,
): NestedStackArtifact[] {
  const nested: NestedStackArtifact[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const metadataPath = resource.Metadata?.['aws:asset:path'];
    const url = resource.Properties?.TemplateURL;
    let templateFile: string | undefined;
    if (typeof metadataPath === 'string') {
      templateFile = path.resolve(dir, metadataPath);
    } else {
      const pieces = stringsIn(url);
      const asset = [...assets.values()].find((candidate) =>
        pieces.some((piece) => piece === candidate.objectKey || piece.endsWith(`/${candidate.objectKey}`)),
      );
      templateFile = asset?.path;
    }
    if (templateFile === undefined) {
      nested.push({
        logicalId,
        missing: `its TemplateURL (${typeof url === 'string' ? url : JSON.stringify(url)}) is no template of the assembly: only nested stacks the CDK app synthesizes (NestedStack, CfnInclude's loadNestedStack) deploy locally`,
        nestedStacks: [],
      });
      continue;
    }
    if (!fs.existsSync(templateFile)) {
      nested.push({
        logicalId,
        templateFile,
        missing: `its template ${templateFile} does not exist: run cdk synth again (or start with --app so the app is synthesized)`,
        nestedStacks: [],
      });
      continue;
    }
    try {
      const nestedTemplate = readJson<CfnTemplate>(templateFile, `the template of nested stack ${logicalId}`);
      nested.push({
        logicalId,
        templateFile,
        template: nestedTemplate,
        nestedStacks: depth < MAX_NESTING ? readNestedStacks(dir, nestedTemplate, assets, depth + 1) : [],
      });
    } catch (error) {
      nested.push({ logicalId, templateFile, missing: (error as Error).message, nestedStacks: [] });
    }
  }
  return nested;
}

function readAssemblyDir(
  dir: string,
  assets: Map<string, FileAsset>,
  depth: number,
): { version: string; stacks: StackArtifact[] } {
  const manifest = readJson<Manifest>(path.join(dir, 'manifest.json'), 'the cloud assembly manifest');
  if (typeof manifest.version !== 'string' || typeof manifest.artifacts !== 'object') {
    throw new CloudAssemblyNotFoundError(
      `${path.join(dir, 'manifest.json')} is not a cloud assembly manifest (no version and artifacts): give the folder \`cdk synth\` wrote`,
    );
  }
  const stacks: StackArtifact[] = [];
  const nested: StackArtifact[] = [];
  const artifacts = manifest.artifacts ?? {};
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    const properties = artifact.properties ?? {};
    if (artifact.type === 'cdk:asset-manifest' && typeof properties.file === 'string') {
      readAssets(dir, properties.file, assets);
    } else if (artifact.type === 'aws:cloudformation:stack') {
      const templateFile = path.join(dir, String(properties.templateFile ?? `${artifactId}.template.json`));
      stacks.push({
        artifactId,
        stackName: typeof properties.stackName === 'string' ? properties.stackName : artifactId,
        displayName: artifact.displayName ?? artifactId,
        assemblyDir: dir,
        templateFile,
        template: readJson<CfnTemplate>(templateFile, `the template of stack ${artifactId}`),
        dependencies: (artifact.dependencies ?? []).filter(
          (id) => artifacts[id]?.type === 'aws:cloudformation:stack',
        ),
        environment: artifact.environment,
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
      if (depth > 10) continue;
      nested.push(...readAssemblyDir(path.join(dir, properties.directoryName), assets, depth + 1).stacks);
    }
  }
  const withNested = stacks.map((stack) => ({
    ...stack,
    nestedStacks: readNestedStacks(dir, stack.template, assets, 0),
  }));
  return { version: manifest.version, stacks: [...dependencyOrder(withNested), ...nested] };
}

/** Reads the assembly in `dir` (the folder holding manifest.json), nested Stage assemblies included. */
export function readCloudAssembly(dir: string): CloudAssembly {
  const absolute = path.resolve(dir);
  const assets = new Map<string, FileAsset>();
  const { version, stacks } = readAssemblyDir(absolute, assets, 0);
  return { dir: absolute, version, stacks, assets };
}
