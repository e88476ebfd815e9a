/**
 * The assembly as the deployer sees it: per stack, an intrinsic resolver wired to the stack's
 * resources (their physical names, Ref and GetAtt values), to its nested stacks (their outputs,
 * the parameters passed to them) and to the exports of every stack of the assembly
 * (Fn::ImportValue). Values are resolved on demand, property by property, so a property the local
 * runtime ignores (a role ARN, a log destination) is never resolved and cannot fail.
 */
import { createHash } from 'node:crypto';
import type { CfnResource, CloudAssembly, NestedStackArtifact, StackArtifact } from './assembly';
import { type ResourceLocation, UnresolvableIntrinsicError } from './errors';
import { IntrinsicResolver, referencesIn } from './intrinsics';
import { generatedName, NAMING_RULES } from './names';
import { RESOURCE_MODELS, type ResourceFacts } from './resource-types';

/** Where the local services pretend to live. */
export interface LocalEnvironment {
  readonly region: string;
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
}

/** The account and region a stack artifact is pinned to (`aws://<account>/<region>`), the concrete parts only. */
export interface PinnedEnvironment {
  readonly account?: string;
  readonly region?: string;
}

/** The concrete parts of a manifest `environment`; undefined for an environment-agnostic stack. */
export function pinnedEnvironment(environment: string | undefined): PinnedEnvironment | undefined {
  const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(environment ?? '');
  if (!match) return undefined;
  const account = match[1] === 'unknown-account' ? undefined : match[1];
  const region = match[2] === 'unknown-region' ? undefined : match[2];
  if (account === undefined && region === undefined) return undefined;
  return { ...(account !== undefined ? { account } : {}), ...(region !== undefined ? { region } : {}) };
}

/** `arn:<partition>:<service>:<region>:<account>:` */
const ARN_PREFIX = /\barn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):([0-9]{12}|aws|):/g;

/**
 * Rewrites, in every string of `value`, the region and account of ARNs that are the pinned ones to
 * the local ones: CDK writes a pinned stack's own region and account literally (`formatArn`, an
 * imported resource by name), while Ref, GetAtt and the pseudo parameters give the local ones.
 */
export function localizeArns(
  value: unknown,
  pinned: PinnedEnvironment,
  local: Pick<LocalEnvironment, 'region' | 'accountId'>,
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      ARN_PREFIX,
      (whole, partition: string, service: string, region: string, account: string) => {
        const newRegion = region !== '' && region === pinned.region ? local.region : region;
        const newAccount = account !== '' && account === pinned.account ? local.accountId : account;
        return newRegion === region && newAccount === account
          ? whole
          : `arn:${partition}:${service}:${newRegion}:${newAccount}:`;
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => localizeArns(item, pinned, local));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, localizeArns(item, pinned, local)]),
    );
  }
  return value;
}

/** A resource that refers to another one of its template, and where: `Targets.0.DeadLetterConfig.Arn`. */
export interface Referrer {
  readonly logicalId: string;
  readonly type: string;
  readonly path: string;
}

/** A nested stack's place: the parent stack and the logical id of its `AWS::CloudFormation::Stack` resource. */
export interface NestedIn {
  readonly stack: StackModel;
  readonly logicalId: string;
}

