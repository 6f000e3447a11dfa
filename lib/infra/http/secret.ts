import { inspect } from "node:util";

/**
 * Masks a credential for display: the first 4 characters, an ellipsis and the length
 * (`vmPU…(64)`). Values of 8 characters or fewer are fully hidden (`****(6)`).
 */
export function maskSecret(value: string): string {
  if (value.length <= 8) return `****(${value.length})`;
  return `${value.slice(0, 4)}…(${value.length})`;
}

/**
 * A credential that cannot leak by accident: `String(s)`, `JSON.stringify(s)`, template literals and
 * `util.inspect` (console.log, pino) all show the masked form. Only `reveal()` gives the value, and
 * only code that signs or authenticates a request should call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get masked(): string {
    return maskSecret(this.#value);
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `Secret(${this.masked})`;
  }
}

export function isSecret(v: unknown): v is Secret {
  return v instanceof Secret;
}
