// A tiny parser for the task expressions: non-negative integers, + - *, and
// parentheses, with the usual precedence (* before + -, left to right).
// Grammar:  expr = term (('+'|'-') term)* ;  term = factor ('*' factor)* ;
//           factor = digits | '(' expr ')'

export type ExprNode =
  | { kind: 'num'; value: number }
  | { kind: 'op'; op: '+' | '-' | '*'; left: ExprNode; right: ExprNode };

export function parseExpression(text: string): ExprNode {
  let pos = 0;
  const bad = (what: string): never => {
    throw new Error(`bad expression ${JSON.stringify(text)}: ${what} at position ${pos}`);
  };
  const factor = (): ExprNode => {
    if (text[pos] === '(') {
      pos++;
      const e = expr();
      if (text[pos] !== ')') bad("expected ')'");
      pos++;
      return e;
    }
    const m = /^\d+/.exec(text.slice(pos));
    if (!m) return bad('expected a number');
    pos += m[0].length;
    return { kind: 'num', value: Number(m[0]) };
  };
  const term = (): ExprNode => {
    let left = factor();
    while (text[pos] === '*') {
      pos++;
      left = { kind: 'op', op: '*', left, right: factor() };
    }
    return left;
  };
  const expr = (): ExprNode => {
    let left = term();
    while (text[pos] === '+' || text[pos] === '-') {
      const op = text[pos] as '+' | '-';
      pos++;
      left = { kind: 'op', op, left, right: term() };
    }
    return left;
  };
  const root = expr();
  if (pos !== text.length) bad('unexpected character');
  return root;
}

export function applyOp(op: '+' | '-' | '*', a: number, b: number): number {
  const v = op === '+' ? a + b : op === '-' ? a - b : a * b;
  return v === 0 ? 0 : v; // never -0: answers are compared with Object.is in places
}

export function evaluateNode(n: ExprNode): number {
  return n.kind === 'num' ? n.value : applyOp(n.op, evaluateNode(n.left), evaluateNode(n.right));
}

export function evaluateExpression(text: string): number {
  return evaluateNode(parseExpression(text));
}
