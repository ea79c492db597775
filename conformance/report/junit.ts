/**
 * JUnit XML for CI systems, as Jenkins, GitLab and GitHub test reporters read it: one testsuite
 * per checked item (a vector file, an implementation), one testcase per check.
 */
export interface JunitCase {
  readonly name: string;
  readonly failure?: string;
  /** Why the case did not run (JUnit <skipped/>); a skipped case is not a failure. */
  readonly skipped?: string;
}

export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitCase[];
}

export function formatJunit(title: string, suites: readonly JunitSuite[]): string {
  const failures = (suite: JunitSuite) => suite.cases.filter((testCase) => testCase.failure !== undefined).length;
  const skips = (suite: JunitSuite) => suite.cases.filter((testCase) => testCase.failure === undefined && testCase.skipped !== undefined).length;
  const skippedAttribute = (count: number) => (count === 0 ? '' : ` skipped="${count}"`);
  const total = suites.reduce((sum, suite) => sum + suite.cases.length, 0);
  const failed = suites.reduce((sum, suite) => sum + failures(suite), 0);
  const skipped = suites.reduce((sum, suite) => sum + skips(suite), 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${escapeXml(title)}" tests="${total}" failures="${failed}"${skippedAttribute(skipped)}>`];
  for (const suite of suites) {
    lines.push(`  <testsuite name="${escapeXml(suite.name)}" tests="${suite.cases.length}" failures="${failures(suite)}"${skippedAttribute(skips(suite))}>`);
    for (const testCase of suite.cases) {
      const name = `name="${escapeXml(testCase.name)}" classname="${escapeXml(suite.name)}"`;
      if (testCase.failure === undefined && testCase.skipped !== undefined) {
        lines.push(`    <testcase ${name}>`, `      <skipped message="${escapeXml(testCase.skipped)}"/>`, '    </testcase>');
      } else if (testCase.failure === undefined) lines.push(`    <testcase ${name}/>`);
      else lines.push(`    <testcase ${name}>`, `      <failure message="${escapeXml(testCase.failure)}"/>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** XML 1.0 allows no control characters besides tab, LF and CR, even escaped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
