/**
 * A tiny seeded generator (mulberry32) for the document fuzzer's own
 * choices: fast-check draws one seed, and every choice made from it is the
 * same on every run with that seed.
 */

/** Random choices from one seed. */
export class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** In [0, 1). */
  float(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** In [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
}
