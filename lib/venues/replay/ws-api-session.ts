import type { WebSocket } from "ws";
import type { WireError } from "./errors";
import type { UserDataHub } from "./user-data";

/** A successful result or a Binance error, with the weight the request costs. */
export type MethodOutcome = { result: unknown; error?: undefined } | { error: WireError; result?: undefined };

/** The one account of the replay exchange: every key of it gets the same user data. */
const ACCOUNT = "replay";

/** web-socket-api.md "User Data Stream subscription": limits per session. */
const MAX_ACTIVE = 1000;
const MAX_LIFETIME = 65_535;

export const sessionErrors = {
  notLoggedOn: (): WireError => ({ status: 401, code: -1002, msg: "You are not authorized to execute this request." }),
  active: (): WireError => ({ status: 400, code: -2035, msg: "User Data Stream subscription already active." }),
  inactive: (): WireError => ({ status: 400, code: -2036, msg: "User Data Stream subscription not active." }),
  maxIds: (): WireError => ({ status: 400, code: -2042, msg: "Maximum subscription ID reached for this connection." }),
};

interface Subscription {
  account: string;
  /** Opened with userDataStream.subscribe (ends with session.logout) or .signature (does not). */
  viaLogon: boolean;
  stop(): void;
}

/**
 * One WebSocket API connection's session: the logged-on API key (session.logon, Ed25519 only) and
 * the user data subscriptions, each delivering the account's events as { subscriptionId, event }
 * and ending with eventStreamTerminated (user-data-stream.md).
 */
export class WsApiSession {
  apiKey: string | null = null;
  authorizedSince: number | null = null;
  private readonly subs = new Map<number, Subscription>();
  private nextId = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly users: UserDataHub,
    private readonly now: () => number,
    readonly connectedSince: number,
    readonly returnRateLimits: boolean,
  ) {}

  /** session.logon / session.status / session.logout result. */
  status(): Record<string, unknown> {
    return {
      apiKey: this.apiKey,
      authorizedSince: this.authorizedSince,
      connectedSince: this.connectedSince,
      returnRateLimits: this.returnRateLimits,
      serverTime: this.now(),
      userDataStream: this.subs.size > 0,
    };
  }

  logon(apiKey: string): void {
    this.apiKey = apiKey;
    this.authorizedSince = this.now();
  }

  /** Forgets the key and ends the subscription opened with userDataStream.subscribe (not the signature ones). */
  logout(): void {
    this.apiKey = null;
    this.authorizedSince = null;
    for (const [id, s] of this.subs) if (s.viaLogon) this.end(id);
  }

  subscribe(viaLogon: boolean): MethodOutcome {
    if ([...this.subs.values()].some((s) => s.account === ACCOUNT)) return { error: sessionErrors.active() };
    if (this.subs.size >= MAX_ACTIVE || this.nextId >= MAX_LIFETIME) return { error: sessionErrors.maxIds() };
    const subscriptionId = this.nextId++;
    const stop = this.users.subscribe((event) => this.send({ subscriptionId, event }));
    this.subs.set(subscriptionId, { account: ACCOUNT, viaLogon, stop });
    return { result: { subscriptionId } };
  }

  /** userDataStream.unsubscribe: one subscription by id, or all without one. */
  unsubscribe(id: number | undefined): MethodOutcome {
    if (id === undefined) {
      for (const k of [...this.subs.keys()]) this.end(k);
      return { result: {} };
    }
    if (!this.subs.has(id)) return { error: sessionErrors.inactive() };
    this.end(id);
    return { result: {} };
  }

  list(): { subscriptionId: number }[] {
    return [...this.subs.keys()].map((subscriptionId) => ({ subscriptionId }));
  }

  /** The connection is gone: stop listening, send nothing. */
  dispose(): void {
    for (const s of this.subs.values()) s.stop();
    this.subs.clear();
  }

  private end(id: number): void {
    const s = this.subs.get(id);
    if (!s) return;
    s.stop();
    this.subs.delete(id);
    this.send({ subscriptionId: id, event: { e: "eventStreamTerminated", E: this.now() } });
  }

  private send(frame: unknown): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }
}
