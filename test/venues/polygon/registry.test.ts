import { describe, expect, it } from "vitest";
import { createExecutionAdapter, createMarketDataAdapter, venueCapabilities } from "../../../lib/venues/registry";

describe("polygon and yahoo in the venue registry", () => {
  it("are data-only venues: market data yes, execution refused with a clear error", () => {
    expect(createMarketDataAdapter("polygon", { apiKey: "k" }).venue).toBe("polygon");
    expect(createMarketDataAdapter("yahoo", {}).venue).toBe("yahoo");
    for (const v of ["polygon", "yahoo"]) {
      expect(venueCapabilities(v)).toMatchObject({ marketData: true, execution: false, userDataStream: false });
      expect(() => createExecutionAdapter(v, v === "polygon" ? { apiKey: "k" } : {})).toThrow(/does not provide execution/);
    }
    expect(venueCapabilities("yahoo").credentials.marketData).toBe(false);
  });

  it("requires the polygon key", () => {
    expect(() => createMarketDataAdapter("polygon", {})).toThrow(/venue polygon config: apiKey/);
  });
});
