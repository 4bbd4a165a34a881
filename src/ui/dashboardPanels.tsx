// The dashboard's sweep and soak panels: shown only when a tune or soak sends their events.
import { Text } from 'ink';
import type { SoakView, SweepView } from './dashboardState.ts';
import { Row, type Paint } from './rows.tsx';
import { formatBytes, formatConfig, formatDuration, formatRate, formatSlope } from './format.ts';
import { latencyLive } from '../format/units.ts';
import { sparklineRange } from './sparkline.ts';

export function SweepPanel({ sweep, paint }: { sweep: SweepView; paint: Paint }) {
  const capacity = (rps: number | null) => (rps === null ? 'no rate met the SLO' : `${formatRate(rps)} rps`);
  return (
    <>
      <Row label="sweep">
        {`trial ${sweep.index + 1}/${sweep.total} ${sweep.running ? 'running' : 'done'} · `}
        <Text color={paint('cyan')}>{formatConfig(sweep.config)}</Text>
        {sweep.etaS !== undefined ? ` · ETA ${formatDuration(sweep.etaS)}` : ''}
      </Row>
      <Row label="">
        {'best so far: '}
        <Text color={paint('green')}>{sweep.best ? `${capacity(sweep.best.capacityRps)} with ${formatConfig(sweep.best.config)}` : 'none yet'}</Text>
      </Row>
      {sweep.recent.map((t) => (
        <Row key={t.index} label="">
          {`trial ${t.index + 1}: ${capacity(t.capacityRps)}${t.p99Us !== undefined ? `, p99 ${latencyLive(t.p99Us)}` : ''} · ${formatConfig(t.config)}`}
        </Row>
      ))}
    </>
  );
}

export function SoakPanel({ soak, paint }: { soak: SoakView; paint: Paint }) {
  // leak.ts verdicts: 'leak' | 'no leak' | 'inconclusive'.
  const tone = soak.leakVerdict === 'leak' ? 'red' : soak.leakVerdict === 'no leak' ? 'green' : 'yellow';
  return (
    <>
      <Row label="soak">
        {`${formatDuration(soak.atS)} of ${formatDuration(soak.durationS)} · RSS ${formatBytes(soak.rssBytes)} · slope `}
        <Text color={paint(tone)}>{formatSlope(soak.rssSlopeMbPerHour)}</Text>
        {` · p99 ${latencyLive(soak.p99Us)} · errors ${soak.errors}/${soak.requests}`}
      </Row>
      <Row label="">
        {'leak so far: '}
        <Text color={paint(tone)}>{soak.leakVerdict ?? 'not enough samples yet'}</Text>
        {soak.rssHistory.length > 1 ? `  RSS ${sparklineRange(soak.rssHistory, 40)}` : ''}
      </Row>
    </>
  );
}
