/**
 * Where JSON text goes wrong. `JSON.parse` messages differ between Node
 * versions and some give no position at all, so when parsing fails this
 * small recursive-descent reader finds the first offending character and
 * says what was expected there, as `line L, column C`.
 */

/** A JSON syntax error: what is wrong, and where (1-based line and column). */
export interface JsonSyntaxError {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

class Stop extends Error {
  constructor(
    readonly at: number,
    readonly what: string,
  ) {
    super(what);
  }
}

function scan(text: string): void {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const found = (): string => (i >= text.length ? 'the end of the text' : JSON.stringify(text[i]));
  const expect = (what: string): never => {
    throw new Stop(i, `expected ${what}, found ${found()}`);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else expect('a value');
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) throw new Stop(i, 'a line break or control character inside a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i, 'a bad \\u escape');
          i += 5;
        } else if (i < text.length && '"\\/bfnrt'.includes(text[i] as string)) i++;
        else throw new Stop(i, 'a bad escape in a string');
      } else i++;
    }
    if (i >= text.length) throw new Stop(i, 'a string that is not closed');
    i++;
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) expect('a value');
    else i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') expect('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') expect('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        expect('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        expect('"," or "]"');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    if (c === 't') {
      literal('true');
      return;
    }
    if (c === 'f') {
      literal('false');
      return;
    }
    if (c === 'n') {
      literal('null');
      return;
    }
    number();
  };
  value();
  ws();
  if (i < text.length) expect('the end of the text');
}

/**
 * The first syntax error of JSON text, or `undefined` when it is valid JSON
 * or nests too deeply for this reader (it recurses per bracket; the caller
 * then falls back to `JSON.parse`'s own message).
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.at);
    const line = before.split('\n').length;
    const column = e.at - before.lastIndexOf('\n');
    return { message: e.what, line, column };
  }
}
