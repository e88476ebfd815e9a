import jsonata from 'jsonata';
import { InvalidDefinitionError } from '../errors';
import { AWS_FUNCTIONS } from './functions';

/** A JSONata string in ASL: `{%` expression `%}`, nothing before or after. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** The expression text between the delimiters, trimmed (as AWS quotes it in causes). */
export function expressionText(value: string): string {
  return value.slice(2, -2).trim();
}

type AstNode = Record<string, unknown> & { type?: string; value?: unknown };

/**
 * Walks the AST and rejects what AWS refuses at the top level of an expression (no context item
 * exists there, because the engine evaluates without an input document): `$`, `$$`, and unqualified
 * field names. Inside a path step after the first, a predicate, a filter or a group, a context item
 * exists and they are allowed.
 */
function findTopLevelReference(node: unknown, hasContext: boolean): string | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findTopLevelReference(child, hasContext);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const ast = node as AstNode;
  if (!hasContext) {
    if (ast.type === 'variable' && (ast.value === '' || ast.value === '$')) return `$${String(ast.value)}`;
    if (
      ast.type === 'name' ||
      ast.type === 'wildcard' ||
      ast.type === 'descendant' ||
      ast.type === 'parent'
    ) {
      return String(ast.value ?? ast.type);
    }
  }
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const [first, ...rest] = ast.steps as unknown[];
    const found = findTopLevelReference(first, hasContext) ?? findTopLevelReference(rest, true);
    if (found !== undefined) return found;
    return findTopLevelReference(ast.group, true) ?? findTopLevelReference(ast.stages, true);
  }
  for (const [key, child] of Object.entries(ast)) {
    if (key === 'position' || key === 'value' || key === 'type' || key === 'token') continue;
    const inner =
      key === 'stages' || key === 'predicate' || key === 'group' || key === 'terms' ? true : hasContext;
    const found = findTopLevelReference(child, inner);
    if (found !== undefined) return found;
  }
  return undefined;
}

export type CompiledExpression = jsonata.Expression;

/**
 * Compiles JSONata once per definition (compiling costs ~150 µs, evaluating ~2-15 µs): a cache keyed by
 * expression text, with AWS's function set (`$eval` removed; `$partition`, `$range`, `$hash`, `$random`,
 * `$uuid`, `$parse` added).
 */
export class ExpressionCache {
  private readonly compiled = new Map<string, CompiledExpression>();

  compile(text: string, location: string): CompiledExpression {
    const cached = this.compiled.get(text);
    if (cached !== undefined) return cached;
    let expression: CompiledExpression;
    try {
      expression = jsonata(text);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      throw new InvalidDefinitionError(
        `INVALID_JSONATA_EXPRESSION: the JSONata expression '${text}' at ${location} does not parse: ${e.code ?? ''}${e.code ? ': ' : ''}${e.message ?? String(error)}`,
        'INVALID_JSONATA_EXPRESSION',
        location,
      );
    }
    const reference = findTopLevelReference(expression.ast(), false);
    if (reference !== undefined) {
      throw new InvalidDefinitionError(
        `UNSUPPORTED_JSONATA_EXPRESSION: Reference to '${reference}' at the top level is not supported, in '${text}' at ${location}. ` +
          'There is no input document in Step Functions JSONata: use $states.input (or a variable) instead.',
        'UNSUPPORTED_JSONATA_EXPRESSION',
        location,
      );
    }
    expression.assign('eval', undefined);
    for (const [name, implementation, signature] of AWS_FUNCTIONS) {
      expression.registerFunction(name, implementation as (...args: unknown[]) => unknown, signature);
    }
    this.compiled.set(text, expression);
    return expression;
  }

  get size(): number {
    return this.compiled.size;
  }
}
