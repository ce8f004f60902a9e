/** A number literal kept as its text. */
export interface JsonNumberText {
  readonly num: string;
}
export type LosslessJson =
  | null
  | boolean
  | string
  | JsonNumberText
  | LosslessJson[]
  | { [key: string]: LosslessJson };

/**
 * Parses JSON keeping every number's digits (JSON.parse turns 38-digit numbers into doubles). Strict enough
 * for tests: it is used to check that our JSON output carries numbers exactly.
 */
export function parseLosslessJson(text: string): LosslessJson {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${at} in ${text.slice(Math.max(0, at - 20), at + 20)}`);
  };
  const space = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const value = (): LosslessJson => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const object: Record<string, LosslessJson> = {};
      space();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        space();
        const key = value();
        if (typeof key !== 'string') fail('object key');
        space();
        if (text[at++] !== ':') fail('colon');
        // defineProperty, not assignment: a key named "__proto__" must stay an own property, as in JSON.parse.
        Object.defineProperty(object, key as string, {
          value: value(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        space();
        const next = text[at++];
        if (next === '}') return object;
        if (next !== ',') fail('comma');
      }
    }
    if (c === '[') {
      at++;
      const array: LosslessJson[] = [];
      space();
      if (text[at] === ']') {
        at++;
        return array;
      }
      for (;;) {
        array.push(value());
        space();
        const next = text[at++];
        if (next === ']') return array;
        if (next !== ',') fail('comma');
      }
    }
    if (c === '"') {
      const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(at));
      if (!match) return fail('string');
      at += match[0].length;
      return JSON.parse(match[0]) as string;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at));
    if (!literal) return fail('value');
    at += literal[0].length;
    if (literal[0] === 'true') return true;
    if (literal[0] === 'false') return false;
    if (literal[0] === 'null') return null;
    return { num: literal[0] };
  };
  const result = value();
  space();
  if (at !== text.length) fail('trailing text');
  return result;
}
