export * from "./market-data.port";
export * from "./execution.port";
export * from "./exchange-info.port";
export * from "./state-store.port";
export * from "./env.port";
