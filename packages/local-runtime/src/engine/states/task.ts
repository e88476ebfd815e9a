import type { TaskState } from '../asl';
import {
  dataLimitCause,
  ErrorNames,
  ExecutionInterrupted,
  exceedsPayloadLimit,
  StatesError,
  UnknownResourceError,
} from '../errors';
import { notTruncated } from '../history';
import type { StateNode, StateScope } from '../model';
import { toStatesError } from '../retry-catch';
import { MAX_TIMER_MS, type Run } from '../run';
import type { Integration } from '../types';
import { HeartbeatTimeout, waitForCallback } from './callback';
import {
  baseNode,
  type CompileContext,
  compileErrorHandling,
  invalid,
  rejectUnsupported,
  retryableNode,
} from './common';

/** AWS's effective default when `TimeoutSeconds` is absent (developer guide; the ASL spec's 60 is not what AWS runs). */
const DEFAULT_TIMEOUT_SECONDS = 99_999_999;

class TaskTimeout extends Error {}

const UNSUPPORTED_FIELDS: Record<string, string> = {
  Credentials: 'cross-account task credentials are not supported by the local engine',
};

/** Runs the integration for one attempt, racing the task timeout and the branch's abort signal. */
async function invoke(
  integration: Integration,
  resource: string,
  parameters: unknown,
  timeoutSeconds: number,
  run: Run,
  scope: StateScope,
  callback?: (submitted: unknown, signal: AbortSignal) => Promise<unknown>,
): Promise<unknown> {
  const controller = new AbortController();
  const outer = scope.signal;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guards = new Promise<never>((_, reject) => {
    // Settle first, then abort: an integration that rejects when aborted must not win the race.
    onAbort = () => {
      reject(new ExecutionInterrupted());
      controller.abort();
    };
    outer.addEventListener('abort', onAbort, { once: true });
    const ms = timeoutSeconds * 1000;
    if (ms <= MAX_TIMER_MS) {
      timer = setTimeout(() => {
        reject(new TaskTimeout());
        controller.abort();
      }, ms);
    }
  });
  try {
    const submitted = integration.invoke({
      resource,
      parameters,
      signal: controller.signal,
      executionArn: run.executionArn,
      stateName: scope.stateName,
    });
    const call = callback ? submitted.then((answer) => callback(answer, controller.signal)) : submitted;
    return await Promise.race([call, guards]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) outer.removeEventListener('abort', onAbort);
  }
}

/** The schema also admits CloudFormation's `{Ref}` / `{Fn::...}` forms of `Resource`, which cannot run here. */
function resourceArn(state: TaskState, location: string): string {
  if (typeof state.Resource !== 'string') throw invalid(`a Task needs a 'Resource' ARN string`, location);
  return state.Resource;
}

/** The integration registered for `resource`; an unknown resource is rejected as AWS rejects it. */
function integrationFor(resource: string, ctx: CompileContext): Integration {
  const integration = ctx.integrations.resolve(resource);
  if (integration === undefined) {
    const detail = `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. The local engine supports the integrations registered with it (e.g. arn:aws:states:::dynamodb:putItem|getItem|updateItem|deleteItem, arn:aws:states:::lambda:invoke)`;
    const location = `${ctx.location}/Resource`;
    throw new UnknownResourceError(
      resource,
      `SCHEMA_VALIDATION_FAILED: ${detail} at ${location}`,
      location,
      detail,
    );
  }
  return integration;
}

/**
 * Task: evaluates `Arguments` (default: the state input), calls the integration registered for
 * `Resource`, records Task* (or LambdaFunction*) events, applies `TimeoutSeconds`, the 256 KiB
 * result limit, then `Output` (default: the result) and `Assign`; Retry/Catch wrap each attempt.
 */
