import type { FillConfig } from "../config/schemas/execution";
import type { Rng } from "../core/rng";

const FOUR_LN2 = 4 * Math.LN2;

/**
 * Where the market is inside a bar at `frac` (0 = the open, towards 1 = the close) of its duration:
 * the price an order arriving then trades against, before slippage. Allocation-free.
 */
export interface IntrabarPriceModel {
  readonly kind: FillConfig["intrabar"];
  priceAt(open: number, high: number, low: number, close: number, frac: number): number;
}

/** The bar's open, whatever the delay (the classic next-open convention). */
export class OpenPriceModel implements IntrabarPriceModel {
  readonly kind = "open" as const;
  priceAt(open: number): number {
    return open;
  }
}

/** The bar's close (pessimistic for slow executions). */
export class ClosePriceModel implements IntrabarPriceModel {
  readonly kind = "close" as const;
  priceAt(_o: number, _h: number, _l: number, close: number): number {
    return close;
  }
}

/** The bar's VWAP estimated by the typical price (high + low + close) / 3. */
export class VwapPriceModel implements IntrabarPriceModel {
  readonly kind = "vwap" as const;
  priceAt(_o: number, high: number, low: number, close: number): number {
    return (high + low + close) / 3;
  }
}

/**
 * The conventional OHLC path at constant speed: an up bar (close >= open) goes open -> low ->
 * high -> close, a down bar open -> high -> low -> close; time is spent in proportion to distance.
 */
export class OhlcPathModel implements IntrabarPriceModel {
  readonly kind = "ohlc-path" as const;
  priceAt(open: number, high: number, low: number, close: number, frac: number): number {
    const up = close >= open;
    const p1 = up ? low : high;
    const p2 = up ? high : low;
    const d1 = Math.abs(open - p1);
    const d2 = Math.abs(p2 - p1);
    const d3 = Math.abs(close - p2);
    const total = d1 + d2 + d3;
    if (!(total > 0)) return open;
    const f = frac <= 0 ? 0 : frac >= 1 ? 1 : frac;
    let s = f * total;
    if (s <= d1) return d1 > 0 ? open + ((p1 - open) * s) / d1 : open;
    s -= d1;
    if (s <= d2) return d2 > 0 ? p1 + ((p2 - p1) * s) / d2 : p1;
    s -= d2;
    return d3 > 0 ? p2 + ((close - p2) * s) / d3 : p2;
  }
}

/**
 * A seeded Brownian bridge in log price from the open (frac 0) to the close (frac 1) with the
 * bar's Parkinson volatility, clamped to [low, high]. Draws one normal per call.
 */
export class BrownianBridgeModel implements IntrabarPriceModel {
  readonly kind = "brownian-bridge" as const;
  constructor(private readonly rng: Rng) {}
  priceAt(open: number, high: number, low: number, close: number, frac: number): number {
    const f = frac <= 0 ? 0 : frac >= 1 ? 1 : frac;
    const z = this.rng.normal();
    if (f === 0) return open;
    const sigma = high > 0 && low > 0 ? Math.log(high / low) / Math.sqrt(FOUR_LN2) : 0;
    const mean = Math.log(open) + f * (Math.log(close) - Math.log(open));
    const p = Math.exp(mean + sigma * Math.sqrt(f * (1 - f)) * z);
    return p < low ? low : p > high ? high : p;
  }
}

export interface IntrabarDeps {
  /** Required for the Brownian bridge. */
  rng?: Rng;
}

export function createIntrabarModel(kind: FillConfig["intrabar"], deps: IntrabarDeps = {}): IntrabarPriceModel {
  switch (kind) {
    case "open":
      return new OpenPriceModel();
    case "close":
      return new ClosePriceModel();
    case "vwap":
      return new VwapPriceModel();
    case "ohlc-path":
      return new OhlcPathModel();
    case "brownian-bridge":
      if (deps.rng === undefined) throw new RangeError("the brownian-bridge intrabar model needs a seeded rng");
      return new BrownianBridgeModel(deps.rng);
  }
}
