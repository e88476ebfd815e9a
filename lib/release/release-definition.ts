import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { businessTaskTimeoutSeconds, DEFINITION_DEFAULTS, substitute } from '../definition';
import { ReleaseDefinitionError } from '../errors';

/** Where the release workflow's definition lives. */
export const RELEASE_DEFINITION_PATH = join(
  __dirname,
  '..',
  '..',
  'state-machines',
  'release-orphaned-lease.asl.json',
);

/** The execution statuses after which a lease may be left behind. */
export const ORPHANING_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Placeholders of the release definition, substituted by CDK and by the local runtime alike. */
export const ReleasePlaceholder = {
  /** The idempotency table's name. */
  TableName: 'TableName',
  /**
   * A JSONata expression (no `{% %}`) that evaluates, with `$states.input` bound to the failed
   * execution's input, to the record's `id`: the same expression the idempotent workflow uses.
   */
  IdempotencyIdExpression: 'IdempotencyIdExpression',
  /**
   * The workflow's RunBusinessLogic timeout: how long after the execution stopped its invocation
   * may still run, so how long the release waits before freeing the key.
   */
  BusinessTaskTimeoutSeconds: 'BusinessTaskTimeoutSeconds',
} as const;

/** Values for the release definition's placeholders. */
export interface ReleaseSubstitutions {
  readonly tableName: string;
  readonly idExpression: string;
  /**
   * The workflow's business task timeout (`businessTaskTimeoutSeconds(businessTimeoutSeconds)`).
   * @default the task timeout of Lambda's default 3 s function timeout
   */
  readonly businessTaskTimeoutSeconds?: number;
}

/** Raised when a placeholder of the release definition would be left unsubstituted (lib/errors.ts). */
export { ReleaseDefinitionError };

/**
 * The substitution map. The id expression is placed inside a JSON string, so it is JSON-escaped
 * here once, for CDK's definitionSubstitutions and for the local runtime.
 */
export function releaseSubstitutions(values: ReleaseSubstitutions): Record<string, string> {
  if (values.idExpression.trim().length === 0) {
    throw new ReleaseDefinitionError(
      'idExpression is empty: pass the JSONata expression that computes the record id',
    );
  }
  const taskTimeout =
    values.businessTaskTimeoutSeconds ??
    businessTaskTimeoutSeconds(DEFINITION_DEFAULTS.businessTimeoutSeconds);
  if (!Number.isInteger(taskTimeout) || taskTimeout < 1) {
    throw new ReleaseDefinitionError(
      `businessTaskTimeoutSeconds must be a whole number of seconds of at least 1, got ${taskTimeout}: pass businessTaskTimeoutSeconds(<the function's timeout>)`,
    );
  }
  return {
    [ReleasePlaceholder.TableName]: values.tableName,
    [ReleasePlaceholder.BusinessTaskTimeoutSeconds]: String(taskTimeout),
    [ReleasePlaceholder.IdempotencyIdExpression]: JSON.stringify(values.idExpression).slice(1, -1),
  };
}

/** The definition file's text, placeholders untouched (what CDK ships). */
export function releaseDefinitionTemplate(): string {
  return readFileSync(RELEASE_DEFINITION_PATH, 'utf8');
}

/** The definition with every placeholder replaced (what the local runtime runs), as CloudFormation does. */
export function renderReleaseDefinition(values: ReleaseSubstitutions): string {
  return substitute(releaseDefinitionTemplate(), releaseSubstitutions(values));
}

/**
 * The record-id expression of the idempotent workflow for its key expression and prefix: the very
 * text its definition evaluates, so the release workflow finds the key the workflow claimed.
 */
export { recordIdExpression as workflowIdExpression } from '../definition';