function stackIdOf(name: string, environment: Required<LocalEnvironment>): string {
  const hash = createHash('sha256').update(name).digest('hex');
  return `arn:${environment.partition}:cloudformation:${environment.region}:${environment.accountId}:stack/${name}/${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
}

export class StackModel {
  readonly resolver: IntrinsicResolver;
  /** Values known once a resource is deployed (a table's stream label), by logical id. */
  readonly deployed = new Map<string, Map<string, string>>();
  /** Its nested stacks whose template the assembly holds, by the logical id of their resource. */
  readonly nestedStacks = new Map<string, StackModel>();
  /** Why the template of a nested stack is not there, by the logical id of its resource. */
  readonly missingNestedStacks = new Map<string, string>();
  /** The account and region the stack (or its root stack) is pinned to, when not the local ones. */
  readonly pinned?: PinnedEnvironment;
  private readonly names = new Map<string, string>();
  private readonly naming = new Set<string>();
  private readonly resolvingOutputs = new Set<string>();
  private referenceIndex?: Map<string, Referrer[]>;

  constructor(
    readonly artifact: StackArtifact,
    private readonly assembly: AssemblyModel,
    readonly environment: Required<LocalEnvironment>,
    parameters: Readonly<Record<string, string>> | undefined,
    /** Set for a nested stack: its parent, whose resource passes its parameters. */
    readonly nestedIn?: NestedIn,
  ) {
    const pinned = pinnedEnvironment(artifact.environment);
    if (
      pinned &&
      ((pinned.account !== undefined && pinned.account !== environment.accountId) ||
        (pinned.region !== undefined && pinned.region !== environment.region))
    ) {
      this.pinned = pinned;
    }
    this.resolver = new IntrinsicResolver({
      stackName: artifact.stackName,
      stackId: stackIdOf(artifact.stackName, environment),
      ...environment,
      template: artifact.template,
      parameters,
      ...(nestedIn
        ? { passedParameter: (name: string) => nestedIn.stack.passedParameter(nestedIn.logicalId, name) }
        : {}),
      ref: (logicalId, at) => this.ref(logicalId, at),
      getAtt: (logicalId, attribute, at) => this.getAtt(logicalId, attribute, at),
      importValue: (name, at) => this.assembly.importValue(name, at),
    });
  }

  get stackName(): string {
    return this.artifact.stackName;
  }

  /** The top-level stack this one is nested in (itself when it is not nested). */
  get root(): StackModel {
    return this.nestedIn ? this.nestedIn.stack.root : this;
  }

  /** `value` resolved in this stack, with the ARNs of a pinned account and region made local ones. */
  value(raw: unknown, at: ResourceLocation): unknown {
    const resolved = this.resolver.resolve(raw, at);
    return this.pinned ? localizeArns(resolved, this.pinned, this.environment) : resolved;
  }

  /**
   * The value this stack passes to parameter `name` of its nested stack `logicalId` (the resource's
   * `Parameters`, resolved here); undefined when it passes none. A list is passed comma-separated,
   * as CloudFormation passes a CommaDelimitedList.
   */
  passedParameter(logicalId: string, name: string): string | undefined {
    const raw = (this.resource(logicalId).Properties?.Parameters as Record<string, unknown> | undefined)?.[
      name
    ];
    if (raw === undefined) return undefined;
    const value = this.value(raw, this.at(logicalId, `Parameters.${name}`));
    if (Array.isArray(value)) return value.map(String).join(',');
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** Output `name` of this stack, resolved (for a parent's `Fn::GetAtt [Nested, Outputs.<name>]`). */
  output(name: string, at: ResourceLocation): unknown {
    const output = this.artifact.template.Outputs?.[name];
    if (!output) {
      const known = Object.keys(this.artifact.template.Outputs ?? {}).join(', ') || 'none';
      throw new UnresolvableIntrinsicError(
        `the nested stack ${this.stackName} has no output ${name} (its outputs: ${known})`,
        at,
      );
    }
    if (this.resolvingOutputs.has(name)) {
      throw new UnresolvableIntrinsicError(
        `output ${name} of nested stack ${this.stackName} refers to itself through its parent's parameters`,
        at,
      );
    }
    this.resolvingOutputs.add(name);
    try {
      if (output.Condition && !this.resolver.condition(output.Condition, this.at(name, 'Condition'))) {
        throw new UnresolvableIntrinsicError(
          `output ${name} of nested stack ${this.stackName} is not created (its Condition ${output.Condition} is false)`,
          at,
        );
      }
      return this.value(output.Value, this.at(name, 'Value'));
    } finally {
      this.resolvingOutputs.delete(name);
    }
  }

  /** Logical ids of the template's resources, in template order. */
  get logicalIds(): string[] {
    return Object.keys(this.artifact.template.Resources ?? {});
  }

  resource(logicalId: string): CfnResource {
    const resource = this.artifact.template.Resources?.[logicalId];
    if (!resource)
      throw new UnresolvableIntrinsicError('no such resource in the template', this.at(logicalId));
    return resource;
  }

  at(logicalId: string, property?: string): ResourceLocation {
    return {
      stackName: this.stackName,
      logicalId,
      type: this.artifact.template.Resources?.[logicalId]?.Type,
      property,
    };
  }

  /** The resources of this template that refer to `logicalId` in their properties (Ref, Fn::GetAtt, Fn::Sub). */
  referrers(logicalId: string): readonly Referrer[] {
    if (!this.referenceIndex) {
      const index = new Map<string, Referrer[]>();
      for (const [id, resource] of Object.entries(this.artifact.template.Resources ?? {})) {
        for (const { target, path } of referencesIn(resource.Properties ?? {})) {
          const list = index.get(target) ?? [];
          list.push({ logicalId: id, type: resource.Type, path });
          index.set(target, list);
        }
      }
      this.referenceIndex = index;
    }
    return this.referenceIndex.get(logicalId) ?? [];
  }

  /** Whether CloudFormation would create the resource (its Condition, if any, is true). */
  isCreated(logicalId: string): boolean {
    const condition = this.resource(logicalId).Condition;
    return condition === undefined || this.resolver.condition(condition, this.at(logicalId, 'Condition'));
  }

  /**
   * A property of a resource with every intrinsic resolved (undefined when absent or AWS::NoValue),
   * and the ARNs of a pinned account and region made local ones.
   */
  property(logicalId: string, name: string): unknown {
    const raw = this.resource(logicalId).Properties?.[name];
    if (raw === undefined) return undefined;
    const [value] = this.value([raw], this.at(logicalId, name)) as unknown[];
    return value;
  }

  /** The physical name: the explicit name property, else the one CloudFormation would generate. */
  physicalName(logicalId: string): string {
    const known = this.names.get(logicalId);
    if (known !== undefined) return known;
    const { Type: type } = this.resource(logicalId);
    const rule = NAMING_RULES[type];
    if (!rule) {
      throw new UnresolvableIntrinsicError(
        `the local runtime does not know how ${type} resources are named, so nothing can refer to this one; pass the value another way (e.g. a literal), or leave what uses it to AWS`,
        this.at(logicalId),
      );
    }
    if (this.naming.has(logicalId)) {
      throw new UnresolvableIntrinsicError(
        `its name refers to itself`,
        this.at(logicalId, rule.nameProperty),
      );
    }
    this.naming.add(logicalId);
    try {
      const explicit = rule.nameProperty ? this.property(logicalId, rule.nameProperty) : undefined;
      if (explicit !== undefined && typeof explicit !== 'string') {
        throw new UnresolvableIntrinsicError(
          `the name must be a string, got ${JSON.stringify(explicit)}`,
          this.at(logicalId, rule.nameProperty),
        );
      }
      const name = explicit ?? generatedName(this.stackName, logicalId, rule);
      this.names.set(logicalId, name);
      return name;
    } finally {
      this.naming.delete(logicalId);
    }
  }

  private facts(logicalId: string): ResourceFacts {
    return {
      name: this.physicalName(logicalId),
      ...this.environment,
      stackName: this.stackName,
      logicalId,
      eventBusName: () => {
        const bus = this.property(logicalId, 'EventBusName');
        if (typeof bus !== 'string' || bus === '') return 'default';
        return /:event-bus\/(.+)$/.exec(bus)?.[1] ?? bus;
      },
      deployed: this.deployed.get(logicalId),
    };
  }

  private model(logicalId: string, at: ResourceLocation, what: string) {
    const type = this.resource(logicalId).Type;
    const model = RESOURCE_MODELS[type];
    if (!model) {
      throw new UnresolvableIntrinsicError(
        `${what} of ${logicalId} (${type}): the local runtime has no value for this type; pass the value another way, or leave what uses it to AWS`,
        at,
      );
    }
    return model;
  }

  ref(logicalId: string, at: ResourceLocation): string {
    // A nested stack's Ref is its stack id.
    if (this.resource(logicalId).Type === 'AWS::CloudFormation::Stack') {
      return stackIdOf(this.physicalName(logicalId), this.environment);
    }
    return this.model(logicalId, at, 'Ref').ref(this.facts(logicalId));
  }

  getAtt(logicalId: string, attribute: string, at: ResourceLocation): unknown {
    if (!this.artifact.template.Resources?.[logicalId]) {
      throw new UnresolvableIntrinsicError(
        `Fn::GetAtt of ${logicalId}, which is not a resource of the template`,
        at,
      );
    }
    if (this.resource(logicalId).Type === 'AWS::CloudFormation::Stack') {
      return this.nestedStackAttribute(logicalId, attribute, at);
    }
    const model = this.model(logicalId, at, `Fn::GetAtt ${attribute}`);
    const value = model.attributes[attribute]?.(this.facts(logicalId));
    if (value === undefined) {
      const known = Object.keys(model.attributes).join(', ');
      throw new UnresolvableIntrinsicError(
        `Fn::GetAtt ${logicalId}.${attribute} has no local value (this type's attributes here: ${known}${attribute === 'StreamArn' ? '; StreamArn needs a StreamSpecification' : ''})`,
        at,
      );
    }
    return value;
  }

  /** `Outputs.<name>` of a nested stack (its output, resolved there), or its stack id. */
  private nestedStackAttribute(logicalId: string, attribute: string, at: ResourceLocation): unknown {
    if (attribute === 'Id' || attribute === 'StackId') return this.ref(logicalId, at);
    if (!attribute.startsWith('Outputs.')) {
      throw new UnresolvableIntrinsicError(
        `Fn::GetAtt ${logicalId}.${attribute} has no local value (a nested stack's attributes here: Outputs.<name>, Id)`,
        at,
      );
    }
    const nested = this.nestedStacks.get(logicalId);
    if (!nested) {
      throw new UnresolvableIntrinsicError(
        `Fn::GetAtt ${logicalId}.${attribute}: the nested stack is not deployed locally (${this.missingNestedStacks.get(logicalId) ?? 'its template is not in the assembly'})`,
        at,
      );
    }
    return nested.output(attribute.slice('Outputs.'.length), at);
  }
}

