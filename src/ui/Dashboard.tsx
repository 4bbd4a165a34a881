// The live dashboard: one screen of text lines drawn from DashboardState, at most ~24 lines and
// 80 columns so it fits a laptop terminal. Colour is a prop: with NO_COLOR nothing here asks for
// a colour or a style, so the frame holds no escape codes at all.
import { Box, Text } from 'ink';
import { phaseSecondsLeft, runSecondsLeft, type DashboardState } from './dashboardState.ts';
import { availableParallelism } from 'node:os';
import { formatBytes, formatCores, formatCounts, formatDuration, formatMachineCores, formatPercent, formatRate } from './format.ts';
import { SoakPanel, SweepPanel } from './dashboardPanels.tsx';
import { Row, type Paint } from './rows.tsx';
import { sparkline } from './sparkline.ts';
import { shownColumns, type AccountColumn } from '../report/accounting.ts';
import { latencyLive } from '../format/units.ts';

export interface DashboardProps {
  state: DashboardState;
  color: boolean;
  /** The command shown in the title: run, tune, soak. */
  command?: string;
  /** Whether q is read from the keyboard (a TTY stdin): the hint says so. */
  keys?: boolean;
  /** This machine's cores: the whole machine's CPU is shown as cores busy of these (default: this process's machine). */
  machineCores?: number;
}

const SPARK_WIDTH = 60;

function Title({ state, command, paint }: { state: DashboardState; command: string; paint: Paint }) {
  return (
    <Text>
      <Text color={paint('cyan')}>servebench {command}</Text>
      {state.scenario ? ` · ${state.scenario}` : ''}
      {state.model ? ` · ${state.model}` : ''}
      {state.target ? ` @ ${state.target}` : ''}
    </Text>
  );
}

function PhaseLine({ state, paint }: { state: DashboardState; paint: Paint }) {
  const phase = state.phase;
  if (!phase) return <Row label="phase">{state.scenario ? 'preparing the first phase…' : 'starting the target…'}</Row>;
  const elapsed = Math.max(0, state.nowS - phase.startedS);
  const left = phaseSecondsLeft(state);
  const runLeft = runSecondsLeft(state);
  return (
    <Row label="phase">
      {`${phase.index + 1}/${phase.total} `}
      <Text color={paint('cyan')}>{phase.name}</Text>
      {` · ${phase.kind} · ${phase.load} · ${formatDuration(elapsed)}`}
      {left !== undefined ? ` of ${formatDuration(phase.plannedSeconds)} · ${formatDuration(left)} left` : ''}
      {runLeft !== undefined && phase.index + 1 < phase.total ? ` (run ${formatDuration(runLeft)} left)` : ''}
    </Row>
  );
}

function RateLines({ state, paint }: { state: DashboardState; paint: Paint }) {
  return (
    <>
      <Row label="rate">
        <Text color={paint('green')}>{formatRate(state.rateNow)} req/s</Text>
        {` now (ok ${formatRate(state.okNow)}) · phase ${state.phaseOk}/${state.phaseRequests} ok`}
      </Row>
      <Row label="">
        <Text color={paint('green')}>{sparkline(state.rateHistory, SPARK_WIDTH).padEnd(SPARK_WIDTH)}</Text>
        {' last 60s'}
      </Row>
    </>
  );
}

const col = (text: string) => text.padStart(9);

function LatencyTable({ state, paint }: { state: DashboardState; paint: Paint }) {
  const row = (name: string, l: DashboardState['latencyNow']) => (
    <Row label={`  ${name}`}>
      {l ? [l.p50, l.p90].map((v) => col(latencyLive(v))).join('') : col('-').repeat(2)}
      <Text color={paint('yellow')}>{col(l ? latencyLive(l.p99) : '-')}</Text>
      {col(l ? latencyLive(l.max) : '-')}
    </Row>
  );
  const counted = state.donePhases.filter((p) => p.counted).map((p) => p.latency.p99);
  const worstP99 = Math.max(0, ...counted, state.phase?.kind !== 'warmup' ? (state.latencyPhase?.p99 ?? 0) : 0);
  return (
    <>
      <Row label="latency">{['p50', 'p90', 'p99', 'max'].map(col).join('')}</Row>
      {row('now', state.latencyNow)}
      {row('phase', state.latencyPhase)}
      <Row label="  run">{`worst phase p99 ${latencyLive(worstP99)} · max ${latencyLive(state.maxRunUs)}`}</Row>
    </>
  );
}

function ErrorsLine({ state, paint }: { state: DashboardState; paint: Paint }) {
  const phaseErrors = Object.values(state.errorsPhase).reduce((a, n) => a + n, 0);
  const runErrors = Object.values(state.errorsRun).reduce((a, n) => a + n, 0);
  if (phaseErrors === 0 && runErrors === 0) return <Row label="errors">none</Row>;
  const share = state.phaseRequests > 0 ? ` (${((phaseErrors / state.phaseRequests) * 100).toFixed(phaseErrors / state.phaseRequests < 0.01 ? 2 : 1)}%)` : '';
  return (
    <Row label="errors">
      <Text color={paint('red')}>{phaseErrors > 0 ? `phase ${formatCounts(state.errorsPhase)}${share}` : 'phase none'}</Text>
      {runErrors > 0 ? ` · run ${formatCounts(state.errorsRun, 3)}` : ''}
    </Row>
  );
}

