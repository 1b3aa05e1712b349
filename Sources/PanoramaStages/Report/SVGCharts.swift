/// Inline SVG charts for the HTML report. Each chart is `role="img"` with an `aria-label` and a
/// `<title>` holding its data as text; all text passed in is escaped here.
public enum SVGCharts {
    /// A six-month style sparkline: one slot per month, gaps where a month has no value, a dot on
    /// the last value.
    public static func sparkline(_ values: [Double?], alt: String, width: Double = 160, height: Double = 32) -> String {
        let pad = 4.0
        let present = values.compactMap { $0 }
        var svg = "<svg class=\"spark\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        guard let lo = present.min(), let hi = present.max(), values.count > 0 else { return svg + "</svg>" }
        let step = values.count > 1 ? (width - 2 * pad) / Double(values.count - 1) : 0
        func y(_ v: Double) -> Double {
            hi == lo ? height / 2 : pad + (hi - v) / (hi - lo) * (height - 2 * pad)
        }
        svg += "<line x1=\"\(n(pad))\" y1=\"\(n(height - 1))\" x2=\"\(n(width - pad))\" y2=\"\(n(height - 1))\" stroke=\"#cfd8dc\" stroke-width=\"1\"/>"
        var segment: [String] = []
        func flush() {
            if segment.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"\(segment.joined(separator: " "))\"/>"
            }
            segment = []
        }
        for (i, v) in values.enumerated() {
            guard let v else { flush(); continue }
            segment.append("\(n(pad + Double(i) * step)),\(n(y(v)))")
        }
        flush()
        for (i, v) in values.enumerated() {
            guard let v else { continue }
            let last = i == values.count - 1
            svg += "<circle cx=\"\(n(pad + Double(i) * step))\" cy=\"\(n(y(v)))\" r=\"\(last ? "3" : "1.6")\" fill=\"\(last ? "#0d47a1" : "#1565c0")\"/>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars of importance percentages, longest scaled to the available width.
    public static func importanceBars(_ items: [(label: String, pct: Double)], alt: String) -> String {
        let labelWidth = 190.0, barMax = 300.0, rowHeight = 26.0
        let width = labelWidth + barMax + 70
        let height = rowHeight * Double(max(items.count, 1)) + 8
        let top = max(items.map(\.pct).max() ?? 0, 1e-9)
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        for (i, item) in items.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let w = max(0, item.pct) / top * barMax
            svg += "<text x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 17))\" text-anchor=\"end\" font-size=\"13\" fill=\"#263238\">\(ReportText.html(item.label))</text>"
            svg += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + 4))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 8))\" fill=\"#1e88e5\"/>"
            svg += "<text x=\"\(n(labelWidth + w + 6))\" y=\"\(n(y + 17))\" font-size=\"12\" fill=\"#263238\">\(ReportText.fixed(item.pct, 1))%</text>"
        }
        return svg + "</svg>"
    }

    /// One point of the importance–performance chart.
    public struct QuadrantPoint: Sendable {
        public var label: String
        public var importancePct: Double
        public var performance: Double
        public var improveFirst: Bool

        /// A point from its values.
        public init(label: String, importancePct: Double, performance: Double, improveFirst: Bool) {
            self.label = label
            self.importancePct = importancePct
            self.performance = performance
            self.improveFirst = improveFirst
        }
    }

    /// Importance (x) against performance (y), split at the means as SPEC §5 does; the four
    /// quadrant names are written in their corners.
    public static func quadrant(_ points: [QuadrantPoint], quadrantNames: (improveFirst: String, keepStrength: String, watch: String, lowPriority: String),
                                xAxis: String, yAxis: String, alt: String) -> String {
        let width = 600.0, height = 400.0
        let left = 60.0, right = 20.0, top = 20.0, bottom = 50.0
        let pw = width - left - right, ph = height - top - bottom
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        guard !points.isEmpty else { return svg + "</svg>" }
        let meanX = points.map(\.importancePct).reduce(0, +) / Double(points.count)
        let meanY = points.map(\.performance).reduce(0, +) / Double(points.count)
        let xMax = max((points.map(\.importancePct).max() ?? 1) * 1.15, 1)
        var yLo = (points.map(\.performance).min() ?? 0) - 5
        var yHi = (points.map(\.performance).max() ?? 100) + 5
        yLo = max(0, yLo.rounded(.down)); yHi = min(100, yHi.rounded(.up))
        if yHi <= yLo { yHi = yLo + 1 }
        func x(_ v: Double) -> Double { left + max(0, v) / xMax * pw }
        func y(_ v: Double) -> Double { top + (yHi - v) / (yHi - yLo) * ph }
        svg += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(pw))\" height=\"\(n(ph))\" fill=\"#fafafa\" stroke=\"#b0bec5\"/>"
        svg += "<rect x=\"\(n(x(meanX)))\" y=\"\(n(y(meanY)))\" width=\"\(n(left + pw - x(meanX)))\" height=\"\(n(top + ph - y(meanY)))\" fill=\"#fff3e0\"/>"
        svg += "<line x1=\"\(n(x(meanX)))\" y1=\"\(n(top))\" x2=\"\(n(x(meanX)))\" y2=\"\(n(top + ph))\" stroke=\"#78909c\" stroke-dasharray=\"4 3\"/>"
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(meanY)))\" x2=\"\(n(left + pw))\" y2=\"\(n(y(meanY)))\" stroke=\"#78909c\" stroke-dasharray=\"4 3\"/>"
        let small = "font-size=\"12\" fill=\"#546e7a\""
        svg += "<text x=\"\(n(left + pw - 6))\" y=\"\(n(top + ph - 8))\" text-anchor=\"end\" \(small)>\(ReportText.html(quadrantNames.improveFirst))</text>"
        svg += "<text x=\"\(n(left + pw - 6))\" y=\"\(n(top + 16))\" text-anchor=\"end\" \(small)>\(ReportText.html(quadrantNames.keepStrength))</text>"
        svg += "<text x=\"\(n(left + 6))\" y=\"\(n(top + ph - 8))\" \(small)>\(ReportText.html(quadrantNames.watch))</text>"
        svg += "<text x=\"\(n(left + 6))\" y=\"\(n(top + 16))\" \(small)>\(ReportText.html(quadrantNames.lowPriority))</text>"
        svg += "<text x=\"\(n(left + pw / 2))\" y=\"\(n(height - 12))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#263238\">\(ReportText.html(xAxis))</text>"
        svg += "<text x=\"16\" y=\"\(n(top + ph / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#263238\" transform=\"rotate(-90 16 \(n(top + ph / 2)))\">\(ReportText.html(yAxis))</text>"
        svg += "<text x=\"\(n(left))\" y=\"\(n(top + ph + 16))\" text-anchor=\"middle\" \(small)>0</text>"
        svg += "<text x=\"\(n(left + pw))\" y=\"\(n(top + ph + 16))\" text-anchor=\"end\" \(small)>\(ReportText.fixed(xMax, 0))</text>"
        svg += "<text x=\"\(n(left - 6))\" y=\"\(n(top + ph))\" text-anchor=\"end\" \(small)>\(ReportText.fixed(yLo, 0))</text>"
        svg += "<text x=\"\(n(left - 6))\" y=\"\(n(top + 10))\" text-anchor=\"end\" \(small)>\(ReportText.fixed(yHi, 0))</text>"
        for p in points {
            let cx = x(p.importancePct), cy = y(p.performance)
            svg += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"5\" fill=\"\(p.improveFirst ? "#e65100" : "#1e88e5")\"/>"
            svg += "<text x=\"\(n(cx + 8))\" y=\"\(n(cy + 4))\" font-size=\"12\" fill=\"#263238\">\(ReportText.html(p.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Coordinates with one decimal.
    private static func n(_ v: Double) -> String { ReportText.fixed(v, 1) }
}
