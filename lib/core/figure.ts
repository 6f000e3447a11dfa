/**
 * A plotly figure spec: plain data, no I/O. It lives in core because two layers share it: lib/plot
 * builds figures and lib/infra renders them (notebook HTML, standalone reports).
 * Typed arrays are allowed in traces; renderers serialise them.
 */
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export type Trace = Record<string, unknown> & { type: string };
