/**
 * The assembly as the deployer sees it: per stack, an intrinsic resolver wired to the stack's
 * resources (their physical names, Ref and GetAtt values) and to the exports of every stack of the
 * assembly (Fn::ImportValue). Values are resolved on demand, property by property, so a property
 * the local runtime ignores (a role ARN, a log destination) is never resolved and cannot fail.
 */
import { createHash } from 'node:crypto';
import type { CfnResource, CloudAssembly, StackArtifact } from './assembly';
import { type ResourceLocation, UnresolvableIntrinsicError } from './errors';
import { IntrinsicResolver } from './intrinsics';
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

export class StackModel {
  readonly resolver: IntrinsicResolver;
  /** Values known once a resource is deployed (a table's stream label), by logical id. */
  readonly deployed = new Map<string, Map<string, string>>();
  private readonly names = new Map<string, string>();
  private readonly naming = new Set<string>();

  constructor(
    readonly artifact: StackArtifact,
    private readonly assembly: AssemblyModel,
    readonly environment: Required<LocalEnvironment>,
    parameters: Readonly<Record<string, string>> | undefined,
  ) {
    const stackId = createHash('sha256').update(artifact.stackName).digest('hex');
    this.resolver = new IntrinsicResolver({
      stackName: artifact.stackName,
      stackId: `arn:${environment.partition}:cloudformation:${environment.region}:${environment.accountId}:stack/${artifact.stackName}/${stackId.slice(0, 8)}-${stackId.slice(8, 12)}-${stackId.slice(12, 16)}-${stackId.slice(16, 20)}-${stackId.slice(20, 32)}`,
      ...environment,
      template: artifact.template,
      parameters,
      ref: (logicalId, at) => this.ref(logicalId, at),
      getAtt: (logicalId, attribute, at) => this.getAtt(logicalId, attribute, at),
      importValue: (name, at) => this.assembly.importValue(name, at),
    });
  }

  get stackName(): string {
    return this.artifact.stackName;
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

  /** Whether CloudFormation would create the resource (its Condition, if any, is true). */
  isCreated(logicalId: string): boolean {
    const condition = this.resource(logicalId).Condition;
    return condition === undefined || this.resolver.condition(condition, this.at(logicalId, 'Condition'));
  }

  /** A property of a resource with every intrinsic resolved (undefined when absent or AWS::NoValue). */
  property(logicalId: string, name: string): unknown {
    const raw = this.resource(logicalId).Properties?.[name];
    if (raw === undefined) return undefined;
    const [value] = this.resolver.resolve([raw], this.at(logicalId, name)) as unknown[];
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
    return this.model(logicalId, at, 'Ref').ref(this.facts(logicalId));
  }

  getAtt(logicalId: string, attribute: string, at: ResourceLocation): string {
    if (!this.artifact.template.Resources?.[logicalId]) {
      throw new UnresolvableIntrinsicError(
        `Fn::GetAtt of ${logicalId}, which is not a resource of the template`,
        at,
      );
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
    this.stacks = assembly.stacks.map(
      (artifact) => new StackModel(artifact, this, env, parameters?.[artifact.stackName]),
    );
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
    return found.stack.resolver.resolve(output?.Value, found.stack.at(found.output, 'Value'));
  }
}
