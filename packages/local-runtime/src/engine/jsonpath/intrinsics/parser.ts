import { InvalidJsonPathDefinitionError } from '../../errors';
import { type CompiledPath, compilePath } from '../path';

/**
 * Parser for intrinsic function calls (ASL Appendix B), e.g.
 * `States.Format('{} is {}', $.name, States.ArrayLength($.items))`.
 *
 * String literals are single-quoted; `\` escapes `'`, `{`, `}` and `\`. An escaped brace
 * stays distinguishable from a `{}` placeholder (see `raw`), which only States.Format reads.
 */
export type IntrinsicNode =
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly IntrinsicNode[];
      readonly text: string;
    }
  | { readonly kind: 'literal'; readonly value: unknown; readonly raw?: string }
  | { readonly kind: 'path'; readonly path: CompiledPath };

/** AWS allows up to 10 nested intrinsic functions in one field. */
export const MAX_NESTING = 10;

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly field: string,
  ) {}

  fail(message: string): never {
    throw new InvalidJsonPathDefinitionError(
      `the intrinsic function call '${this.text}' in '${this.field}' is invalid: ${message} (at character ${this.pos})`,
    );
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t' || this.text[this.pos] === '\n')
      this.pos++;
  }

  parseAll(): IntrinsicNode {
    this.skipSpaces();
    const node = this.parseCall(1);
    this.skipSpaces();
    if (this.pos !== this.text.length) this.fail(`unexpected '${this.text.slice(this.pos)}' after the call`);
    return node;
  }

  private parseCall(depth: number): IntrinsicNode {
    if (depth > MAX_NESTING) this.fail(`more than ${MAX_NESTING} nested intrinsic functions`);
    const start = this.pos;
    const match = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.pos));
    if (!match) this.fail("expected a function name such as 'States.Format'");
    const name = match[0];
    this.pos += name.length;
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail(`expected '(' after ${name}`);
    this.pos++;
    const args: IntrinsicNode[] = [];
    this.skipSpaces();
    if (this.text[this.pos] === ')') {
      this.pos++;
    } else {
      for (;;) {
        this.skipSpaces();
        args.push(this.parseArgument(depth));
        this.skipSpaces();
        const c = this.text[this.pos];
        this.pos++;
        if (c === ')') break;
        if (c !== ',') this.fail(`expected ',' or ')' in the arguments of ${name}`);
      }
    }
    return { kind: 'call', name, args, text: this.text.slice(start, this.pos) };
  }

  private parseArgument(depth: number): IntrinsicNode {
    const rest = this.text.slice(this.pos);
    if (rest.startsWith("'")) return this.parseString();
    if (rest.startsWith('States.')) return this.parseCall(depth + 1);
    if (rest.startsWith('$')) return this.parsePath();
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (rest.startsWith(word)) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail('expected a string, number, boolean, null, JSONPath or intrinsic function as argument');
  }

  private parseString(): IntrinsicNode {
    this.pos++;
    let value = '';
    let raw = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] as string;
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined || !"'{}\\".includes(next)) {
          this.fail(`'\\' must be followed by one of ' { } \\ in a string literal`);
        }
        value += next;
        raw += c + next;
        this.pos += 2;
      } else if (c === "'") {
        this.pos++;
        return { kind: 'literal', value, raw };
      } else {
        value += c;
        raw += c;
        this.pos++;
      }
    }
    return this.fail('unterminated string literal');
  }

  private parsePath(): IntrinsicNode {
    const start = this.pos;
    let brackets = 0;
    let quote: string | undefined;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos] as string;
      if (quote) {
        if (c === '\\') this.pos++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '[' || c === '(') {
        brackets++;
      } else if (c === ']' || c === ')') {
        if (brackets === 0) break;
        brackets--;
      } else if (c === ',' && brackets === 0) {
        break;
      }
      this.pos++;
    }
    const text = this.text.slice(start, this.pos).trim();
    return { kind: 'path', path: compilePath(text) };
  }
}

/** Parses one intrinsic call; throws InvalidJsonPathDefinitionError with the position of the problem. */
export function parseIntrinsic(text: string, field: string): IntrinsicNode {
  return new Parser(text, field).parseAll();
}
