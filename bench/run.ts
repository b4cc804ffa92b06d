import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchReport, BenchSection } from './bench-section.ts';
import { SECTIONS } from './sections.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Ctrl-C ends the run through process exit, whose hooks stop the stack and tool processes a section started.
process.once('SIGINT', () => process.exit(130));

interface SectionResult extends BenchReport {
  measuredAt: string;
  seconds: number;
}

interface Results {
  machine: { cpus: number; model?: string; memoryGiB: number; node: string };
  sections: Record<string, SectionResult>;
}

const RESULTS_DIR = new URL('./results/', import.meta.url);
const JSON_FILE = new URL('latest.json', RESULTS_DIR);
const MARKDOWN_FILE = new URL('latest.md', RESULTS_DIR);

const selected = selectSections(process.argv.slice(2));
const missing = selected.flatMap((section) => {
  const problem = section.requires?.();
  return problem ? [`${section.id}: ${problem}`] : [];
});
if (missing.length > 0) {
  console.error(`Cannot run the benchmarks:\n${missing.join('\n')}`);
  process.exit(1);
}

// A run of some sections keeps the other sections' last figures (each carries when it was measured).
const results: Results = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  sections: selected.length === SECTIONS.length ? {} : previousSections(),
};
for (const section of selected) {
  console.error(`bench: ${section.id}...`);
  const started = performance.now();
  const report = await section.run();
  results.sections[section.id] = {
    ...report,
    measuredAt: new Date().toISOString(),
    seconds: Math.round((performance.now() - started) / 1000),
  };
  writeResults(results);
  console.error(`bench: ${section.id} done in ${results.sections[section.id]?.seconds} s`);
}
console.log(readFileSync(MARKDOWN_FILE, 'utf8'));

function selectSections(ids: string[]): BenchSection[] {
  if (ids.length === 0) return SECTIONS;
  const unknown = ids.filter((id) => !SECTIONS.some((section) => section.id === id));
  if (unknown.length > 0) {
    console.error(
      `Unknown section(s): ${unknown.join(', ')}. Sections: ${SECTIONS.map((s) => s.id).join(', ')}`,
    );
    process.exit(2);
  }
  return SECTIONS.filter((section) => ids.includes(section.id));
}

function previousSections(): Record<string, SectionResult> {
  if (!existsSync(JSON_FILE)) return {};
  const previous = JSON.parse(readFileSync(JSON_FILE, 'utf8')) as Partial<Results>;
  return previous.sections ?? {};
}

function writeResults(current: Results): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(JSON_FILE, `${JSON.stringify(current, null, 2)}\n`);
  const { machine } = current;
  const ordered = SECTIONS.flatMap((section) => {
    const result = current.sections[section.id];
    return result ? [{ id: section.id, result }] : [];
  });
  const lines = [
    '# Certwright benchmarks',
    '',
    `Machine: ${machine.cpus} cores (${machine.model}), ${machine.memoryGiB} GiB, Node ${machine.node}. ` +
      'Each figure stands next to a baseline measured in the same run; the ratios compare across machines, ' +
      'the absolute figures do not.',
    '',
    '## Headlines',
    '',
    ...ordered.flatMap(({ result }) => result.headline.map((line) => `- ${line}`)),
    '',
    ...ordered.flatMap(({ id, result }) => [
      ...result.markdown,
      '',
      `_Section \`${id}\` measured ${result.measuredAt} in ${result.seconds} s._`,
      '',
    ]),
  ];
  writeFileSync(MARKDOWN_FILE, lines.join('\n'));
}
