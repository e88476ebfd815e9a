/**
 * The pieces of JSONata and DynamoDB expression both workflows are made of, each written once: ASL
 * has no functions, so a piece used in several states is rendered into each of them.
 */
import { defaultKeyExpression, type ResolvedDefinitionOptions } from '../definition';

/** DynamoDB's partition key limit, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 2048;

/** The statuses of an idempotency record. */
export const RecordStatus = { InProgress: 'INPROGRESS', Completed: 'COMPLETED' } as const;

/** The execution the running state belongs to: the owner a record names. */
export const THIS_EXECUTION = '$states.context.Execution.Id';

/**
 * The UTF-8 byte length of a string: in `$encodeUrlComponent` every `%XX` is one byte and every
 * other character one ASCII byte. (A lone surrogate cannot be encoded: the expression fails.)
 */
export function utf8Length(text: string): string {
  return `( $encoded := $encodeUrlComponent(${text}); 2 * $length($replace($encoded, '%', '')) - $length($encoded) )`;
}

/**
 * The exact JSON text of a value, which `$parse` turns back into it. `$string` leaves a string
 * unquoted, so a string is serialised inside an array and the brackets are cut off.
 */
export function jsonText(value: string): string {
  return `($type(${value}) = 'string' ? $substring($string([${value}]), 1, $length($string([${value}])) - 2) : $string(${value}))`;
}

/**
 * Whether the definition checks the key at run time: only when the key expression is the user's
 * own (`idempotencyKey`), which may yield nothing, another type, or a key too long for DynamoDB.
 * The default key is the SHA-256 of the event, always 64 hex characters, so `<prefix>#<hash>`
 * (a prefix is at most 128 characters) is always a valid id, and the checks could never fail.
 */
export function validatesKey(o: Pick<ResolvedDefinitionOptions, 'keyExpression' | 'inputShape'>): boolean {
  return o.keyExpression !== defaultKeyExpression(o.inputShape);
}

/**
 * A record's `id` from `$states.input`: `<keyPrefix>#<key>`. With a key expression of the user's
 * own (validatesKey), a string or number key gives that id, and a key that is missing, of another
 * type, or longer than DynamoDB's partition key limit gives '' (DynamoDB rejects '' before writing,
 * and ClassifyRejectedClaim tells the three apart). With the default key the id is the plain
 * concatenation. The orphaned-lease release evaluates the same text on the failed execution's
 * input, so it finds the same record.
 */
export function recordIdExpression(
  o: Pick<ResolvedDefinitionOptions, 'keyExpression' | 'keyPrefix' | 'inputShape'>,
): string {
  if (!validatesKey(o)) return `'${o.keyPrefix}#' & ${o.keyExpression}`;
  return (
    `( $key := (${o.keyExpression}); ` +
    "$keyText := $type($key) = 'string' ? $key : ($type($key) = 'number' ? $string($key) : ''); " +
    `$recordId := $keyText = '' ? '' : '${o.keyPrefix}#' & $keyText; ` +
    `${utf8Length('$recordId')} > ${MAX_KEY_BYTES} ? '' : $recordId )`
  );
}

/**
 * The SHA-256 of the validated part of the event, as the record's `validation` keeps it; a part
 * the expression does not find hashes as 'undefined', so it still compares.
 */
export function payloadHashExpression(validationExpression: string): string {
  return `( $payload := (${validationExpression}); $hash($exists($payload) ? ${jsonText('$payload')} : 'undefined', 'SHA-256') )`;
}

/** The cause of a caught error (kept in `variable`), or '' when it had none. */
export function causeOf(variable: string): string {
  return `$exists(${variable}.Cause) ? ${variable}.Cause : ''`;
}

/** The condition that the record is owned by the execution in `value`: how writes are fenced. */
export function ownedBy(value: string): string {
  return `#execution = ${value}`;
}

/** Completion and release write only a record this execution still owns. */
export const FENCE = ownedBy(':me');

/**
 * The claim wins when the key is new, its record expired, its lease ran out, or this execution
 * already holds it INPROGRESS: a retried claim whose first attempt did write, not a duplicate.
 */
export const CLAIM_CONDITION = `attribute_not_exists(#id) OR #expiration < :now OR (#status = :inprogress AND #in_progress_expiration < :now_ms) OR (${FENCE} AND #status = :inprogress)`;

/** ExpressionAttributeNames for record attributes: `#name` → `name`. */
export function attributeNames(...names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [`#${name}`, name]));
}
