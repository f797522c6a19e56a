/**
 * Stacked bars per minute as SVG (no canvas, no inline styles: the CSP
 * allows neither), with a legend and the same numbers as a table for screen
 * readers and keyboard users.
 */
import { Scroll } from './scroll.tsx';

export interface Stack {
  /** ms, start of the minute. */
  at: number;
  values: Record<string, number>;
}

const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf', '#374151'];

export function BarChart(props: { title: string; stacks: Stack[]; unit: string }) {
  const series = [...new Set(props.stacks.flatMap((s) => Object.keys(s.values)))].sort();
  const colour = (name: string) => COLOURS[series.indexOf(name) % COLOURS.length]!;
  const max = Math.max(1, ...props.stacks.map((s) => Object.values(s.values).reduce((a, b) => a + b, 0)));
  const width = 600;
  const height = 160;
  const barWidth = width / Math.max(1, props.stacks.length);
  const total = props.stacks.reduce((sum, s) => sum + Object.values(s.values).reduce((a, b) => a + b, 0), 0);
  const minute = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <figure class="chart">
      <figcaption>{props.title}: {total} {props.unit} in {props.stacks.length} minutes, at most {max} in one minute.</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={`${props.title}, bar chart; the table below holds the numbers`} preserveAspectRatio="none">
        <line x1="0" y1={height} x2={width} y2={height} class="axis" />
        {props.stacks.map((s, i) => {
          let y = height;
          return (
            <g key={s.at}>
              {series.filter((name) => (s.values[name] ?? 0) > 0).map((name) => {
                const h = ((s.values[name] ?? 0) / max) * (height - 4);
                y -= h;
                return <rect key={name} x={i * barWidth + 1} y={y} width={Math.max(1, barWidth - 2)} height={h} fill={colour(name)}><title>{`${minute(s.at)} ${name}: ${s.values[name]}`}</title></rect>;
              })}
            </g>
          );
        })}
        {props.stacks.length > 0 && <text x="0" y={height + 16} class="tick">{minute(props.stacks[0]!.at)}</text>}
        {props.stacks.length > 1 && <text x={width} y={height + 16} text-anchor="end" class="tick">{minute(props.stacks[props.stacks.length - 1]!.at)}</text>}
      </svg>
      {series.length > 0 ? (
        <ul class="legend">
          {series.map((name) => (
            <li key={name}><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill={colour(name)} /></svg> {name}</li>
          ))}
        </ul>
      ) : <p>Nothing in this window.</p>}
      <details>
        <summary>{props.title} as a table</summary>
        <Scroll label={`${props.title}, per minute`}>
          <table>
            <thead><tr><th scope="col">Minute</th>{series.map((name) => <th scope="col" key={name}>{name}</th>)}</tr></thead>
            <tbody>
              {props.stacks.filter((s) => Object.keys(s.values).length > 0).map((s) => (
                <tr key={s.at}><th scope="row">{minute(s.at)}</th>{series.map((name) => <td key={name}>{s.values[name] ?? 0}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </details>
    </figure>
  );
}
