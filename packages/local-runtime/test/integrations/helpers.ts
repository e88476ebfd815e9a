import type { IntegrationRegistry, TaskCall } from '../../src/engine/types';

/** Runs one task attempt the way the engine does: resolve the resource, then invoke with parameters. */
export function runTask(
  registry: IntegrationRegistry,
  resource: string,
  parameters: unknown,
  signal: AbortSignal = new AbortController().signal,
): Promise<unknown> {
  const integration = registry.resolve(resource);
  if (!integration) throw new Error(`no integration for ${resource}`);
  const call: TaskCall = {
    resource,
    parameters,
    signal,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:test:run-1',
    stateName: 'TheTask',
  };
  return integration.invoke(call);
}

/** A rejection as the engine sees it: the StatesError's error name and cause. */
export async function failureOf(promise: Promise<unknown>): Promise<{ error: string; cause?: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { error?: string; cause?: string };
    return { error: String(e.error), cause: e.cause };
  }
  throw new Error('expected the task to fail');
}
