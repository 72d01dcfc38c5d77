// Regenerates LONGEST_COMPLETION_TOKENS in lengths.ts (slow: about 5 minutes on one core):
//   node_modules/.bin/tsx src/tasks/lengths.gen.ts
// and paste the printed table. Run it whenever a trace format changes.
import { FAMILIES, MAX_DIFFICULTY } from './problems';
import { measureLongest } from './lengths';

const lines: string[] = [];
for (const family of FAMILIES) {
  const rows: string[] = [];
  for (let d = 1; d <= MAX_DIFFICULTY; d++) {
    const m = measureLongest(family, d);
    rows.push(`    { direct: ${m.direct}, stepwise: ${m.stepwise}, slip: ${m.slip}, corrected: ${m.corrected} },`);
  }
  lines.push(`  ${family}: [\n${rows.join('\n')}\n  ],`);
}
console.log(`{\n${lines.join('\n')}\n}`);
