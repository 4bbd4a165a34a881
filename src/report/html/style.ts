// The report's only stylesheet, inlined: system fonts, readable on a laptop, prints cleanly.
export const STYLE = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; --pass: #15803d; --pass-bg: #dcfce7; --fail: #b91c1c; --fail-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #111827; color: #f9fafb; padding: 18px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header.top .sub { color: #d1d5db; font-size: 13px; }
header.top code { color: #f9fafb; }
nav { padding: 8px 32px; background: #1f2937; font-size: 13px; position: sticky; top: 0; z-index: 1; }
nav a { color: #e5e7eb; margin-right: 18px; text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { max-width: 1120px; margin: 0 auto; padding: 8px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 22px; margin: 18px 0; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
p { margin: 6px 0; }
.muted, figcaption { color: var(--muted); font-size: 12.5px; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow: auto; max-height: 520px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 5px 10px 5px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.overall { display: flex; align-items: center; gap: 16px; padding: 12px 16px; border-radius: 8px; margin-bottom: 12px; }
.overall.pass { background: var(--pass-bg); } .overall.fail { background: var(--fail-bg); } .overall.error { background: var(--warn-bg); } .overall.none { background: #f3f4f6; }
.overall .word { white-space: nowrap; font-size: 22px; font-weight: 700; letter-spacing: .02em; }
.overall.pass .word { color: var(--pass); } .overall.fail .word { color: var(--fail); } .overall.error .word { color: var(--warn); } .overall.none .word { color: var(--muted); }
.badge.none { background: #f3f4f6; color: var(--muted); }
.badge { display: inline-block; min-width: 44px; text-align: center; border-radius: 4px; padding: 0 6px; font-size: 11.5px; font-weight: 700; }
.badge.pass { background: var(--pass-bg); color: var(--pass); } .badge.fail { background: var(--fail-bg); color: var(--fail); } .badge.info { background: #e0e7ff; color: #3730a3; }
.callout { border-left: 4px solid #6366f1; background: #eef2ff; padding: 10px 14px; border-radius: 0 6px 6px 0; margin: 10px 0; }
.callout.good { border-color: var(--pass); background: #f0fdf4; } .callout.bad { border-color: var(--fail); background: #fef2f2; }
ul.warnings { margin: 6px 0; padding-left: 20px; } ul.warnings li { color: var(--warn); }
figure { margin: 18px 0 8px; } figure h3 { margin-top: 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figure .chart-error { color: var(--fail); }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; font-size: 13px; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; }
.better { color: var(--pass); } .worse { color: var(--fail); }
@media print { nav { display: none; } body { background: #fff; } section { break-inside: avoid-page; border: 0; } }
`;
