/**
 * Secret VALUES (API keys and secrets read from the environment) that must never appear in a log
 * line. The logger passes every finished line through `mask()`, so a secret is replaced wherever it
 * shows up: a message, a bound field, an error text, a URL.
 */
export class SecretRegistry {
  /** Values shorter than this are refused: masking them would shred ordinary text. */
  static readonly MIN_LENGTH = 4;
  private readonly forms = new Map<string, string[]>();

  /** Registers a secret (ignored when empty or undefined). Returns false when too short to mask. */
  add(value: string | undefined | null): boolean {
    if (value === undefined || value === null || value === "") return true;
    if (value.length < SecretRegistry.MIN_LENGTH) return false;
    if (this.forms.has(value)) return true;
    // The value as written, as it appears inside a JSON string, and URL-encoded (query strings).
    const variants = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
    this.forms.set(value, [...variants].sort((a, b) => b.length - a.length));
    return true;
  }

  addAll(values: Iterable<string | undefined>): void {
    for (const v of values) this.add(v);
  }

  get size(): number {
    return this.forms.size;
  }

  clear(): void {
    this.forms.clear();
  }

  /** `text` with every registered secret replaced by `***`. */
  mask(text: string): string {
    if (this.forms.size === 0) return text;
    let out = text;
    for (const variants of this.forms.values()) for (const v of variants) if (out.includes(v)) out = out.split(v).join("***");
    return out;
  }
}

/** The process-wide registry loggers use by default. */
export const globalSecrets = new SecretRegistry();

/** Registers a secret value with the process-wide registry. */
export function registerSecret(value: string | undefined | null): boolean {
  return globalSecrets.add(value);
}
