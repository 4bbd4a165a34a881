// Every example scenario runs for real against the embedded server and its verdict says what
// the phase proved. (quick, the main job, runs through the CLI in cli.test.ts.)
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/runner/run.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

async function run(name: string) {
  const { scenario } = await loadScenarioFile(`${REPO_ROOT}scenarios/${name}.yaml`);
  return runScenario(scenario, { runId: `test-${name}` });
}

describe('example scenarios', { timeout: 180_000 }, () => {
  it('malformed: every malformed request gets a 4xx, valid traffic keeps succeeding', async () => {
    const results = await run('malformed');
    expect(results.error).toBeUndefined();
    const verdict = results.verdicts.find((v) => v.kind === 'malformed')!;
    expect(verdict.passed, verdict.summary).toBe(true);
    const byClass = results.phases.find((p) => p.kind === 'malformed')!.requests.by_class!;
    expect(Object.keys(byClass)).toEqual(expect.arrayContaining(['valid', 'invalid_json', 'negative_dim']));
    expect(byClass.invalid_json.status_400).toBeGreaterThan(0);
    // The classes about the request around the body: each got the embedded server's own answer.
    expect(byClass.content_encoding.status_415).toBeGreaterThan(0);
    expect(byClass.long_model_name.status_404).toBeGreaterThan(0);
    expect(byClass.length_over_body.status_408).toBeGreaterThan(0);
    expect(byClass.length_under_body.status_400).toBeGreaterThan(0);
  });

  it('shutdown: requests sent before SIGTERM all complete, the server exits 0 within its deadline', async () => {
    const results = await run('shutdown');
    const verdict = results.verdicts.find((v) => v.kind === 'shutdown')!;
    expect(verdict.passed, verdict.summary).toBe(true);
    const details = verdict.details as { before: Record<string, number>; after: Record<string, number>; exit_code: number; lost_before: number; stalled_clients: number; stalled_cut_by_server: number };
    // The stalled client held its connection until the server's drain deadline cut it.
    expect(details).toMatchObject({ stalled_clients: 1, stalled_cut_by_server: 1 });
    expect(details.before.ok).toBeGreaterThan(100);
    expect(details.lost_before).toBe(0);
    expect(details.exit_code).toBe(0);
    expect((details.after.status_503 ?? 0) + (details.after.refused ?? 0) + (details.after.reset ?? 0)).toBeGreaterThan(0);
  });

  it('flap: each connection cut is recovered from, with the cost counted', async () => {
    const results = await run('flap');
    const verdict = results.verdicts.find((v) => v.kind === 'flap')!;
    const cuts = (verdict.details as { cuts: { recoveredS: number | null; lost: number }[] }).cuts;
    expect(cuts.length).toBeGreaterThanOrEqual(2);
    expect(cuts.every((c) => c.recoveredS !== null)).toBe(true);
    expect(verdict.passed, verdict.summary).toBe(true);
    const outcomes = results.phases.find((p) => p.kind === 'flap')!.requests.outcomes;
    expect(outcomes.ok).toBeGreaterThan(1000);
  });

  it('overload: the excess is shed with 503 while admitted requests are served', async () => {
    const results = await run('overload');
    const verdict = results.verdicts.find((v) => v.kind === 'overload')!;
    const details = verdict.details as { shed: number; admitted: number };
    expect(details.shed).toBeGreaterThan(0);
    expect(details.admitted).toBeGreaterThan(0);
    expect(verdict.passed, verdict.summary).toBe(true);
  });

  it('aborts: clients hanging up mid-request neither stall nor break the server', async () => {
    const results = await run('aborts');
    const verdict = results.verdicts.find((v) => v.kind === 'aborts')!;
    expect((verdict.details as { aborted: number }).aborted).toBeGreaterThan(0);
    expect(verdict.passed, verdict.summary).toBe(true);
  });

  it('slow-clients: valid traffic is served while 300 clients stall, and the server cuts each of them', async () => {
    const results = await run('slow-clients');
    const verdict = results.verdicts.find((v) => v.kind === 'slow-clients')!;
    expect(verdict.passed, verdict.summary).toBe(true);
    expect(verdict.details).toMatchObject({ stalled: 300, cut: 300, held: 0, answers: { status_408: 300 } });
  });

  it('slow-clients: fails a server that never cuts a stalled body', async () => {
    const { scenario } = await loadScenarioFile(`${REPO_ROOT}scenarios/slow-clients.yaml`);
    const never = { ...scenario, target: { ...scenario.target, server: { ...(scenario.target as { server: object }).server, body_timeout_ms: 0 } } } as typeof scenario;
    const phases = never.phases.map((p) => (p.kind === 'slow-clients' ? { ...p, duration_s: 3, clients: 40, cut_within_s: 4 } : p));
    const results = await runScenario({ ...never, phases }, { runId: 'test-slow-clients-never' });
    const verdict = results.verdicts.find((v) => v.kind === 'slow-clients')!;
    expect(verdict.passed).toBe(false);
    expect(verdict.details).toMatchObject({ stalled: 40, cut: 0, held: 40 });
    expect(verdict.summary).toMatch(/^40 stalled clients \(20 withheld their body, 20 trickled it\): 0 cut within 4 s, 40 STILL HELD; valid traffic: \d+ of \d+ ok/);
  });
});
