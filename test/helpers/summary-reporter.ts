import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with the plain `N passed, M failed` line that CI reads. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    // A test skipped for want of something (external data, a system tool) says so in its name,
    // "(SKIPPED: …)": list those, so a run without it says what it did not check. (Tests left out
    // by a name filter are skipped too, and are not listed.)
    const skipped: string[] = [];
    for (const testModule of testModules) {
      if (testModule.state() === 'failed' && [...testModule.children.allTests()].length === 0) counts.failed += 1;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else {
          counts.skipped += 1;
          if (test.name.includes('(SKIPPED: ')) skipped.push(`${testModule.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}`);
        }
      }
    }
    for (const name of skipped) process.stdout.write(`\nskipped: ${name}`);
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
