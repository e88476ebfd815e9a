import {
  type Execution,
  type ExecutionResult,
  type Integration,
  type IntegrationRegistry,
  StateMachine,
  type TaskCall,
} from '../../src/engine';

export const ARNS = {
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Orders',
  stateMachineName: 'Orders',
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:Orders:run-1',
  name: 'run-1',
  roleArn: 'arn:aws:iam::123456789012:role/OrdersRole',
};

/** A fake integration: each call goes to `behaviour`, and the calls are kept for assertions. */
export function fakeIntegration(
  behaviour: (call: TaskCall) => Promise<unknown> | unknown,
  resourceType = 'dynamodb',
  resource = 'putItem',
): Integration & { calls: TaskCall[] } {
  const calls: TaskCall[] = [];
  return {
    resourceType,
    resource,
    calls,
    invoke: async (call) => {
      calls.push(call);
      return behaviour(call);
    },
  };
}

/** A registry that maps exact resource ARNs to integrations. */
export function registry(entries: Record<string, Integration> = {}): IntegrationRegistry {
  return { resolve: (resource) => entries[resource] };
}

export function machine(definition: object, integrations: IntegrationRegistry = registry()): StateMachine {
  return StateMachine.create(definition, { integrations });
}

export async function run(
  definition: object,
  input: unknown = {},
  integrations: IntegrationRegistry = registry(),
): Promise<{ result: ExecutionResult; execution: Execution }> {
  const execution = machine(definition, integrations).start(input, { ...ARNS, timeScale: 0.001 });
  const result = await execution.done;
  return { result, execution };
}

/** The single `*EventDetails` member of an event. */
export function details(event: object): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  return key ? ((event as Record<string, unknown>)[key] as Record<string, unknown>) : {};
}

export function types(execution: Execution): string[] {
  return execution.events.map((e) => e.type);
}

export function jsonata(states: Record<string, object>, startAt = Object.keys(states)[0]): object {
  return { QueryLanguage: 'JSONata', StartAt: startAt, States: states };
}
