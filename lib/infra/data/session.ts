import { join, resolve } from "node:path";
import { TradelabError } from "../../core/errors";
import { loadBars, resampleBars, type LoaderContext } from "./bars-loader";
import { describe, openDuck, plainValue, readF64Columns, sqlIdent, type Duck } from "./duck";
import { DEFAULT_JOURNAL_DIR, resolveDataDir } from "./layout";
import type { DataSession, DataSessionOptions, LoadBarsQuery, LoadedBars, QueryResult, ResampleQuery } from "./types";
import { createViews, type ViewInfo } from "./views";

function stripSql(sql: string): string {
  return sql.trim().replace(/;+\s*$/, "");
}

/** DuckDB's message without the caret diagram, as a QUERY_FAILED error carrying the SQL. */
function queryError(e: unknown, sql: string): TradelabError {
  if (e instanceof TradelabError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TradelabError("QUERY_FAILED", msg.trim(), { details: { sql }, cause: e });
}

/** How a column of a given DuckDB type becomes a DOUBLE with NaN for NULL, or null when it cannot. */
function doubleExpr(name: string, type: string): string | null {
  const c = sqlIdent(name);
  if (type === "DOUBLE") return `COALESCE(${c}, 'NaN'::DOUBLE)`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DECIMAL.*)$/.test(type)) return `COALESCE(${c}::DOUBLE, 'NaN'::DOUBLE)`;
  if (/^(TIMESTAMP.*|DATE)$/.test(type)) return `COALESCE(epoch_ms(${c}::TIMESTAMP)::DOUBLE, 'NaN'::DOUBLE)`;
  if (type === "BOOLEAN") return `COALESCE(${c}::INTEGER::DOUBLE, 'NaN'::DOUBLE)`;
  return null;
}

class DuckDataSession implements DataSession {
  views: ViewInfo[] = [];
  private readonly ctx: LoaderContext;

  constructor(
    private readonly duck: Duck,
    readonly dataDir: string,
    private readonly journalDir: string,
    private readonly memory: boolean,
  ) {
    this.ctx = { con: duck.con, dataDir };
  }

  get connection() {
    return this.duck.con;
  }

  async refresh(): Promise<void> {
    this.views = await createViews(this.duck.con, { dataDir: this.dataDir, journalDir: this.journalDir, memory: this.memory });
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.queryWithTypes(sql)).rows;
  }

  async queryWithTypes(sql: string): Promise<QueryResult> {
    const s = stripSql(sql);
    try {
      const reader = await this.duck.con.runAndReadAll(s);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
      return { columns, rows: reader.getRowObjectsJS().map((r) => plainValue(r) as Record<string, unknown>) };
    } catch (e) {
      throw queryError(e, s);
    }
  }

  async queryColumns(sql: string): Promise<Record<string, Float64Array>> {
    const s = stripSql(sql);
    try {
      const cols = await describe(this.duck.con, s);
      const exprs = cols.map((c) => {
        const x = doubleExpr(c.name, c.type);
        if (x === null) throw new TradelabError("INVALID_ARGUMENT", `column "${c.name}" is ${c.type}: only numeric, boolean and time columns become Float64Arrays`, { details: { column: c.name, type: c.type } });
        return `${x} AS ${sqlIdent(c.name)}`;
      });
      const { names, columns } = await readF64Columns(this.duck.con, `SELECT ${exprs.join(", ")} FROM (${s}) AS q`);
      const out: Record<string, Float64Array> = {};
      names.forEach((n, i) => (out[n] = columns[i]!));
      return out;
    } catch (e) {
      throw queryError(e, s);
    }
  }

  async loadBars(q: LoadBarsQuery): Promise<LoadedBars> {
    try {
      return await loadBars(this.ctx, q);
    } catch (e) {
      throw queryError(e, "");
    }
  }

  async resample(q: ResampleQuery): Promise<LoadedBars> {
    try {
      return await resampleBars(this.ctx, q);
    } catch (e) {
      throw queryError(e, "");
    }
  }

  close(): void {
    this.duck.close();
  }
}

/**
 * Opens an embedded DuckDB over data/ with the views bars, trades, book (+ book_ticker, quote_bars)
 * and journal. Nothing is read into memory unless `memory: true`; opening costs the time to read the
 * parquet footers (milliseconds for the shipped data).
 */
export async function openDataSession(opts: DataSessionOptions = {}): Promise<DataSession> {
  const dataDir = resolveDataDir(opts.dataDir);
  const journalDir = resolve(opts.journalDir ?? join(process.cwd(), DEFAULT_JOURNAL_DIR));
  const duck = await openDuck({ threads: opts.threads });
  const session = new DuckDataSession(duck, dataDir, journalDir, opts.memory ?? false);
  try {
    await session.refresh();
  } catch (e) {
    duck.close();
    throw e;
  }
  return session;
}
