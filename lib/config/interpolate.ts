/**
 * `${NAME}` and `${NAME:-default}` substitution in config strings.
 *
 * - `${NAME}`: the value of environment variable NAME; an error when it is unset.
 * - `${NAME:-default}`: NAME's value, or `default` when NAME is unset or empty (default may be empty).
 * - `$${` is a literal `${`.
 * NAME is `[A-Za-z_][A-Za-z0-9_]*`; anything else after `${` is a syntax error, never passed through.
 */

export type Env = Readonly<Record<string, string | undefined>>;

// every member lists every field (absent ones as `?: undefined`): notebooks compile lib without
// strictNullChecks, where narrowing on `ok` does not happen
export type InterpolationResult =
  | { ok: true; value: string; vars: string[]; wholeValue: boolean; kind?: undefined; variable?: undefined; message?: undefined }
  | { ok: false; kind: "missing"; variable: string; message: string; value?: undefined; vars?: undefined; wholeValue?: undefined }
  | { ok: false; kind: "syntax"; message: string; variable?: undefined; value?: undefined; vars?: undefined; wholeValue?: undefined };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `text` contains something to substitute or unescape. */
export function hasPlaceholder(text: string): boolean {
  return text.includes("${");
}

/**
 * Substitutes every placeholder in `text`. `wholeValue` is true when the text was exactly one
 * placeholder (the loader then reads the result as a YAML scalar, so `${PORT:-8080}` is a number).
 */
export function interpolate(text: string, env: Env): InterpolationResult {
  let out = "";
  const vars: string[] = [];
  let i = 0;
  let placeholders = 0;
  let literalChars = 0;
  while (i < text.length) {
    const start = text.indexOf("$", i);
    if (start < 0) {
      out += text.slice(i);
      literalChars += text.length - i;
      break;
    }
    out += text.slice(i, start);
    literalChars += start - i;
    if (text.startsWith("$${", start)) {
      out += "${";
      literalChars += 2;
      i = start + 3;
      continue;
    }
    if (!text.startsWith("${", start)) {
      out += "$";
      literalChars += 1;
      i = start + 1;
      continue;
    }
    const end = text.indexOf("}", start + 2);
    if (end < 0) return { ok: false, kind: "syntax", message: `unclosed placeholder "${text.slice(start)}" (write $\${ for a literal \${)` };
    const body = text.slice(start + 2, end);
    const sep = body.indexOf(":-");
    const name = sep >= 0 ? body.slice(0, sep) : body;
    if (!NAME.test(name)) {
      return { ok: false, kind: "syntax", message: `bad placeholder "\${${body}}": expected \${NAME} or \${NAME:-default} with NAME like API_KEY` };
    }
    const value = env[name];
    vars.push(name);
    placeholders += 1;
    if (sep >= 0) {
      out += value === undefined || value === "" ? body.slice(sep + 2) : value;
    } else if (value === undefined) {
      return { ok: false, kind: "missing", variable: name, message: `environment variable ${name} is not set (use \${${name}:-default} to allow a default)` };
    } else {
      out += value;
    }
    i = end + 1;
  }
  return { ok: true, value: out, vars, wholeValue: placeholders === 1 && literalChars === 0 };
}
