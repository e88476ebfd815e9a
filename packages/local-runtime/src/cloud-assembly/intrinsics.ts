/**
 * CloudFormation's intrinsic functions, resolved to local values: Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::ImportValue, Fn::If with the condition functions, Fn::FindInMap,
 * Fn::Base64, Fn::GetAZs, Fn::ToJsonString, and the pseudo parameters. Anything else, or a reference
 * with no local value, is an UnresolvableIntrinsicError naming the resource and property.
 */
import type { CfnTemplate } from './assembly';
import { type ResourceLocation, UnresolvableIntrinsicError } from './errors';

/** AWS::NoValue: the property (or list element) it stands in is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface IntrinsicScope {
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly template: CfnTemplate;
  /** Values given for the template's parameters (they win over Default). */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * A nested stack's parameter as its parent passes it (the `Parameters` of the parent's
   * `AWS::CloudFormation::Stack` resource, resolved in the parent); undefined when not passed.
   */
  passedParameter?(name: string, at: ResourceLocation): string | undefined;
  /** `Ref` of a resource of this template. */
  ref(logicalId: string, at: ResourceLocation): unknown;
  /** `Fn::GetAtt` of a resource of this template. */
  getAtt(logicalId: string, attribute: string, at: ResourceLocation): unknown;
  /** `Fn::ImportValue`: an export of a stack of the same assembly. */
  importValue(exportName: string, at: ResourceLocation): unknown;
}

const SUPPORTED = [
  'Ref',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::Select',
  'Fn::Split',
  'Fn::ImportValue',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::ToJsonString',
  'Condition',
];

/** Whether `value` is an intrinsic function call: an object with one key, `Ref` or `Fn::*`. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::'));
}

/** Resolves template values of one stack. */
export class IntrinsicResolver {
  private readonly conditions = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(readonly scope: IntrinsicScope) {}

  private fail(at: ResourceLocation, message: string): never {
    throw new UnresolvableIntrinsicError(message, at);
  }

