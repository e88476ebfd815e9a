import type { MapState } from '../asl';
import { ExecutionInterrupted, inState, StatesError } from '../errors';
import type { StateNode, StateScope } from '../model';

import type { Run } from '../run';
import {
  baseNode,
  type CompileContext,
  compileErrorHandling,
  invalid,
  rejectUnsupported,
  retryableNode,
} from './common';
import { runChildren } from './parallel';

const UNSUPPORTED_FIELDS: Record<string, string> = {
  ItemReader:
    'Distributed Map (ItemReader) is not supported by the local engine; use an inline Map over Items',
  ItemBatcher: 'Distributed Map (ItemBatcher) is not supported by the local engine',
  ResultWriter: 'Distributed Map (ResultWriter) is not supported by the local engine',
  ToleratedFailurePercentage:
    'tolerated failures are a Distributed Map feature, not supported by the local engine',
  ToleratedFailureCount:
    'tolerated failures are a Distributed Map feature, not supported by the local engine',
  Label: 'Map run labels are a Distributed Map feature, not supported by the local engine',
};

/**
 * Map (inline): runs the item processor once per element of `Items` (default: the state input), each
 * iteration with its own variable scope and `$states.context.Map.Item` in `ItemSelector`; the result is
 * the array of iteration outputs. The first failed iteration fails the state with its error.
 */
export function compileMap(name: string, state: MapState, ctx: CompileContext): StateNode {
  rejectUnsupported(state, UNSUPPORTED_FIELDS, ctx.location);
  const processorField = 'ItemProcessor' in state ? 'ItemProcessor' : 'Iterator';
  const processor = processorField === 'ItemProcessor' ? state.ItemProcessor : state.Iterator;
  if (processor === undefined || typeof processor !== 'object')
    throw invalid(`a Map state needs 'ItemProcessor'`, ctx.location);
  const mode = processor.ProcessorConfig?.Mode ?? 'INLINE';
  if (mode !== 'INLINE') {
    throw invalid(
      `Map mode ${JSON.stringify(mode)} is not supported: the local engine runs inline Map states only`,
      `${ctx.location}/${processorField}/ProcessorConfig/Mode`,
      'UNSUPPORTED_FEATURE',
    );
  }
  const branch = ctx.compileBranch(processor, `${ctx.location}/${processorField}`);
  const items = ctx.language.value(state, 'Items', ctx.location, 'array');
  const maxConcurrency = ctx.language.value(state, 'MaxConcurrency', ctx.location, 'nonNegativeInteger');
  // JSONPath's legacy name for ItemSelector is `Parameters` (used when ItemSelector is absent).
  const selectorField =
    'ItemSelector' in state ? 'ItemSelector' : 'Parameters' in state ? 'Parameters' : undefined;
  const selector =
    selectorField === undefined
      ? undefined
      : ctx.language.template(
          selectorField === 'ItemSelector' ? state.ItemSelector : state.Parameters,
          selectorField,
          ctx.location,
          state,
        );
  const flow = ctx.language.stateFlow(state, ctx.location);
  const handling = compileErrorHandling(state, ctx);
  const base = baseNode(name, state, true);

  async function attempt(run: Run, scope: StateScope) {
    const values = items ? ((await items(scope)) as unknown[]) : scope.input;
    if (!Array.isArray(values)) {
      throw inState(
        new StatesError(
          'States.Runtime',
          `The Map state '${name}' needs an array to iterate over: its input is not an array and 'Items' is not set.`,
        ),
        scope.stateName,
        scope.enteredEventId,
      );
    }
    const limit = maxConcurrency ? ((await maxConcurrency(scope)) as number) : 0;
    const history = run.history;
    scope.cursor.last = history.add('MapStateStarted', scope.cursor.last, 'mapStateStartedEventDetails', {
      length: values.length,
    });
    return runChildren(run, scope, node, flow, values.length, limit, async (index, signal) => {
      const value = values[index];
      const mapItem = { Item: { Index: index, Value: value } };
      let input = value;
      if (selector !== undefined) {
        input = await selector({ ...scope, context: { ...scope.context, Map: mapItem } });
      }
      const started = history.add('MapIterationStarted', history.last, 'mapIterationStartedEventDetails', {
        name,
        index,
      });
      const vars = Object.create(scope.vars) as Record<string, unknown>;
      try {
        const { output } = await run.runBranch(
          branch,
          input,
          JSON.stringify(input) ?? 'null',
          vars,
          { last: started },
          signal,
          mapItem,
        );
        history.add('MapIterationSucceeded', history.last, 'mapIterationSucceededEventDetails', {
          name,
          index,
        });
        return output;
      } catch (error) {
        if (!(error instanceof ExecutionInterrupted)) {
          history.add('MapIterationFailed', history.last, 'mapIterationFailedEventDetails', {
            name,
            index,
          });
        } else if (!scope.signal.aborted) {
          history.add('MapIterationAborted', history.last, 'mapIterationAbortedEventDetails', {
            name,
            index,
          });
        }
        throw error;
      }
    });
  }

  const node = retryableNode(base, handling, flow, attempt);
  return node;
}
