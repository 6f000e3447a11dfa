/** A small Prometheus-text metrics registry: counters, gauges and histograms with fixed buckets. */
type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  values: Map<string, { labels: Labels; value: number }>;
  buckets?: number[];
  hist?: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const key = (l: Labels) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));
const fmtLabels = (l: Labels, extra?: [string, string]) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const fmtNum = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(v));

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: Family["type"], buckets?: number[]): Family {
    if (!NAME.test(name)) throw new RangeError(`bad metric name ${name}`);
    let f = this.families.get(name);
    if (!f) {
      f = { name, help, type, values: new Map(), buckets, hist: type === "histogram" ? new Map() : undefined };
      this.families.set(name, f);
    } else if (f.type !== type) throw new RangeError(`metric ${name} registered as ${f.type}, used as ${type}`);
    return f;
  }

  inc(name: string, help: string, by = 1, labels: Labels = {}): void {
    const f = this.family(name, help, "counter");
    const k = key(labels);
    const v = f.values.get(k) ?? { labels, value: 0 };
    v.value += by;
    f.values.set(k, v);
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.family(name, help, "gauge").values.set(key(labels), { labels, value });
  }

  observe(name: string, help: string, value: number, buckets: number[], labels: Labels = {}): void {
    const f = this.family(name, help, "histogram", buckets);
    const k = key(labels);
    const b = f.buckets!;
    const h = f.hist!.get(k) ?? { labels, counts: new Array<number>(b.length).fill(0), sum: 0, count: 0 };
    for (let i = 0; i < b.length; i++) if (value <= b[i]!) h.counts[i]!++;
    h.sum += value;
    h.count++;
    f.hist!.set(k, h);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const f of this.families.values()) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const v of f.values.values()) out.push(`${f.name}${fmtLabels(v.labels)} ${fmtNum(v.value)}`);
      for (const h of f.hist?.values() ?? []) {
        f.buckets!.forEach((b, i) => out.push(`${f.name}_bucket${fmtLabels(h.labels, ["le", fmtNum(b)])} ${h.counts[i]}`));
        out.push(`${f.name}_bucket${fmtLabels(h.labels, ["le", "+Inf"])} ${h.count}`);
        out.push(`${f.name}_sum${fmtLabels(h.labels)} ${fmtNum(h.sum)}`, `${f.name}_count${fmtLabels(h.labels)} ${h.count}`);
      }
    }
    return out.join("\n") + "\n";
  }
}
