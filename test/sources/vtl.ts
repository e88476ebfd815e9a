/**
 * A small renderer for the subset of Velocity (VTL) that the API's mapping templates use, with
 * API Gateway's `$input`, `$util.escapeJavaScript` and `$context.responseOverride`. It lets tests
 * render a template against a payload and parse the result, instead of reading the template text.
 *
 * Supported: `#set`, `#if`/`#elseif`/`#else`/`#end`, references `$a.b.c(...)` (also `$!` and
 * `${}`), string literals ('…' verbatim, "…" interpolated), integers, `==`, `!=`, `>`, `<`, and the
 * Java String methods `replaceAll`, `startsWith`, `length`, `substring`.
 */

export interface Rendered {
  body: string;
  /** `$context.responseOverride.status`, when the template set it. */
  status?: number;
}

type Value = unknown;

/**
 * `$util.escapeJavaScript`: Apache Commons Lang 2 `StringEscapeUtils.escapeJavaScript`, which
 * API Gateway documents as escaping with JavaScript string rules (so `'` becomes `\'`).
 */
export function escapeJavaScript(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code > 0xffff) {
      // Commons Lang works on UTF-16 code units.
      for (const unit of [ch.charCodeAt(0), ch.charCodeAt(1)]) out += `\\u${hex4(unit)}`;
    } else if (code > 0x7f) {
      out += `\\u${hex4(code)}`;
    } else if (code < 32) {
      const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      out += named[code] ?? `\\u${hex4(code)}`;
    } else {
      const escaped: Record<string, string> = { "'": "\\'", '"': '\\"', '\\': '\\\\', '/': '\\/' };
      out += escaped[ch] ?? ch;
    }
  }
  return out;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** Renders `template` with `payload` as the request or integration response body. */
export function renderVtl(template: string, payload: Value): Rendered {
  return new Renderer(template, payload).render();
}

class Renderer {
  private pos = 0;
  private vars = new Map<string, Value>();
  private readonly responseOverride: { status?: number } = {};

  constructor(
    private readonly src: string,
    private readonly payload: Value,
  ) {
    this.vars.set('input', {
      path: (p: string) => jsonPath(this.payload, p),
      json: (p: string) => JSON.stringify(jsonPath(this.payload, p)),
    });
    this.vars.set('util', { escapeJavaScript: (s: unknown) => escapeJavaScript(String(s)) });
    this.vars.set('context', { responseOverride: this.responseOverride });
  }

  render(): Rendered {
    const body = this.block(true);
    if (this.pos < this.src.length) throw new Error(`unexpected directive at ${this.pos}`);
    return {
      body,
      ...(this.responseOverride.status === undefined ? {} : { status: this.responseOverride.status }),
    };
  }

