/**
 * A tiny bar chart in inline SVG: one bar per value, oldest left. Screen readers get `summary`
 * instead of the drawing (role="img"); sighted readers see `text`, a short form of it, beside it.
 */
export function Sparkline({
  values,
  max,
  summary,
  text,
  tone = 'ok',
}: {
  /** null: nothing to show for that slot (e.g. a rate of no jobs). */
  values: (number | null)[];
  /** The value of a full-height bar; the largest value when not given. */
  max?: number;
  summary: string;
  text: string;
  tone?: 'ok' | 'bad';
}) {
  const width = 120;
  const height = 28;
  const top = max ?? Math.max(1, ...values.map((v) => v ?? 0));
  const step = width / Math.max(1, values.length);
  return (
    <span class="sparkline">
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        preserveAspectRatio="none"
      >
        <line x1={0} y1={height - 0.5} x2={width} y2={height - 0.5} class="sparkline-axis" />
        {values.map((value, i) => {
          if (!value) return null;
          const h = Math.max(1, (Math.min(value, top) / top) * (height - 1));
          return (
            <rect
              key={i}
              class={`sparkline-bar sparkline-${tone}`}
              x={i * step}
              y={height - 1 - h}
              width={Math.max(1, step - 0.5)}
              height={h}
            />
          );
        })}
      </svg>
      <span class="sparkline-text" aria-hidden="true">
        {text}
      </span>
    </span>
  );
}
