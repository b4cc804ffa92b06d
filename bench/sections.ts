import { apiLatencySection } from './api/api-latency-section.ts';
import type { BenchSection } from './bench-section.ts';
import { cfsslPeerSection } from './issuance/cfssl-peer-section.ts';
import { issuanceThroughputSection } from './issuance/issuance-throughput-section.ts';
import { lambdaSection } from './lambda/lambda-section.ts';
import { renewalScanSection } from './renewal-scan/renewal-scan-section.ts';
import { timeToIssueSection } from './time-to-issue.ts';

/** Every section of `npm run bench`, in the order they run and appear in the results. */
export const SECTIONS: BenchSection[] = [
  issuanceThroughputSection,
  cfsslPeerSection,
  timeToIssueSection,
  apiLatencySection,
  renewalScanSection,
  lambdaSection,
];
