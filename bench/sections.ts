import type { BenchSection } from './bench-section.ts';
import { timeToIssueSection } from './time-to-issue.ts';

/** Every section of `npm run bench`, in the order they run and appear in the results. */
export const SECTIONS: BenchSection[] = [timeToIssueSection];
