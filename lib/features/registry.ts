import type { FeatureStepConfig } from "../config/schemas/features";
import type { FeatureStep } from "./step";
import { LogReturnsStep } from "./steps/log-returns";
import { EwmaVolStep } from "./steps/ewma-vol";
import { GarmanKlassVolStep, ParkinsonVolStep } from "./steps/range-vol";
import { RsiStep } from "./steps/rsi";
import { MacdStep } from "./steps/macd";
import { AtrStep } from "./steps/atr";
import { BollingerStep } from "./steps/bollinger";
import { RelativeVolumeStep, VolumeZStep } from "./steps/volume";
import { BarShapeStep } from "./steps/bar-shape";
import { CalendarStep } from "./steps/calendar";

/** A fresh step (its own state) for one configured step. */
export function createStep(cfg: FeatureStepConfig): FeatureStep {
  switch (cfg.kind) {
    case "logReturns":
      return new LogReturnsStep(cfg.horizons);
    case "ewmaVol":
      return new EwmaVolStep(cfg.halfLife);
    case "parkinsonVol":
      return new ParkinsonVolStep(cfg.window);
    case "garmanKlassVol":
      return new GarmanKlassVolStep(cfg.window);
    case "rsi":
      return new RsiStep(cfg.period);
    case "macd":
      return new MacdStep(cfg.fast, cfg.slow, cfg.signal);
    case "atr":
      return new AtrStep(cfg.period);
    case "bollinger":
      return new BollingerStep(cfg.window);
    case "volumeZ":
      return new VolumeZStep(cfg.window);
    case "relativeVolume":
      return new RelativeVolumeStep(cfg.window);
    case "barShape":
      return new BarShapeStep();
    case "calendar":
      return new CalendarStep(cfg.hourOfDay, cfg.dayOfWeek);
  }
}