/** Every stack of an assembly, with Fn::ImportValue across them. */
export class AssemblyModel {
  readonly stacks: readonly StackModel[];
  private exports?: Map<string, { stack: StackModel; output: string }>;

  constructor(
    readonly assembly: CloudAssembly,
    environment: LocalEnvironment,
    parameters?: Readonly<Record<string, Readonly<Record<string, string>>>>,
  ) {
    const env = { partition: 'aws', urlSuffix: 'amazonaws.com', ...environment };
    const stacks: StackModel[] = [];
    // Nested stacks come right before their parent, so their resources deploy first.
    const addNested = (parent: StackModel, nested: readonly NestedStackArtifact[]) => {
      for (const child of nested) {
        if (!child.template || !child.templateFile) {
          parent.missingNestedStacks.set(
            child.logicalId,
            child.missing ?? 'its template is not in the assembly',
          );
          continue;
        }
        const name = parent.physicalName(child.logicalId);
        const model = new StackModel(
          {
            artifactId: `${parent.artifact.artifactId}/${child.logicalId}`,
            stackName: name,
            displayName: `${parent.artifact.displayName}/${child.logicalId}`,
            assemblyDir: parent.artifact.assemblyDir,
            templateFile: child.templateFile,
            template: child.template,
            dependencies: [],
            ...(parent.artifact.environment !== undefined
              ? { environment: parent.artifact.environment }
              : {}),
            nestedStacks: child.nestedStacks,
          },
          this,
          env,
          parameters?.[name],
          { stack: parent, logicalId: child.logicalId },
        );
        parent.nestedStacks.set(child.logicalId, model);
        addNested(model, child.nestedStacks);
        stacks.push(model);
      }
    };
    for (const artifact of assembly.stacks) {
      const stack = new StackModel(artifact, this, env, parameters?.[artifact.stackName]);
      addNested(stack, artifact.nestedStacks ?? []);
      stacks.push(stack);
    }
    this.stacks = stacks;
  }

  private exportTable(): Map<string, { stack: StackModel; output: string }> {
    if (this.exports) return this.exports;
    const table = new Map<string, { stack: StackModel; output: string }>();
    for (const stack of this.stacks) {
      for (const [output, definition] of Object.entries(stack.artifact.template.Outputs ?? {})) {
        if (definition.Export === undefined) continue;
        try {
          const name = stack.resolver.string(
            definition.Export.Name,
            stack.at(output, 'Export.Name'),
            'an export name',
          );
          table.set(name, { stack, output });
        } catch {
          // an export whose name cannot be resolved cannot be imported either
        }
      }
    }
    this.exports = table;
    return table;
  }

  importValue(name: string, at: ResourceLocation): unknown {
    const found = this.exportTable().get(name);
    if (!found) {
      throw new UnresolvableIntrinsicError(
        `Fn::ImportValue ${name}: no stack of this assembly exports it; deploy the exporting app's assembly too, or pass the value another way`,
        at,
      );
    }
    const output = found.stack.artifact.template.Outputs?.[found.output];
    return found.stack.value(output?.Value, found.stack.at(found.output, 'Value'));
  }
}