  /** The value of a pseudo parameter, or undefined when `name` is not one. */
  pseudo(name: string): unknown {
    const s = this.scope;
    switch (name) {
      case 'AWS::Region':
        return s.region;
      case 'AWS::AccountId':
        return s.accountId;
      case 'AWS::Partition':
        return s.partition;
      case 'AWS::URLSuffix':
        return s.urlSuffix;
      case 'AWS::StackName':
        return s.stackName;
      case 'AWS::StackId':
        return s.stackId;
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  /** A parameter's value: the one given, else its Default. */
  parameter(name: string, at: ResourceLocation): unknown {
    const declared = this.scope.template.Parameters?.[name];
    if (!declared) return undefined;
    const given = this.scope.parameters?.[name] ?? this.scope.passedParameter?.(name, at);
    if (given === undefined && declared.Type.startsWith('AWS::SSM::Parameter::Value')) {
      this.fail(
        at,
        `parameter ${name} takes its value from SSM Parameter Store (${String(declared.Default)}), which is not available locally; give it a value with the deployment's parameters`,
      );
    }
    const value = given ?? declared.Default;
    if (value === undefined) {
      this.fail(at, `parameter ${name} has no Default; give it a value with the deployment's parameters`);
    }
    if (declared.Type === 'CommaDelimitedList' || declared.Type.startsWith('List<')) {
      return Array.isArray(value) ? value.map(String) : String(value).split(',');
    }
    return typeof value === 'string' ? value : String(value);
  }

  /** Resolves every intrinsic in `value`; AWS::NoValue removes the property or element it stands in. */
  resolve(value: unknown, at: ResourceLocation): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item, at)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    if (isIntrinsic(value)) return this.call(value, at);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.resolve(item, { ...at, property: at.property ? `${at.property}.${key}` : key });
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  /** Resolves to a string, as Fn::Join and Fn::Sub need their parts. */
  string(value: unknown, at: ResourceLocation, what: string): string {
    const resolved = this.resolve(value, at);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    return this.fail(at, `${what} must be a string, got ${JSON.stringify(resolved)}`);
  }

  private list(value: unknown, at: ResourceLocation, what: string): unknown[] {
    const resolved = this.resolve(value, at);
    if (!Array.isArray(resolved)) this.fail(at, `${what} must be a list, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** Evaluates a named condition of the template (cached). */
  condition(name: string, at: ResourceLocation): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.scope.template.Conditions?.[name];
    if (definition === undefined) this.fail(at, `condition ${name} is not defined in the template`);
    if (this.evaluating.has(name)) this.fail(at, `condition ${name} refers to itself`);
    this.evaluating.add(name);
    try {
      const value = this.boolean(definition, at, `condition ${name}`);
      this.conditions.set(name, value);
      return value;
    } finally {
      this.evaluating.delete(name);
    }
  }

  private boolean(value: unknown, at: ResourceLocation, what: string): boolean {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === 'Condition') {
        return this.condition(String((value as { Condition: unknown }).Condition), at);
      }
    }
    const resolved = this.resolve(value, at);
    if (resolved === true || resolved === 'true') return true;
    if (resolved === false || resolved === 'false') return false;
    return this.fail(at, `${what} must be true or false, got ${JSON.stringify(resolved)}`);
  }

  private call(intrinsic: Record<string, unknown>, at: ResourceLocation): unknown {
    const [name, argument] = Object.entries(intrinsic)[0] as [string, unknown];
    switch (name) {
      case 'Ref':
        return this.ref(String(argument), at);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument)
          ? [String(argument[0]), this.string(argument[1], at, 'the attribute of Fn::GetAtt')]
          : splitOnce(String(argument));
        return this.scope.getAtt(logicalId, attribute, at);
      }
      case 'Fn::Join': {
        if (!Array.isArray(argument) || argument.length !== 2) {
          return this.fail(at, 'Fn::Join takes [delimiter, [values]]');
        }
        const delimiter = this.string(argument[0], at, 'the delimiter of Fn::Join');
        const parts = this.list(argument[1], at, 'the values of Fn::Join');
        return parts.map((part) => this.string(part, at, 'a value of Fn::Join')).join(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(argument, at);
      case 'Fn::Select': {
        if (!Array.isArray(argument) || argument.length !== 2) {
          return this.fail(at, 'Fn::Select takes [index, [values]]');
        }
        const index = Number(this.resolve(argument[0], at));
        const values = this.list(argument[1], at, 'the values of Fn::Select');
        if (!Number.isInteger(index) || index < 0 || index >= values.length) {
          return this.fail(
            at,
            `Fn::Select index ${JSON.stringify(argument[0])} is outside the list of ${values.length}`,
          );
        }
        return values[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(argument) || argument.length !== 2) {
          return this.fail(at, 'Fn::Split takes [delimiter, string]');
        }
        const delimiter = this.string(argument[0], at, 'the delimiter of Fn::Split');
        return this.string(argument[1], at, 'the string of Fn::Split').split(delimiter);
      }
      case 'Fn::ImportValue':
        return this.scope.importValue(this.string(argument, at, 'the export name of Fn::ImportValue'), at);
      case 'Fn::If': {
        if (!Array.isArray(argument) || argument.length !== 3) {
          return this.fail(at, 'Fn::If takes [condition, valueIfTrue, valueIfFalse]');
        }
        return this.resolve(this.condition(String(argument[0]), at) ? argument[1] : argument[2], at);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(argument) || argument.length !== 2)
          return this.fail(at, 'Fn::Equals takes [a, b]');
        const [a, b] = argument.map((item) => this.resolve(item, at));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(argument)) return this.fail(at, `${name} takes a list of conditions`);
        const values = argument.map((item) => this.boolean(item, at, `a condition of ${name}`));
        return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Not': {
        if (!Array.isArray(argument) || argument.length !== 1)
          return this.fail(at, 'Fn::Not takes [condition]');
        return !this.boolean(argument[0], at, 'the condition of Fn::Not');
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(argument) || argument.length < 3) {
          return this.fail(at, 'Fn::FindInMap takes [map, topKey, secondKey]');
        }
        const [map, top, second] = argument
          .slice(0, 3)
          .map((item) => this.string(item, at, 'a key of Fn::FindInMap'));
        const found = this.scope.template.Mappings?.[map as string]?.[top as string]?.[second as string];
        if (found === undefined) {
          const fallback = (argument[3] as { DefaultValue?: unknown } | undefined)?.DefaultValue;
          if (fallback !== undefined) return this.resolve(fallback, at);
          return this.fail(at, `Fn::FindInMap found nothing at ${map}.${top}.${second}`);
        }
        return this.resolve(found, at);
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(argument, at, 'the value of Fn::Base64')).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.scope.region}${zone}`);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(argument, at));
      default:
        return this.fail(
          at,
          `${name} is not resolved locally (supported: ${SUPPORTED.join(', ')}); compute the value in the CDK app instead, or leave this resource to AWS`,
        );
    }
  }

  private ref(target: string, at: ResourceLocation): unknown {
    const pseudo = this.pseudo(target);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.parameter(target, at);
    if (parameter !== undefined) return parameter;
    if (this.scope.template.Resources?.[target]) return this.scope.ref(target, at);
    return this.fail(
      at,
      `Ref to ${target}, which is neither a pseudo parameter, a parameter nor a resource of the template`,
    );
  }

  private sub(argument: unknown, at: ResourceLocation): string {
    const [text, variables] = Array.isArray(argument)
      ? [argument[0], (argument[1] ?? {}) as Record<string, unknown>]
      : [argument, {} as Record<string, unknown>];
    if (typeof text !== 'string') return this.fail(at, 'Fn::Sub takes a string or [string, {variables}]');
    return text.replace(/\$\{([^}]*)\}/g, (match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const trimmed = name.trim();
      if (trimmed in variables) return this.string(variables[trimmed], at, `the Fn::Sub variable ${trimmed}`);
      const pseudo = this.pseudo(trimmed);
      if (pseudo !== undefined && pseudo !== NO_VALUE) return String(pseudo);
      const parameter = this.parameter(trimmed, at);
      if (parameter !== undefined) return Array.isArray(parameter) ? parameter.join(',') : String(parameter);
      if (this.scope.template.Resources?.[trimmed]) return this.string({ Ref: trimmed }, at, match);
      const [logicalId, attribute] = splitOnce(trimmed);
      if (attribute && this.scope.template.Resources?.[logicalId]) {
        return this.string({ 'Fn::GetAtt': [logicalId, attribute] }, at, match);
      }
      return this.fail(
        at,
        `Fn::Sub refers to \${${trimmed}}, which is no variable, parameter or resource of the template`,
      );
    });
  }
}

