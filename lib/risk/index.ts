export * from "./risk-guard";
export * from "./kill-switch";
export * from "./no-trade";