function SystemLines({ state, machineCores }: { state: DashboardState; machineCores: number }) {
  const s = state.system;
  if (!s) return <Row label="server">waiting for the first system sample…</Row>;
  const heap = s.server_heap_used_bytes !== undefined ? ` heap ${formatBytes(s.server_heap_used_bytes)}` : '';
  return (
    <>
      <Row label="server">{`CPU ${formatCores(s.server_cpu_percent)} RSS ${formatBytes(s.server_rss_bytes)}${heap} · machine CPU ${formatMachineCores(s.machine_cpu_percent, machineCores)} · loadgen CPU ${formatCores(s.loadgen_cpu_percent)}`}</Row>
      {(s.gpus ?? []).slice(0, 2).map((g) => (
        <Row key={g.index} label={`gpu${g.index}`}>
          {`util ${formatPercent(g.utilization_percent)} mem ${formatBytes(mibToBytes(g.memory_used_mib))}/${formatBytes(mibToBytes(g.memory_total_mib))}${g.name ? ` · ${g.name}` : ''}`}
        </Row>
      ))}
    </>
  );
}

const mibToBytes = (mib: number | undefined) => (mib === undefined ? undefined : mib * 2 ** 20);

function Markers({ state, paint }: { state: DashboardState; paint: Paint }) {
  if (state.markers.length === 0) return null;
  return (
    <Row label="markers">
      <Text color={paint('magenta')}>{state.markers.map((m) => `${m.atS.toFixed(1)}s ${m.kind}${m.detail ? ` ${m.detail}` : ''}`).join(' · ')}</Text>
    </Row>
  );
}

function Warnings({ state, paint }: { state: DashboardState; paint: Paint }) {
  return (
    <>
      {state.saturation ? (
        <Row label="!!">
          <Text color={paint('red')} bold={paint('red') !== undefined}>
            {state.saturation}
          </Text>
        </Row>
      ) : null}
      {state.warnings.map((w, i) => (
        <Row key={i} label="warning">
          <Text color={paint('yellow')}>{`${w.atS.toFixed(0)}s ${w.message}`}</Text>
        </Row>
      ))}
    </>
  );
}

/** Short headers: the done table must fit 80 columns beside its label. */
const SHORT: Record<AccountColumn | 'requests', string> = { requests: 'req', ok: 'ok', errors: 'err', timed_out: 't/o', cut: 'cut', refused: 'ref', dropped: 'drop', aborted: 'abrt', other: 'oth' };

/** Finished phases as a table whose counts add up: req = ok + err + t/o + cut + ref + drop (+ abrt + oth when any). */
function DonePhases({ state, paint }: { state: DashboardState; paint: Paint }) {
  if (state.donePhases.length === 0) return null;
  const columns = ['requests' as const, ...shownColumns(state.donePhases.map((p) => p.account))];
  const cells = state.donePhases.map((p) => [p.name.slice(0, 12), ...columns.map((c) => String(p.account[c])), formatRate(p.throughputRps), latencyLive(p.latency.p99)]);
  const header = ['phase', ...columns.map((c) => SHORT[c]), 'rps', 'p99'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' ');
  return (
    <>
      <Row label="done">{line(header)}</Row>
      {state.donePhases.map((p, i) => (
        <Row key={i} label="">
          {line(cells[i])}
          {p.counted ? '' : ' (not counted)'}
          {p.verdict ? <Text color={paint(p.verdict.passed ? 'green' : 'red')}>{` ${p.verdict.passed ? 'PASS' : 'FAIL'} ${p.verdict.kind}`}</Text> : null}
        </Row>
      ))}
    </>
  );
}

function Footer({ state, keys, paint }: { state: DashboardState; keys: boolean; paint: Paint }) {
  if (state.finished) {
    const ok = state.finished.exitCode === 0;
    return <Text color={paint(ok ? 'green' : 'yellow')}>{`finished (exit ${state.finished.exitCode})${state.finished.error ? `: ${state.finished.error}` : ''}; writing results…`}</Text>;
  }
  if (state.stopping) return <Text color={paint('yellow')}>stopping: ending the current measurement, then writing results and stopping the server (Ctrl-C again: exit at once)</Text>;
  return <Text color={paint('gray')}>{keys ? 'q or Ctrl-C: stop gracefully' : 'Ctrl-C: stop gracefully'}</Text>;
}

export function Dashboard({ state, color, command = 'run', keys = true, machineCores = availableParallelism() }: DashboardProps) {
  const paint: Paint = (c) => (color ? c : undefined);
  return (
    <Box flexDirection="column">
      <Title state={state} command={command} paint={paint} />
      <PhaseLine state={state} paint={paint} />
      <RateLines state={state} paint={paint} />
      <LatencyTable state={state} paint={paint} />
      <ErrorsLine state={state} paint={paint} />
      <SystemLines state={state} machineCores={machineCores} />
      <Markers state={state} paint={paint} />
      <Warnings state={state} paint={paint} />
      {state.sweep ? <SweepPanel sweep={state.sweep} paint={paint} /> : null}
      {state.soak ? <SoakPanel soak={state.soak} paint={paint} /> : null}
      <DonePhases state={state} paint={paint} />
      <Footer state={state} keys={keys} paint={paint} />
    </Box>
  );
}
