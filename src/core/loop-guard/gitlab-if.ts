/**
 * GitLab `rules:if` expressions, evaluated for one hypothetical push with three-valued logic:
 * `true`, `false`, or `undefined` when the answer depends on something we cannot know (a project
 * variable, an unknown branch name). Callers decide what "unknown" means (the guard assumes the
 * worst: the pipeline runs). Supports `$VAR`, `${VAR}`, strings, `null`, `/regex/flags`, `==`,
 * `!=`, `=~`, `!~`, `&&`, `||`, parentheses.
 */

export type Tri = boolean | undefined;
/** Stands for "the default branch, name unknown": equal to itself, unknown against any other text. */
export const UNKNOWN_DEFAULT_BRANCH = '\u0000default-branch';
/** A variable's value: a string, null when unset, or undefined when unknown. */
export type VarValue = string | null | undefined;
type Value = { kind: 'value'; value: VarValue } | { kind: 'regex'; regex: RegExp | undefined };

export function evaluateIf(expression: string, lookup: (name: string) => VarValue): Tri {
  const tokens = tokenize(expression);
  if (!tokens) return undefined;
  let pos = 0;
  const peek = () => tokens[pos];

  const operand = (): Value | undefined => {
    const token = tokens[pos++];
    if (!token) return undefined;
    if (token.startsWith('$')) return { kind: 'value', value: lookup(token.replace(/^\$\{?|\}$/g, '')) };
    if (token.startsWith('"') || token.startsWith("'")) return { kind: 'value', value: token.slice(1, -1) };
    if (token === 'null') return { kind: 'value', value: null };
    if (token.startsWith('/')) {
      const end = token.lastIndexOf('/');
      try {
        return {
          kind: 'regex',
          regex: new RegExp(
            token.slice(1, end),
            token
              .slice(end + 1)
              .replace(/[^imsx]/g, '')
              .replace('x', ''),
          ),
        };
      } catch {
        return { kind: 'regex', regex: undefined };
      }
    }
    return undefined;
  };

  const comparison = (): Tri | 'error' => {
    if (peek() === '(') {
      pos++;
      const inner = or();
      if (tokens[pos++] !== ')') return 'error';
      return inner;
    }
    const left = operand();
    if (!left) return 'error';
    const op = peek();
    if (op === '==' || op === '!=' || op === '=~' || op === '!~') {
      pos++;
      const right = operand();
      if (!right) return 'error';
      return compare(left, op, right);
    }
    if (left.kind !== 'value') return 'error';
    return left.value === undefined ? undefined : left.value !== null && left.value !== '';
  };

  const and = (): Tri | 'error' => {
    let result = comparison();
    while (peek() === '&&') {
      pos++;
      const next = comparison();
      if (result === 'error' || next === 'error') return 'error';
      result =
        result === false || next === false
          ? false
          : result === undefined || next === undefined
            ? undefined
            : true;
    }
    return result;
  };

  const or = (): Tri | 'error' => {
    let result = and();
    while (peek() === '||') {
      pos++;
      const next = and();
      if (result === 'error' || next === 'error') return 'error';
      result =
        result === true || next === true
          ? true
          : result === undefined || next === undefined
            ? undefined
            : false;
    }
    return result;
  };

  const result = or();
  return result === 'error' || pos !== tokens.length ? undefined : result;
}

function compare(left: Value, op: string, right: Value): Tri {
  if (op === '==' || op === '!=') {
    if (left.kind !== 'value' || right.kind !== 'value') return undefined;
    if (left.value === undefined || right.value === undefined) return undefined;
    const sentinels =
      Number(left.value === UNKNOWN_DEFAULT_BRANCH) + Number(right.value === UNKNOWN_DEFAULT_BRANCH);
    if (sentinels === 1 && left.value !== null && right.value !== null) return undefined;
    const equal = left.value === right.value;
    return op === '==' ? equal : !equal;
  }
  if (left.kind !== 'value' || right.kind !== 'regex' || !right.regex) return undefined;
  if (left.value === undefined || left.value === UNKNOWN_DEFAULT_BRANCH) return undefined;
  const matched = left.value !== null && right.regex.test(left.value);
  return op === '=~' ? matched : !matched;
}

function tokenize(expression: string): string[] | undefined {
  const tokens: string[] = [];
  const pattern =
    /\s*(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\/(?:[^/\\]|\\.)*\/[a-z]*|==|!=|=~|!~|&&|\|\||\(|\)|null)\s*/y;
  let index = 0;
  const source = expression.trim();
  while (index < source.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(source);
    if (!match) return undefined;
    tokens.push(match[1]!);
    index = pattern.lastIndex;
  }
  return tokens;
}
