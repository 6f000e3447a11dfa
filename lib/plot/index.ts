export * from "./figure";
export * from "./candles";
export * from "./performance";
export * from "./charts";
