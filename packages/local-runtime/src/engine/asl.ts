/**
 * The Amazon States Language as the engine reads it once a definition has passed asl-validator's schema
 * (`compileDefinition` asserts these types only then). A field is typed as the schema guarantees it; a
 * field the schema leaves open is `unknown`, and the state compilers and query languages check it
 * themselves. A state carries the fields of both query languages: which ones it may use was checked
 * before the schema ran.
 *
 * Object types rather than interfaces, so that a typed state still reads as plain JSON
 * (`Readonly<Record<string, unknown>>`) where fields are looked up by a computed name.
 */

export type QueryLanguageName = 'JSONata' | 'JSONPath';

/** `{StartAt, States}`: a whole machine, a Parallel branch or a Map item processor. */
export type AslMachine = {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly Comment?: string;
};

export type AslDefinition = AslMachine & {
  readonly QueryLanguage?: QueryLanguageName;
  readonly TimeoutSeconds?: number;
  readonly Version?: string;
};

// --- Fields shared by several state types ---

type StateFields = {
  readonly Comment?: string;
  readonly QueryLanguage?: QueryLanguageName;
};

type Transition = {
  readonly Next?: string;
  readonly End?: true;
};

/** JSONPath: the part of the input the state works on and the part of its output it passes on (`null`: `{}`). */
type JsonPathFilters = {
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
};

/** JSONata `Output` (any JSON, `{% %}` expressions at any depth) and `Assign` in both languages. */
type OutputAndAssign = {
  readonly Output?: unknown;
  readonly Assign?: unknown;
};

/** What Task, Parallel and Map do with their effective input and their result. */
type ResultFields = {
  /** JSONata. */
  readonly Arguments?: unknown;
  /** JSONPath payload templates. */
  readonly Parameters?: unknown;
  readonly ResultSelector?: unknown;
  readonly ResultPath?: string | null;
};

type ErrorHandling = {
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
};

export type AslRetrier = {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: unknown;
  readonly JitterStrategy?: unknown;
  readonly Comment?: string;
};

export type AslCatcher = {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  /** JSONPath: where `{Error, Cause}` goes in the state input. */
  readonly ResultPath?: unknown;
  readonly Output?: unknown;
  readonly Assign?: unknown;
  readonly Comment?: string;
};

// --- Choice rules ---

/** A JSONata rule: a `Condition` (true, false or a `{% %}` expression) and where to go when it holds. */
export type JsonataChoiceRule = {
  readonly Condition: boolean | string;
  readonly Next: string;
  readonly Output?: unknown;
  readonly Assign?: unknown;
  readonly Comment?: string;
};

type Comparison = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

/** `StringEquals`, `NumericLessThanPath`, `IsPresent`, ...: the operators of a JSONPath data test. */
type ComparisonOperator =
  | `${'String' | 'Numeric' | 'Timestamp'}${Comparison}${'' | 'Path'}`
  | 'BooleanEquals'
  | 'BooleanEqualsPath'
  | 'StringMatches'
  | `Is${'Null' | 'Present' | 'Numeric' | 'String' | 'Boolean' | 'Timestamp'}`;

/** A JSONPath rule: a data test (`Variable` and one operator) or `And`/`Or`/`Not` of nested rules (checked by jsonpath/choice.ts). */
export type JsonPathRule = {
  readonly Variable?: string;
  readonly And?: readonly JsonPathRule[];
  readonly Or?: readonly JsonPathRule[];
  readonly Not?: JsonPathRule;
} & { readonly [Operator in ComparisonOperator]?: unknown };

/** A top-level JSONPath rule: only these have `Next` and `Assign`. */
export type JsonPathChoiceRule = JsonPathRule & {
  readonly Next: string;
  readonly Assign?: unknown;
  readonly Comment?: string;
};

export type ChoiceRule = JsonataChoiceRule | JsonPathChoiceRule;

// --- The states ---

export type PassState = StateFields &
  Transition &
  JsonPathFilters &
  OutputAndAssign & {
    readonly Type: 'Pass';
    readonly Parameters?: unknown;
    readonly Result?: unknown;
    readonly ResultPath?: string | null;
  };

export type TaskState = StateFields &
  Transition &
  JsonPathFilters &
  OutputAndAssign &
  ResultFields &
  ErrorHandling & {
    readonly Type: 'Task';
    /** The schema also admits CloudFormation's `{Ref}` / `{Fn::...}` forms, which the engine rejects. */
    readonly Resource: string | Readonly<Record<string, unknown>>;
    /** A number, or (JSONata) a `{% %}` expression. */
    readonly TimeoutSeconds?: number | string;
    readonly TimeoutSecondsPath?: string | null;
    readonly HeartbeatSeconds?: number | string;
    readonly HeartbeatSecondsPath?: string | null;
    readonly Credentials?: unknown;
  };

export type ChoiceState = StateFields &
  JsonPathFilters &
  OutputAndAssign & {
    readonly Type: 'Choice';
    readonly Choices: readonly ChoiceRule[];
    readonly Default?: string;
  };

export type WaitState = StateFields &
  Transition &
  JsonPathFilters &
  OutputAndAssign & {
    readonly Type: 'Wait';
    /** A number, or (JSONata) a `{% %}` expression. */
    readonly Seconds?: number | string;
    readonly SecondsPath?: string | null;
    /** An RFC 3339 date-time, or (JSONata) a `{% %}` expression. */
    readonly Timestamp?: string;
    readonly TimestampPath?: string | null;
  };

export type SucceedState = StateFields &
  JsonPathFilters & {
    readonly Type: 'Succeed';
    readonly Output?: unknown;
  };

export type FailState = StateFields & {
  readonly Type: 'Fail';
  /** A string, or (JSONata) a `{% %}` expression. */
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
};

export type ParallelState = StateFields &
  Transition &
  JsonPathFilters &
  OutputAndAssign &
  ResultFields &
  ErrorHandling & {
    readonly Type: 'Parallel';
    readonly Branches: readonly AslMachine[];
  };

/** A Map's `ItemProcessor` (or `Iterator`, its older name, which the schema checks less): the engine runs `Mode` INLINE only. */
export type ItemProcessor = AslMachine & {
  readonly ProcessorConfig?: { readonly Mode?: unknown };
};

export type MapState = StateFields &
  Transition &
  JsonPathFilters &
  OutputAndAssign &
  ResultFields &
  ErrorHandling & {
    readonly Type: 'Map';
    /** The schema does not require either; the engine does. `Iterator` is the older name. */
    readonly ItemProcessor?: ItemProcessor;
    readonly Iterator?: ItemProcessor;
    /** JSONata: an array or a `{% %}` expression. */
    readonly Items?: readonly unknown[] | string;
    readonly ItemsPath?: string | null;
    readonly ItemSelector?: unknown;
    /** A number, or (JSONata) a `{% %}` expression. */
    readonly MaxConcurrency?: number | string;
    readonly MaxConcurrencyPath?: string | null;
  };

export type AslState =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;

export type StateType = AslState['Type'];

/** A field holding one value (a literal or an expression; under JSONPath also read from its `<field>Path` twin). */
export type ValueField =
  | 'TimeoutSeconds'
  | 'HeartbeatSeconds'
  | 'Seconds'
  | 'Timestamp'
  | 'Error'
  | 'Cause'
  | 'Items'
  | 'MaxConcurrency';
