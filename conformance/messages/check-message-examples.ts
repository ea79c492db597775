/**
 * Runs the test cases written into message designs against a set of validators: each example
 * must be accepted, each invalid example rejected with a failure at every pointer and keyword it
 * names. The generated vitest suite does the same per case; this form serves the CLI.
 */
import type { CompiledValidator } from '../../runtime/validation.js';
import { toValidationIssues } from '../../runtime/validation.js';

export interface MessageExamples {
  readonly name: string;
  readonly examples: readonly unknown[];
  readonly invalidExamples: readonly {
    readonly description: string;
    readonly value: unknown;
    readonly errors: readonly { readonly pointer: string; readonly keyword: string }[];
  }[];
}

export interface MessageExampleResult {
  readonly name: string;
  readonly accepted: number;
  readonly rejectedAsExpected: number;
  /** One line per case that did not behave as its spec says. */
  readonly failures: readonly string[];
}

export function checkMessageExamples(messages: MessageExamples, validate: CompiledValidator): MessageExampleResult {
  const failures: string[] = [];
  let accepted = 0;
  let rejectedAsExpected = 0;
  messages.examples.forEach((example, index) => {
    if (validate(example)) accepted += 1;
    else failures.push(`example ${index} rejected: ${toValidationIssues(validate.errors).map((issue) => `${issue.pointer} ${issue.message}`).join('; ')}`);
  });
  for (const invalid of messages.invalidExamples) {
    if (validate(invalid.value)) {
      failures.push(`invalid example "${invalid.description}" accepted`);
      continue;
    }
    const reported = toValidationIssues(validate.errors);
    const missed = invalid.errors.filter((expected) => !reported.some((issue) => issue.pointer === expected.pointer && issue.keyword === expected.keyword));
    if (missed.length === 0) rejectedAsExpected += 1;
    else failures.push(`invalid example "${invalid.description}" not rejected at ${missed.map((miss) => `${miss.pointer || '/'} (${miss.keyword})`).join(', ')}`);
  }
  return { name: messages.name, accepted, rejectedAsExpected, failures };
}
