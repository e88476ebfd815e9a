/**
 * A state machine definition as a graph: one node per top-level state plus Start and End, one edge
 * per transition (Next, each Choice rule, Default, each Catch). Parallel and Map states are one node
 * each (their branches are listed in the step panel, not drawn). Pure code: the browser lays the
 * graph out with dagre; the tests check it here.
 */

export const START = '__start';
export const END = '__end';

export interface GraphNode {
  readonly id: string;
  /** The state's Type, or `Start` / `End`. */
  readonly type: string;
  readonly comment?: string;
  readonly resource?: string;
  /** Parallel: branches; Map: 1. */
  readonly branches?: number;
}

export type EdgeKind = 'start' | 'next' | 'choice' | 'default' | 'catch' | 'end';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Short text drawn on the edge (`Rule 1`, `Default`, the caught errors). */
  readonly label?: string;
  /** The whole condition or error list, for the tooltip. */
  readonly title?: string;
}

export interface DefinitionGraph {
  readonly startAt: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Each state's definition, by name (for the step panel). */
  readonly states: Readonly<Record<string, Record<string, unknown>>>;
}

const shorten = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** Builds the graph; a definition that is not JSON or has no States gives an empty graph. */
export function graphOf(definitionText: string): DefinitionGraph {
  let definition: { StartAt?: unknown; States?: unknown };
  try {
    definition = JSON.parse(definitionText) as typeof definition;
  } catch {
    return { startAt: '', nodes: [], edges: [], states: {} };
  }
  const states = (
    typeof definition.States === 'object' && definition.States !== null ? definition.States : {}
  ) as Record<string, Record<string, unknown>>;
  const startAt = typeof definition.StartAt === 'string' ? definition.StartAt : '';
  const nodes: GraphNode[] = [{ id: START, type: 'Start' }];
  const edges: GraphEdge[] = [];
  if (startAt in states) edges.push({ from: START, to: startAt, kind: 'start' });
  let endReached = false;
  const edge = (from: string, to: unknown, kind: EdgeKind, label?: string, title?: string) => {
    if (typeof to !== 'string' || !(to in states)) return;
    edges.push({ from, to, kind, ...(label ? { label } : {}), ...(title ? { title } : {}) });
  };
  for (const [name, state] of Object.entries(states)) {
    const type = String(state.Type ?? 'Unknown');
    const branches = Array.isArray(state.Branches)
      ? state.Branches.length
      : state.Iterator || state.ItemProcessor
        ? 1
        : undefined;
    nodes.push({
      id: name,
      type,
      ...(typeof state.Comment === 'string' ? { comment: state.Comment } : {}),
      ...(typeof state.Resource === 'string' ? { resource: state.Resource } : {}),
      ...(branches !== undefined ? { branches } : {}),
    });
    if (type === 'Choice') {
      const choices = Array.isArray(state.Choices) ? (state.Choices as Record<string, unknown>[]) : [];
      choices.forEach((choice, index) => {
        const condition =
          typeof choice.Condition === 'string'
            ? choice.Condition
            : JSON.stringify(Object.fromEntries(Object.entries(choice).filter(([key]) => key !== 'Next')));
        const comment = typeof choice.Comment === 'string' ? `${choice.Comment}\n` : '';
        edge(name, choice.Next, 'choice', `Rule ${index + 1}`, `${comment}${condition}`);
      });
      edge(name, state.Default, 'default', 'Default');
    } else {
      edge(name, state.Next, 'next');
    }
    const catchers = Array.isArray(state.Catch) ? (state.Catch as Record<string, unknown>[]) : [];
    for (const catcher of catchers) {
      const errors = Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.map(String) : [];
      const short = errors.map((error) => error.replace(/^.*\./, '').replace(/Exception$/, ''));
      edge(name, catcher.Next, 'catch', shorten(`Catch ${short.join(', ')}`, 32), errors.join(', '));
    }
    if (state.End === true || type === 'Succeed' || type === 'Fail') {
      edges.push({ from: name, to: END, kind: 'end' });
      endReached = true;
    }
  }
  if (endReached || nodes.length === 1) nodes.push({ id: END, type: 'End' });
  return { startAt, nodes, edges, states };
}
