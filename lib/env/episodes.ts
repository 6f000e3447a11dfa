import type { Rng } from "../core/rng";
import { ConfigError } from "../core/errors";

/**
 * Where episodes start: uniformly at random (seeded) among the rows that leave room for a full
 * episode, or back to back from the first row when random offsets are off.
 */
export class EpisodeStarts {
  /** Inclusive range of start rows. */
  readonly first: number;
  readonly lastStart: number;
  private cursor: number;

  constructor(
    first: number,
    lastRow: number,
    readonly episodeLength: number,
    private readonly random: boolean,
    /** Offset of the first sequential episode (staggers vectorised envs). */
    private readonly stagger = 0,
    what = "env",
  ) {
    this.first = first;
    this.lastStart = lastRow - episodeLength;
    if (this.lastStart < first) {
      throw new ConfigError(`${what}: episodeLength ${episodeLength} needs ${episodeLength + 1} bars, the split has ${lastRow - first + 1} usable bars`, {
        path: "env.episodeLength",
      });
    }
    this.cursor = this.wrap(first + stagger);
  }

  /** Back to the first sequential start (after a seeded reset). */
  rewind(): void {
    this.cursor = this.wrap(this.first + this.stagger);
  }

  next(rng: Rng): number {
    if (this.random) return this.first + rng.int(this.lastStart - this.first + 1);
    const s = this.cursor;
    this.cursor = this.wrap(s + this.episodeLength);
    return s;
  }

  private wrap(s: number): number {
    const span = this.lastStart - this.first + 1;
    return this.first + ((((s - this.first) % span) + span) % span);
  }
}
