/** A reconnecting WebSocket client (ws) with jittered backoff, idle detection and credential-safe logging. */
export * from "./reconnecting-ws";
