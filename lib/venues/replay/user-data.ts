/** A user data event as user-data-stream.md documents it ({ e, E, ... }). */
export type UserDataEvent = Record<string, unknown>;

export type UserDataListener = (event: UserDataEvent) => void;

/**
 * The replay account's user data events (executionReport, outboundAccountPosition, balanceUpdate):
 * the order side publishes them, every active WebSocket API subscription receives them.
 */
export class UserDataHub {
  private readonly listeners = new Set<UserDataListener>();

  /** Starts delivering events to `listener`; returns the function that stops it. */
  subscribe(listener: UserDataListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(event: UserDataEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