  /** Renders until `#elseif`, `#else` or `#end` (left unread); `emit` false skips output and effects. */
  private block(emit: boolean): string {
    let out = '';
    while (this.pos < this.src.length) {
      const rest = this.src.slice(this.pos);
      if (/^#(elseif\s*\(|else\b|end\b)/.test(rest)) return out;
      if (/^#set\s*\(/.test(rest)) {
        const inner = this.directiveArgs();
        if (emit) this.assign(inner);
      } else if (/^#if\s*\(/.test(rest)) {
        out += this.ifChain(emit);
      } else if (rest.startsWith('$')) {
        const start = this.pos;
        const { value, quiet } = this.reference();
        if (emit)
          out += value === undefined ? (quiet ? '' : this.src.slice(start, this.pos)) : stringOf(value);
      } else {
        if (emit) out += rest[0];
        this.pos += 1;
      }
    }
    return out;
  }

  private ifChain(emit: boolean): string {
    let taken = false;
    let out = '';
    // Conditions are only evaluated when their branch could run, as in Velocity.
    const first = this.directiveArgs();
    let condition: () => Value = () => this.evaluate(first);
    for (;;) {
      const run: boolean = emit && !taken && truthy(condition());
      out += this.block(run);
      taken ||= run;
      const rest = this.src.slice(this.pos);
      if (/^#elseif\s*\(/.test(rest)) {
        const args = this.directiveArgs();
        condition = () => this.evaluate(args);
      } else if (rest.startsWith('#else')) {
        this.skipDirective('#else');
        condition = () => true;
      } else if (rest.startsWith('#end')) {
        this.skipDirective('#end');
        return out;
      } else {
        throw new Error('#if without #end');
      }
    }
  }

  private skipDirective(word: string): void {
    this.pos += word.length;
    if (this.src[this.pos] === '\n') this.pos += 1;
  }

  /** Reads `#name( … )` and returns what is inside the parentheses; a newline after it is eaten. */
  private directiveArgs(): string {
    this.pos = this.src.indexOf('(', this.pos) + 1;
    const start = this.pos;
    let depth = 1;
    let quote: string | undefined;
    while (depth > 0) {
      const ch = this.src[this.pos];
      if (ch === undefined) throw new Error('unbalanced parenthesis');
      if (quote !== undefined) {
        if (ch === quote) quote = undefined;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '(') depth += 1;
      else if (ch === ')') depth -= 1;
      this.pos += 1;
    }
    const inner = this.src.slice(start, this.pos - 1);
    if (this.src[this.pos] === '\n') this.pos += 1;
    return inner;
  }

  private assign(inner: string): void {
    const match = /^\s*\$\{?([A-Za-z_][\w.]*)\}?\s*=([\s\S]*)$/.exec(inner);
    if (match?.[1] === undefined || match[2] === undefined) throw new Error(`bad #set(${inner})`);
    const names = match[1].split('.');
    const value = this.evaluate(match[2]);
    const last = names.pop() as string;
    if (names.length === 0) {
      this.vars.set(last, value);
      return;
    }
    let target = this.vars.get(names[0] as string) as Record<string, unknown>;
    for (const name of names.slice(1)) target = target[name] as Record<string, unknown>;
    target[last] = value;
  }

  /** Evaluates an expression in a nested renderer positioned on its text. */
  private evaluate(expression: string): Value {
    const sub = new Renderer(expression, this.payload);
    sub.shareScope(this);
    return sub.expression();
  }

  private shareScope(parent: Renderer): void {
    this.vars = parent.vars;
  }

  private expression(): Value {
    const left = this.primary();
    this.spaces();
    const op = /^(==|!=|>=|<=|>|<)/.exec(this.src.slice(this.pos))?.[1];
    if (op === undefined) return left;
    this.pos += op.length;
    const right = this.primary();
    switch (op) {
      case '==':
        return left === right;
      case '!=':
        return left !== right;
      case '>':
        return Number(left) > Number(right);
      case '<':
        return Number(left) < Number(right);
      case '>=':
        return Number(left) >= Number(right);
      default:
        return Number(left) <= Number(right);
    }
  }

  private primary(): Value {
    this.spaces();
    const ch = this.src[this.pos];
    if (ch === "'") return this.literal("'");
    if (ch === '"') {
      const raw = this.literal('"');
      const sub = new Renderer(raw, this.payload);
      sub.shareScope(this);
      return sub.block(true);
    }
    if (ch === '$') return this.reference().value;
    const number = /^-?\d+/.exec(this.src.slice(this.pos))?.[0];
    if (number !== undefined) {
      this.pos += number.length;
      return Number(number);
    }
    throw new Error(`unexpected '${ch}' in expression ${this.src}`);
  }

  private literal(quote: string): string {
    const end = this.src.indexOf(quote, this.pos + 1);
    const text = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return text;
  }

  private spaces(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos += 1;
  }

  /** `$name(.member | .method(args))*`, with `$!` and `${…}` forms. */
  private reference(): { value: Value; quiet: boolean } {
    this.pos += 1;
    const quiet = this.src[this.pos] === '!';
    if (quiet) this.pos += 1;
    const braced = this.src[this.pos] === '{';
    if (braced) this.pos += 1;
    const name = this.identifier();
    let value: Value = this.vars.get(name);
    for (;;) {
      if (this.src[this.pos] !== '.' || !/[A-Za-z_]/.test(this.src[this.pos + 1] ?? '')) break;
      this.pos += 1;
      const member = this.identifier();
      if (this.src[this.pos] === '(') {
        value = this.call(value, member, this.callArgs());
      } else {
        value =
          value === undefined || value === null ? undefined : (value as Record<string, unknown>)[member];
      }
    }
    if (braced) this.pos += 1;
    return { value, quiet };
  }

  private identifier(): string {
    const id = /^[A-Za-z_][\w-]*/.exec(this.src.slice(this.pos))?.[0];
    if (id === undefined) throw new Error(`identifier expected at ${this.src.slice(this.pos)}`);
    this.pos += id.length;
    return id;
  }

  private callArgs(): Value[] {
    this.pos += 1;
    const args: Value[] = [];
    this.spaces();
    while (this.src[this.pos] !== ')') {
      args.push(this.expression());
      this.spaces();
      if (this.src[this.pos] === ',') this.pos += 1;
      this.spaces();
    }
    this.pos += 1;
    return args;
  }

  private call(target: Value, method: string, args: Value[]): Value {
    if (typeof target === 'string') {
      switch (method) {
        case 'replaceAll':
          // Java regex and replacement; the templates use no `$` groups in replacements.
          return target.replace(new RegExp(String(args[0]), 'g'), () => String(args[1]));
        case 'startsWith':
          return target.startsWith(String(args[0]));
        case 'length':
          return target.length;
        case 'substring':
          return target.substring(Number(args[0]), Number(args[1]));
      }
    }
    const fn = (target as Record<string, unknown> | undefined)?.[method];
    if (typeof fn !== 'function') throw new Error(`no method ${method} on ${stringOf(target)}`);
    return fn(...args);
  }
}

function truthy(value: Value): boolean {
  return value !== undefined && value !== null && value !== false;
}

function stringOf(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `$input.path`: `$` or a dotted path from the root. */
function jsonPath(payload: Value, path: string): Value {
  if (path === '$') return payload;
  let value = payload;
  for (const name of path.replace(/^\$\./, '').split('.')) {
    value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[name];
  }
  return value;
}
