import { createHmac, createPublicKey, verify } from "node:crypto";
import type { WebSocket } from "ws";

/**
 * The loopback's WebSocket API (/ws-api/v3), written from web-socket-api.md and user-data-stream.md:
 * requests { id, method, params } answered with { id, status, result | error, rateLimits }, signed
 * requests verified for HMAC, RSA and Ed25519 keys, session.logon (Ed25519 only), user data
 * subscriptions whose events go out as { subscriptionId, event }, eventStreamTerminated and
 * serverShutdown.
 */

/** The account the loopback knows: one API key of one type. */
export interface LoopbackAccount {
  apiKey: string;
  keyType: "hmac" | "rsa" | "ed25519";
  /** HMAC secret key. */
  secret?: string;
  /** RSA or Ed25519 public key (PEM) the account registered. */
  publicKeyPem?: string;
}

/** True when `signature` signs `payload` for the account (web-socket-api.md "Signature Case Sensitivity"). */
export function verifySignature(acct: LoopbackAccount, payload: string, signature: string): boolean {
  if (acct.keyType === "hmac") return createHmac("sha256", acct.secret ?? "").update(payload, "utf8").digest("hex") === signature.toLowerCase();
  const key = createPublicKey(acct.publicKeyPem ?? "");
  return verify(acct.keyType === "rsa" ? "sha256" : null, Buffer.from(payload, "utf8"), key, Buffer.from(signature, "base64"));
}

type Params = Record<string, unknown>;
type Answer = { status: number; result?: unknown; error?: { code: number; msg: string; data?: Record<string, unknown> } };

interface Conn {
  connectedSince: number;
  /** API key of a session.logon, if any. */
  session?: string;
  /** Active subscriptions: id -> how it was opened. */
  subs: Map<number, "logon" | "signature">;
  nextSubId: number;
}

const fail = (status: number, code: number, msg: string): Answer => ({ status, error: { code, msg } });

export class LoopbackWsApi {
  /** Every request received, in order (params without the signature). */
  readonly requests: { method: string; params: Params }[] = [];
  /** Every signature received (for leak checks). */
  readonly signatures: string[] = [];
  private readonly conns = new Map<WebSocket, Conn>();
  /** Requests of these methods get no answer (a timeout; a held unsubscribe keeps its subscription). */
  readonly unanswered = new Set<string>();
  /** REQUEST_WEIGHT count reported in rateLimits; default 2 per request so far. */
  reportedWeight: number | undefined;
  /** Answers the next request of a method with this error instead of serving it. */
  readonly faults: { method: string; answer: Answer }[] = [];

  constructor(
    private readonly account: LoopbackAccount,
    private readonly now: () => number,
  ) {}

  attach(ws: WebSocket): void {
    this.conns.set(ws, { connectedSince: this.now(), subs: new Map(), nextSubId: 0 });
    ws.on("message", (data: Buffer) => this.onMessage(ws, data.toString("utf8")));
    ws.on("close", () => this.conns.delete(ws));
  }

  get connections(): number {
    return this.conns.size;
  }

  /** Active user data subscriptions over all connections. */
  get subscriptions(): number {
    let n = 0;
    for (const c of this.conns.values()) n += c.subs.size;
    return n;
  }

  /** Sends an event to every active subscription, wrapped as { subscriptionId, event }. */
  pushEvent(event: unknown): void {
    for (const [ws, c] of this.conns) for (const id of c.subs.keys()) ws.send(JSON.stringify({ subscriptionId: id, event }));
  }

  /** Sends a raw frame to every connection that has a subscription. */
  sendRaw(text: string): void {
    for (const [ws, c] of this.conns) if (c.subs.size > 0) ws.send(text);
  }

  /** Ends every subscription with eventStreamTerminated; the connections stay open. */
  terminateSubscriptions(): void {
    for (const [ws, c] of this.conns) {
      for (const id of c.subs.keys()) ws.send(JSON.stringify({ subscriptionId: id, event: { e: "eventStreamTerminated", E: this.now() } }));
      c.subs.clear();
    }
  }

