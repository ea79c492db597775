import { describe, expect, it } from 'vitest';
import { runRevocationScenario } from '../../conformance/scenarios/revocation-scenario.js';

describe('the main job’s PKI scenario across CA, revocation service and verifier', () => {
  it('sees the verifier’s decision follow issuance, revocation, hold and release through OCSP and the CRL', async () => {
    const result = await runRevocationScenario();
    const failed = result.steps.filter((step) => !step.ok);
    expect(failed).toEqual([]);
    expect(result.decisions.map((decision) => [decision.when, decision.certificate, decision.revocationSource, decision.decision.decision])).toEqual([
      ['after issuance', 'signature', 'ocsp', 'valid'],
      ['after issuance', 'userAuthentication', 'crl', 'valid'],
      ['after revocation', 'signature', 'ocsp', 'invalid'],
      ['after revocation', 'signature', 'crl', 'invalid'],
      ['on hold', 'userAuthentication', 'ocsp', 'invalid'],
      ['after release', 'userAuthentication', 'crl', 'valid'],
    ]);
    const valid = result.decisions[0]?.decision;
    expect(valid?.decision === 'valid' && valid.signer?.name).toBe('公的　花子');
    expect(valid?.decision === 'valid' && valid.certificate.carrier).toBe('smartphone');
    const revoked = result.decisions[2]?.decision;
    expect(revoked?.decision === 'invalid' && revoked.revocationStatus?.status).toBe('revoked');
  }, 120_000);
});
