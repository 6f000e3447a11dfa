/**
 * (x - mean) / sqrt(variance), or 0 when the window is flat: a std below 1e-12 of the mean's size is
 * rounding noise, not dispersion, and dividing by it would turn noise into huge values.
 */
export function zScore(x: number, mean: number, variance: number): number {
  const sd = Math.sqrt(variance);
  return sd > 1e-12 * Math.abs(mean) && sd > 1e-300 ? (x - mean) / sd : 0;
}