  /** Announces a shutdown ({ event: { e: "serverShutdown" } }); connections stay open until `drop`. */
  announceShutdown(): void {
    for (const ws of this.conns.keys()) ws.send(JSON.stringify({ event: { e: "serverShutdown", E: this.now() } }));
  }

  drop(): void {
    for (const ws of this.conns.keys()) ws.terminate();
  }

  private onMessage(ws: WebSocket, text: string): void {
    let req: { id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return void ws.send(JSON.stringify({ id: null, status: 400, error: { code: -1102, msg: "Malformed request." } }));
    }
    const params = (req.params ?? {}) as Params;
    const method = String(req.method);
    const { signature: _sig, ...shown } = params;
    this.requests.push({ method, params: shown });
    if (typeof params.signature === "string") this.signatures.push(params.signature);
    const fault = this.faults.findIndex((f) => f.method === method);
    if (this.unanswered.has(method)) return;
    const answer = fault >= 0 ? this.faults.splice(fault, 1)[0]!.answer : this.serve(ws, this.conns.get(ws)!, method, params);
    const rateLimits = [{ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000, count: this.reportedWeight ?? this.requests.length * 2 }];
    ws.send(JSON.stringify({ id: req.id ?? null, ...answer, rateLimits }));
  }

  private serve(ws: WebSocket, c: Conn, method: string, p: Params): Answer {
    switch (method) {
      case "session.logon": {
        if (this.account.keyType !== "ed25519") return fail(400, -1002, "You are not authorized to execute this request.");
        const bad = this.checkSigned(p);
        if (bad) return bad;
        c.session = String(p.apiKey);
        return { status: 200, result: this.status(c) };
      }
      case "session.status":
        return { status: 200, result: this.status(c) };
      case "session.logout":
        for (const [id, how] of c.subs) if (how === "logon") c.subs.delete(id);
        c.session = undefined;
        return { status: 200, result: this.status(c) };
      case "userDataStream.subscribe":
        if (c.session === undefined) return fail(400, -1002, "You are not authorized to execute this request.");
        return this.subscribe(c, "logon");
      case "userDataStream.subscribe.signature": {
        const bad = this.checkSigned(p);
        return bad ?? this.subscribe(c, "signature");
      }
      case "userDataStream.unsubscribe": {
        const ids = p.subscriptionId === undefined ? [...c.subs.keys()] : [Number(p.subscriptionId)].filter((id) => c.subs.has(id));
        for (const id of ids) c.subs.delete(id);
        // user-data-stream.md: a subscription stopped by unsubscribe ends with eventStreamTerminated.
        setImmediate(() => ids.forEach((id) => ws.send(JSON.stringify({ subscriptionId: id, event: { e: "eventStreamTerminated", E: this.now() } }))));
        return { status: 200, result: {} };
      }
      default:
        return fail(400, -1000, `unknown method ${method}`);
    }
  }

  private subscribe(c: Conn, how: "logon" | "signature"): Answer {
    if (c.subs.size > 0) return fail(400, -2035, "User Data Stream subscription already active.");
    const id = c.nextSubId++;
    c.subs.set(id, how);
    return { status: 200, result: { subscriptionId: id } };
  }

  private status(c: Conn): Record<string, unknown> {
    return { apiKey: c.session ?? null, authorizedSince: c.session ? this.now() : null, connectedSince: c.connectedSince, returnRateLimits: true, serverTime: this.now(), userDataStream: c.subs.size > 0 };
  }

  /** apiKey, signature over the sorted params, timestamp within recvWindow (web-socket-api.md "Timing security"). */
  private checkSigned(p: Params): Answer | undefined {
    if (p.apiKey !== this.account.apiKey) return fail(401, -2015, "Invalid API-key, IP, or permissions for action.");
    const payload = Object.keys(p)
      .filter((k) => k !== "signature")
      .sort()
      .map((k) => `${k}=${String(p[k])}`)
      .join("&");
    if (typeof p.signature !== "string" || !verifySignature(this.account, payload, p.signature)) return fail(400, -1022, "Signature for this request is not valid.");
    const ts = Number(p.timestamp);
    const recv = Number(p.recvWindow ?? 5000);
    const now = this.now();
    if (!(ts < now + 1000 && now - ts <= recv)) return fail(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    return undefined;
  }
}