export function compileTask(name: string, state: TaskState, ctx: CompileContext): StateNode {
  rejectUnsupported(state, UNSUPPORTED_FIELDS, ctx.location);
  const resource = resourceArn(state, ctx.location);
  const integration = integrationFor(resource, ctx);
  const legacyLambda = integration.events === 'lambdaFunction';
  const flow = ctx.language.stateFlow(state, ctx.location);
  const timeout = ctx.language.value(state, 'TimeoutSeconds', ctx.location, 'positiveInteger');
  const heartbeat = ctx.language.value(state, 'HeartbeatSeconds', ctx.location, 'positiveInteger');
  const handling = compileErrorHandling(state, ctx);
  const base = baseNode(name, state, true);
  const resourceDetails = { resource: integration.resource, resourceType: integration.resourceType };

  async function attemptOnce(run: Run, scope: StateScope, token: string | undefined) {
    const history = run.history;
    const cursor = scope.cursor;
    const parameters = flow.effectiveInput ? await flow.effectiveInput(scope) : scope.input;
    const timeoutSeconds = timeout ? ((await timeout(scope)) as number) : undefined;
    const heartbeatSeconds = heartbeat ? ((await heartbeat(scope)) as number) : undefined;
    const parametersJson = history.wanted ? (JSON.stringify(parameters) ?? 'null') : '';
    if (legacyLambda) {
      cursor.last = history.add(
        'LambdaFunctionScheduled',
        cursor.last,
        'lambdaFunctionScheduledEventDetails',
        () => {
          const details: Record<string, unknown> = {
            resource,
            input: parametersJson,
            inputDetails: notTruncated(),
          };
          if (timeoutSeconds !== undefined) details.timeoutInSeconds = timeoutSeconds;
          return details;
        },
      );
      cursor.last = history.add('LambdaFunctionStarted', cursor.last);
    } else {
      cursor.last = history.add('TaskScheduled', cursor.last, 'taskScheduledEventDetails', () => {
        const details: Record<string, unknown> = {
          ...resourceDetails,
          region: run.region,
          parameters: parametersJson,
        };
        if (timeoutSeconds !== undefined) details.timeoutInSeconds = timeoutSeconds;
        if (heartbeatSeconds !== undefined) details.heartbeatInSeconds = heartbeatSeconds;
        return details;
      });
      cursor.last = history.add('TaskStarted', cursor.last, 'taskStartedEventDetails', resourceDetails);
    }
    let result: unknown;
    let failure: StatesError | undefined;
    const callback =
      token === undefined
        ? undefined
        : (submitted: unknown, signal: AbortSignal) => {
            cursor.last = history.add('TaskSubmitted', cursor.last, 'taskSubmittedEventDetails', () => ({
              ...resourceDetails,
              output: JSON.stringify(submitted) ?? 'null',
              outputDetails: notTruncated(),
            }));
            return waitForCallback(run.taskTokens, token, heartbeatSeconds, signal);
          };
    try {
      result = await invoke(
        integration,
        resource,
        parameters,
        timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
        run,
        scope,
        callback,
      );
    } catch (error) {
      if (error instanceof ExecutionInterrupted) throw error;
      if (error instanceof HeartbeatTimeout) {
        cursor.last = history.add('TaskTimedOut', cursor.last, 'taskTimedOutEventDetails', {
          ...resourceDetails,
          error: ErrorNames.heartbeatTimeout,
        });
        throw new StatesError(ErrorNames.heartbeatTimeout, '');
      }
      if (error instanceof TaskTimeout) {
        const type = legacyLambda ? 'LambdaFunctionTimedOut' : 'TaskTimedOut';
        const key = legacyLambda ? 'lambdaFunctionTimedOutEventDetails' : 'taskTimedOutEventDetails';
        cursor.last = history.add(
          type,
          cursor.last,
          key,
          legacyLambda ? { error: ErrorNames.timeout } : { ...resourceDetails, error: ErrorNames.timeout },
        );
        throw new StatesError(ErrorNames.timeout, '');
      }
      failure = toStatesError(error);
    }
    let resultJson: string | undefined;
    if (failure === undefined) {
      resultJson = JSON.stringify(result) ?? 'null';
      if (exceedsPayloadLimit(resultJson))
        failure = new StatesError(ErrorNames.dataLimitExceeded, dataLimitCause(integration.resourceType));
    }
    if (failure !== undefined) {
      const details: Record<string, unknown> = legacyLambda ? {} : { ...resourceDetails };
      details.error = failure.error;
      if (failure.cause !== undefined) details.cause = failure.cause;
      cursor.last = history.add(
        legacyLambda ? 'LambdaFunctionFailed' : 'TaskFailed',
        cursor.last,
        legacyLambda ? 'lambdaFunctionFailedEventDetails' : 'taskFailedEventDetails',
        details,
      );
      throw failure;
    }
    const json = resultJson as string;
    if (legacyLambda) {
      cursor.last = history.add(
        'LambdaFunctionSucceeded',
        cursor.last,
        'lambdaFunctionSucceededEventDetails',
        {
          output: json,
          outputDetails: notTruncated(),
        },
      );
    } else {
      cursor.last = history.add('TaskSucceeded', cursor.last, 'taskSucceededEventDetails', {
        ...resourceDetails,
        output: json,
        outputDetails: notTruncated(),
      });
    }
    scope.result = result;
    const output = flow.output ? await flow.output(scope) : result;
    const assigned = flow.assign ? await flow.assign(scope) : undefined;
    return { output, next: node.next, assigned, outputJson: flow.output ? undefined : json };
  }

  /** Each attempt of a callback task gets its own token, in the context before `Arguments` are evaluated. */
  async function attempt(run: Run, scope: StateScope) {
    if (integration.pattern !== 'waitForTaskToken') return attemptOnce(run, scope, undefined);
    const token = run.taskTokens.issue({ executionArn: run.executionArn, stateName: scope.stateName });
    scope.context = { ...scope.context, Task: { Token: token } };
    try {
      return await attemptOnce(run, scope, token);
    } finally {
      run.taskTokens.close(token);
    }
  }

  const node = retryableNode(base, handling, flow, attempt);
  return node;
}