function splitOnce(text: string): [string, string] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
}

/** A place in a template where a resource is referred to. */
export interface Reference {
  /** The logical id referred to. */
  readonly target: string;
  /** Where, as a property path: `Targets.0.DeadLetterConfig.Arn`. */
  readonly path: string;
}

/**
 * The references (Ref, Fn::GetAtt, `${Id}` and `${Id.Attr}` of Fn::Sub) in a raw template value,
 * each with the property path it is found at. Pseudo parameters and parameters are included as
 * targets too; the caller keeps those that are resources.
 */
export function referencesIn(value: unknown, path = ''): Reference[] {
  const found: Reference[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        walk(item, at ? `${at}.${index}` : String(index));
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (isIntrinsic(node)) {
      const [name, argument] = Object.entries(node)[0] as [string, unknown];
      if (name === 'Ref' && typeof argument === 'string') found.push({ target: argument, path: at });
      else if (name === 'Fn::GetAtt') {
        const target = Array.isArray(argument) ? argument[0] : splitOnce(String(argument))[0];
        if (typeof target === 'string') found.push({ target, path: at });
      } else if (name === 'Fn::Sub') {
        const text = Array.isArray(argument) ? argument[0] : argument;
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            found.push({ target: splitOnce((match[1] ?? '').trim())[0], path: at });
          }
        }
        if (Array.isArray(argument)) walk(argument[1], at);
        return;
      }
      walk(argument, at);
      return;
    }
    for (const [key, item] of Object.entries(node)) walk(item, at ? `${at}.${key}` : key);
  };
  walk(value, path);
  return found;
}
