/**
 * The valid_policy_tree of RFC 5280 §6.1 (qualifiers are not kept: §6.1.3 (d) lets an
 * implementation ignore them). Nodes are held per depth so the operations that address
 * "every node at depth i" stay linear.
 */
import type { CertificatePolicies, PolicyMappings } from '../../../generated/asn1/pkix1-implicit88.js';
import { PathFailure } from './path-errors.js';

export const ANY_POLICY = '2.5.29.32.0';
/** Ceiling on nodes: crafted mappings can grow the tree exponentially (x509-limbo policy cases). */
const MAX_NODES = 10_000;

interface PolicyNode {
  readonly validPolicy: string;
  expectedPolicySet: Set<string>;
  readonly parent: PolicyNode | undefined;
  readonly children: PolicyNode[];
  readonly depth: number;
  deleted: boolean;
}

export class PolicyTree {
  #levels: PolicyNode[][];
  #nodeCount = 1;

  constructor() {
    const root: PolicyNode = { validPolicy: ANY_POLICY, expectedPolicySet: new Set([ANY_POLICY]), parent: undefined, children: [], depth: 0, deleted: false };
    this.#levels = [[root]];
  }

  #add(parent: PolicyNode, validPolicy: string, expected: Set<string>, certificateIndex: number): void {
    const node: PolicyNode = { validPolicy, expectedPolicySet: expected, parent, children: [], depth: parent.depth + 1, deleted: false };
    parent.children.push(node);
    (this.#levels[node.depth] ??= []).push(node);
    this.#nodeCount += 1;
    if (this.#nodeCount > MAX_NODES) throw new PathFailure('policyTreeTooLarge', `the policy tree exceeds ${MAX_NODES} nodes`, certificateIndex);
  }

  #level(depth: number): PolicyNode[] {
    return this.#levels[depth] ?? [];
  }

  #delete(node: PolicyNode): void {
    if (node.deleted) return;
    node.deleted = true;
    this.#nodeCount -= 1;
    for (const child of node.children) this.#delete(child);
    if (node.parent !== undefined) {
      const siblings = node.parent.children;
      siblings.splice(siblings.indexOf(node), 1);
    }
  }

  #compact(): void {
    this.#levels = this.#levels.map((level) => level.filter((node) => !node.deleted));
  }

  /** Deletes childless nodes above `depth`, bottom-up (§6.1.3 (d)(3), §6.1.4 (b)(2), §6.1.5 (g)(iii)(4)). */
  #pruneAbove(depth: number): void {
    for (let level = depth - 1; level >= 0; level -= 1) {
      for (const node of this.#level(level)) if (!node.deleted && node.children.length === 0) this.#delete(node);
    }
    this.#compact();
  }

  get isEmpty(): boolean {
    return this.#level(0).length === 0;
  }

  /** §6.1.3 (d): certificate i (1-based depth) carries `policies`. */
  processCertificatePolicies(depth: number, policies: CertificatePolicies, anyPolicyAllowed: boolean, certificateIndex: number): void {
    const parents = this.#level(depth - 1);
    const asserted = policies.map((information) => information.policyIdentifier);
    for (const policy of asserted) {
      if (policy === ANY_POLICY) continue;
      const matching = parents.filter((node) => node.expectedPolicySet.has(policy));
      if (matching.length > 0) for (const node of matching) this.#add(node, policy, new Set([policy]), certificateIndex);
      else for (const node of parents.filter((candidate) => candidate.validPolicy === ANY_POLICY)) this.#add(node, policy, new Set([policy]), certificateIndex);
    }
    if (anyPolicyAllowed && asserted.includes(ANY_POLICY)) {
      for (const node of parents) {
        const present = new Set(node.children.map((child) => child.validPolicy));
        for (const expected of node.expectedPolicySet) if (!present.has(expected)) this.#add(node, expected, new Set([expected]), certificateIndex);
      }
    }
    this.#pruneAbove(depth);
  }

  /** §6.1.4 (b): apply the mappings of certificate at `depth`. */
  processPolicyMappings(depth: number, mappings: PolicyMappings, mappingAllowed: boolean, certificateIndex: number): void {
    const mappedTo = new Map<string, Set<string>>();
    for (const mapping of mappings) {
      const targets = mappedTo.get(mapping.issuerDomainPolicy) ?? new Set<string>();
      targets.add(mapping.subjectDomainPolicy);
      mappedTo.set(mapping.issuerDomainPolicy, targets);
    }
    for (const [issuerPolicy, subjectPolicies] of mappedTo) {
      const level = this.#level(depth);
      const matching = level.filter((node) => node.validPolicy === issuerPolicy);
      if (mappingAllowed) {
        if (matching.length > 0) {
          for (const node of matching) node.expectedPolicySet = new Set(subjectPolicies);
        } else {
          const anyNode = level.find((node) => node.validPolicy === ANY_POLICY);
          if (anyNode?.parent !== undefined) this.#add(anyNode.parent, issuerPolicy, new Set(subjectPolicies), certificateIndex);
        }
      } else {
        for (const node of matching) this.#delete(node);
        this.#pruneAbove(depth);
      }
    }
    this.#compact();
  }

  /** §6.1.5 (g): intersect with the user's initial policy set; returns the user-constrained set. */
  intersect(depth: number, initialPolicySet: ReadonlySet<string>): string[] {
    if (this.isEmpty) return [];
    if (!initialPolicySet.has(ANY_POLICY)) {
      const validPolicyNodeSet = this.#validPolicyNodeSet();
      for (const node of validPolicyNodeSet) if (!initialPolicySet.has(node.validPolicy)) this.#delete(node);
      this.#compact();
      const anyLeaf = this.#level(depth).find((node) => node.validPolicy === ANY_POLICY);
      if (anyLeaf?.parent !== undefined) {
        const present = new Set(validPolicyNodeSet.filter((node) => !node.deleted).map((node) => node.validPolicy));
        for (const policy of initialPolicySet) if (!present.has(policy)) this.#add(anyLeaf.parent, policy, new Set([policy]), -1);
        this.#delete(anyLeaf);
      }
      this.#pruneAbove(depth);
    }
    return this.#userConstrainedPolicies(depth);
  }

  /** Nodes whose parent is anyPolicy: the policies in the trust anchor's domain (§6.1.5 (g)(iii)(1)). */
  #validPolicyNodeSet(): PolicyNode[] {
    const found: PolicyNode[] = [];
    const visit = (node: PolicyNode): void => {
      for (const child of node.children) {
        if (child.validPolicy === ANY_POLICY) visit(child);
        else found.push(child);
      }
    };
    const root = this.#level(0)[0];
    if (root !== undefined) visit(root);
    return found;
  }

  #userConstrainedPolicies(depth: number): string[] {
    if (this.isEmpty) return [];
    const policies = new Set(this.#validPolicyNodeSet().map((node) => node.validPolicy));
    if (this.#level(depth).some((node) => node.validPolicy === ANY_POLICY)) policies.add(ANY_POLICY);
    return [...policies].sort();
  }
}
