import type { FeatureStep } from "../step";
import type { BarInputs } from "../inputs";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const TWO_PI = 2 * Math.PI;

// sin/cos tables by minute of day and by weekday, so the hot loop makes no trig calls on minute bars
const MIN_SIN = new Float64Array(1440);
const MIN_COS = new Float64Array(1440);
for (let m = 0; m < 1440; m++) {
  MIN_SIN[m] = Math.sin((TWO_PI * m) / 1440);
  MIN_COS[m] = Math.cos((TWO_PI * m) / 1440);
}
const DOW_SIN = new Float64Array(7);
const DOW_COS = new Float64Array(7);
for (let d = 0; d < 7; d++) {
  DOW_SIN[d] = Math.sin((TWO_PI * d) / 7);
  DOW_COS[d] = Math.cos((TWO_PI * d) / 7);
}

/**
 * Time of day (hour with its minute fraction) and day of week (0 = Monday) of the bar open time, UTC,
 * each as a (sin, cos) pair so that 23:59 sits next to 00:00 and Sunday next to Monday.
 */
export class CalendarStep implements FeatureStep {
  readonly kind = "calendar";
  readonly names: readonly string[];
  readonly warmup = 0;
  readonly params: { hourOfDay: boolean; dayOfWeek: boolean };
  readonly needs = 0;
  private readonly hour: boolean;
  private readonly dow: boolean;
  // the UTC day of the previous bar: consecutive bars mostly share it, so its weekday is reused
  private dayStart = 0;
  private weekday = -1;

  constructor(hourOfDay: boolean, dayOfWeek: boolean) {
    if (!hourOfDay && !dayOfWeek) throw new RangeError("calendar needs hourOfDay or dayOfWeek");
    this.hour = hourOfDay;
    this.dow = dayOfWeek;
    this.params = { hourOfDay, dayOfWeek };
    this.names = [...(hourOfDay ? ["hour_sin", "hour_cos"] : []), ...(dayOfWeek ? ["dow_sin", "dow_cos"] : [])];
  }

  reset(): void {
    this.dayStart = 0;
    this.weekday = -1;
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const ts = x.ts[i]!;
    let msOfDay = ts - this.dayStart;
    if (this.weekday < 0 || msOfDay < 0 || msOfDay >= DAY_MS) {
      const days = Math.floor(ts / DAY_MS);
      this.dayStart = days * DAY_MS;
      // 1970-01-01 was a Thursday (weekday 3 when Monday is 0)
      this.weekday = (((days + 3) % 7) + 7) % 7;
      msOfDay = ts - this.dayStart;
    }
    let k = off;
    if (this.hour) {
      const m = msOfDay / MINUTE_MS;
      if (m === (m | 0)) {
        out[k] = MIN_SIN[m]!;
        out[k + 1] = MIN_COS[m]!;
      } else {
        out[k] = Math.sin((TWO_PI * msOfDay) / DAY_MS);
        out[k + 1] = Math.cos((TWO_PI * msOfDay) / DAY_MS);
      }
      k += 2;
    }
    if (this.dow) {
      out[k] = DOW_SIN[this.weekday]!;
      out[k + 1] = DOW_COS[this.weekday]!;
    }
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
