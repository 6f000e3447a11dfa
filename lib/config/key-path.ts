/** A key path through a config: mapping keys and array indices. */
export type KeyPath = readonly (string | number)[];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `risk.maxPositionNotional`, `noTrade.dailyUtc[0]`, `a["odd.key"]`; the empty path is `(root)`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const seg of path) {
    if (typeof seg === "number") s += `[${seg}]`;
    else if (typeof seg === "string" && IDENT.test(seg)) s += s === "" ? seg : `.${seg}`;
    else s += `[${JSON.stringify(String(seg))}]`;
  }
  return s === "" ? "(root)" : s;
}

/** The value at `path` inside `root`, or undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}
