/// The style sheet of `panorama.html`, compiled into the binary (the page inlines it; nothing is
/// read at run time).
enum ReportCSS {
    /// Inline style sheet: CJK-capable system fonts, tones, print rules. No external resources.
    static let stylesheet = """
    :root { --red: #c62828; --green: #2e7d32; --grey: #546e7a; --ink: #263238; --line: #cfd8dc; }
    * { box-sizing: border-box; }
    body { margin: 0 auto; max-width: 1180px; padding: 16px 24px 48px; color: var(--ink); background: #fff;
      font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
      "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif;
      font-size: 14px; line-height: 1.5; }
    h1 { font-size: 24px; margin: 8px 0; } h2 { font-size: 19px; border-bottom: 2px solid #1565c0; padding-bottom: 4px; margin-top: 32px; }
    h3 { font-size: 16px; margin: 16px 0 8px; }
    dl.meta { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 8px 0; }
    dl.meta div { display: flex; gap: 6px; max-width: 100%; } dt { color: var(--grey); } dd { margin: 0; font-weight: 600; min-width: 0; overflow-wrap: anywhere; }
    nav ol { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; list-style: none; }
    nav a { color: #1565c0; }
    .legend, .note { color: var(--grey); }
    .lead { font-size: 16px; font-weight: 600; }
    .warn { background: #fff8e1; border-left: 4px solid #f9a825; padding: 6px 10px; }
    table { border-collapse: collapse; margin: 8px 0 16px; }
    caption { text-align: left; font-weight: 600; padding: 4px 0; }
    th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
    thead th { background: #eceff1; }
    td.num { text-align: right; white-space: nowrap; }
    td.values { white-space: nowrap; }
    td.flag { background: #fff3e0; }
    table.breakdown th[scope="row"] { white-space: nowrap; }
    .scroll { overflow-x: auto; }
    .muted { color: var(--grey); }
    .chg { white-space: nowrap; font-weight: 600; }
    .chg.red { color: var(--red); } .chg.green { color: var(--green); } .chg.grey { color: var(--grey); font-weight: 400; }
    .assess { font-weight: 400; }
    .badge { background: #ffebee; color: var(--red); border: 1px solid var(--red); border-radius: 3px; padding: 0 4px; font-size: 12px; }
    .groups { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
    .group { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
    ul.tree, ul.tree ul { list-style: none; margin: 0; padding: 0; }
    ul.tree ul { margin-left: 14px; padding-left: 12px; border-left: 2px solid var(--line); }
    .node { padding: 6px 0; }
    .node .name { font-weight: 600; }
    .node.root .value { font-size: 26px; }
    .node .value { font-size: 20px; font-weight: 700; }
    .node .sub { font-size: 13px; }
    code.hash { font-size: 11px; word-break: break-all; }
    figure { margin: 16px 0; } figcaption { font-weight: 600; }
    svg text { font-family: inherit; }
    .warnitem code { color: var(--grey); font-size: 11px; }
    .nowrap { white-space: nowrap; }
    ul.headline { margin: 8px 0; padding-left: 20px; font-size: 15px; }
    ul.headline li { margin: 4px 0; }
    .ci { color: var(--grey); font-size: 0.7em; font-weight: 400; white-space: nowrap; }
    td .ci { font-size: 12px; }
    .sig { font-size: 12px; border-radius: 3px; padding: 0 4px; white-space: nowrap; font-weight: 400; }
    .sig.yes { background: #e3f2fd; color: #0d47a1; border: 1px solid #90caf9; }
    .sig.no, .sig.census { background: #f5f5f5; color: var(--grey); border: 1px solid var(--line); }
    .small { font-size: 12px; color: #6d4c41; background: #efebe9; border: 1px dashed #a1887f; border-radius: 3px; padding: 0 4px; white-space: nowrap; font-weight: 400; }
    td.smallbase { color: #90a4ae; }
    tr.ns th, tr.ns td { color: #90a4ae; }
    details { margin: 12px 0; border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px; }
    details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
    svg.chart, svg.spark { max-width: 100%; height: auto; }
    @media (max-width: 640px) {
      body { padding: 8px 10px 32px; font-size: 14px; }
      h1 { font-size: 20px; } h2 { font-size: 17px; }
      .node.root .value { font-size: 22px; }
      .groups { grid-template-columns: 1fr; }
      table.reflow, table.reflow caption, table.reflow tbody, table.reflow tr, table.reflow th { display: block; width: 100%; }
      table.reflow thead { display: none; }
      table.reflow tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; padding: 4px 8px; }
      table.reflow th, table.reflow td { border: none; padding: 2px 0; text-align: left; }
      table.reflow td { display: inline-block; width: 49%; vertical-align: top; }
      table.reflow th[scope="row"] { font-size: 15px; }
      table.reflow td[data-label]::before { content: attr(data-label) "："; color: var(--grey); margin-right: 4px; }
      html:lang(en) table.reflow td[data-label]::before { content: attr(data-label) ": "; }
      table.reflow td.num { text-align: left; white-space: normal; }
      table.trend, table.trend caption, table.trend tbody, table.trend tr, table.trend th, table.trend td { display: block; width: 100%; }
      table.trend thead { display: none; }
      table.trend tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
      table.trend th, table.trend td { border: none; padding: 2px 0; }
      td.values { white-space: normal; }
    }
    @media print {
      body { max-width: none; padding: 0; font-size: 11px; }
      nav { display: none; }
      section, table, figure, .group { break-inside: avoid; }
      h2 { break-after: avoid; }
      .scroll { overflow: visible; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }

    """
}
