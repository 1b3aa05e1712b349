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
    dl.meta div { display: flex; gap: 6px; } dt { color: var(--grey); } dd { margin: 0; font-weight: 600; }
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
