/**
 * One part of `npm run bench`. Each section measures its figures next to a baseline run in the same process
 * on the same machine (the machine is shared and noisy, so ratios are what compare across runs), and reports
 * them both as JSON (for bench/results/latest.json) and as Markdown (for bench/results/latest.md).
 */
export interface BenchSection {
  /** The key in latest.json and the name `npm run bench -- <id>...` selects it by. */
  id: string;
  /** What the section needs that `npm ci` does not install, checked before anything runs (e.g. cfssl). */
  requires?: () => string | undefined;
  run(): Promise<BenchReport>;
}

export interface BenchReport {
  /** Every figure, baseline and ratio, machine-readable. */
  figures: unknown;
  /**
   * The section in Markdown: a `## <title>` heading, a sentence on what is measured and against which
   * baseline, then a table with the figure, the baseline and their ratio on each row.
   */
  markdown: string[];
  /** One or two lines with the headline figures, for the summary at the top of latest.md. */
  headline: string[];
}
