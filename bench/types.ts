/** One measured figure. `target` is the figure the issue asks for, e.g. ">= 20M bars/s". */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}
