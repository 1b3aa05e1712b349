import PanoramaCore

/// Inline SVG charts for the HTML report. Each chart is `role="img"` with an `aria-label` and a
/// `<title>` holding its data as text; all text passed in is escaped here.
public enum SVGCharts {
    /// A trend sparkline on an explicit scale: one slot per month with its tick label below, the
    /// range's bounds written at the left (so the reader sees how much a wiggle is worth), a
    /// vertical bar for each month's 95 % interval, a dashed line at the target, gaps where a month
    /// has no value, and a larger dot on the last value.
    public static func sparkline(_ values: [Double?], intervals: [Double?], target: Double?, range: (lo: Double, hi: Double),
                                 rangeLabels: (lo: String, hi: String), ticks: [String], alt: String) -> String {
        let width = 250.0, height = 70.0
        let left = 42.0, right = 8.0, top = 6.0, bottom = 18.0
        let pw = width - left - right, ph = height - top - bottom
        var svg = "<svg class=\"spark\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        let span = max(range.hi - range.lo, 1e-9)
        func y(_ v: Double) -> Double { top + (range.hi - min(max(v, range.lo), range.hi)) / span * ph }
        let step = values.count > 1 ? pw / Double(values.count - 1) : 0
        func x(_ i: Int) -> Double { values.count > 1 ? left + Double(i) * step : left + pw / 2 }
        let small = "font-size=\"9\" fill=\"#546e7a\""
        for (v, label) in [(range.hi, rangeLabels.hi), (range.lo, rangeLabels.lo)] {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(v)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(v)))\" stroke=\"#cfd8dc\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(n(left - 4))\" y=\"\(n(y(v) + 3))\" text-anchor=\"end\" \(small)>\(ReportText.html(label))</text>"
        }
        if let target, target >= range.lo, target <= range.hi {
            svg += "<line class=\"target\" x1=\"\(n(left))\" y1=\"\(n(y(target)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(target)))\" stroke=\"#ef6c00\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>"
        }
        for (i, tick) in ticks.enumerated() where i < values.count {
            svg += "<text x=\"\(n(x(i)))\" y=\"\(n(height - 5))\" text-anchor=\"middle\" \(small)>\(ReportText.html(tick))</text>"
        }
        for (i, v) in values.enumerated() {
            guard let v, i < intervals.count, let ci = intervals[i], ci > 0 else { continue }
            svg += "<line class=\"ci\" x1=\"\(n(x(i)))\" y1=\"\(n(y(v + ci)))\" x2=\"\(n(x(i)))\" y2=\"\(n(y(v - ci)))\" stroke=\"#90caf9\" stroke-width=\"4\" stroke-linecap=\"round\"/>"
        }
        var segment: [String] = []
        func flush() {
            if segment.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"\(segment.joined(separator: " "))\"/>"
            }
            segment = []
        }
        for (i, v) in values.enumerated() {
            guard let v else { flush(); continue }
            segment.append("\(n(x(i))),\(n(y(v)))")
        }
        flush()
        for (i, v) in values.enumerated() {
            guard let v else { continue }
            let last = i == values.count - 1
            svg += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"\(last ? "3.2" : "2")\" fill=\"\(last ? "#0d47a1" : "#1565c0")\"/>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars of importance percentages, longest scaled to the available width; a muted
    /// item (a driver that is not significant) is drawn grey.
    public static func importanceBars(_ items: [(label: String, pct: Double, muted: Bool)], alt: String) -> String {
        let labelWidth = labelColumn(items.map(\.label), fontSize: 13, minimum: 100, maximum: 330), barMax = 260.0, rowHeight = 26.0
        let width = labelWidth + barMax + 70
        let height = rowHeight * Double(max(items.count, 1)) + 8
        let top = max(items.map(\.pct).max() ?? 0, 1e-9)
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        for (i, item) in items.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let w = max(0, item.pct) / top * barMax
            let ink = item.muted ? "#90a4ae" : "#263238"
            svg += "<text x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 17))\" text-anchor=\"end\" font-size=\"13\" fill=\"\(ink)\">\(ReportText.html(item.label))</text>"
            svg += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + 4))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 8))\" fill=\"\(item.muted ? "#cfd8dc" : "#1e88e5")\"/>"
            svg += "<text x=\"\(n(labelWidth + w + 6))\" y=\"\(n(y + 17))\" font-size=\"12\" fill=\"\(ink)\">\(ReportText.fixed(item.pct, 1))%</text>"
        }
        return svg + "</svg>"
    }

    /// One member of a diverging rate/mix chart.
    public struct DivergingItem: Sendable {
        public var label: String
        public var rate: Double
        public var mix: Double
        public var total: Double
        /// Drawn grey (a member whose base is too small to be news).
        public var muted: Bool

        /// An item from its values.
        public init(label: String, rate: Double, mix: Double, total: Double, muted: Bool) {
            self.label = label
            self.rate = rate
            self.mix = mix
            self.total = total
            self.muted = muted
        }
    }

    /// Rate and mix effects per member as two bars each around a zero line (left = lowered the
    /// KPI, right = raised it), with each member's total contribution written at the right.
    public static func divergingBars(_ items: [DivergingItem], legend: (rate: String, mix: String, total: String), decimals: Int,
                                     alt: String) -> String {
        let labelWidth = labelColumn(items.map(\.label), fontSize: 13, minimum: 80, maximum: 240)
        let valueWidth = 70.0, legendHeight = 24.0, rowHeight = 32.0
        let width = labelWidth + 280 + valueWidth
        let plotLeft = labelWidth, plotRight = width - valueWidth - 8
        let zero = (plotLeft + plotRight) / 2, half = (plotRight - plotLeft) / 2 - 4
        let height = legendHeight + rowHeight * Double(max(items.count, 1)) + 6
        let top = max(items.flatMap { [abs($0.rate), abs($0.mix)] }.max() ?? 0, 1e-12)
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        let small = "font-size=\"12\" fill=\"#263238\""
        svg += "<rect x=\"\(n(plotLeft))\" y=\"6\" width=\"12\" height=\"10\" fill=\"#1565c0\"/>"
        svg += "<text x=\"\(n(plotLeft + 16))\" y=\"15\" \(small)>\(ReportText.html(legend.rate))</text>"
        svg += "<rect x=\"\(n(zero + 10))\" y=\"6\" width=\"12\" height=\"10\" fill=\"#90caf9\"/>"
        svg += "<text x=\"\(n(zero + 26))\" y=\"15\" \(small)>\(ReportText.html(legend.mix))</text>"
        svg += "<text x=\"\(n(width - 6))\" y=\"15\" text-anchor=\"end\" \(small)>\(ReportText.html(legend.total))</text>"
        svg += "<line x1=\"\(n(zero))\" y1=\"\(n(legendHeight))\" x2=\"\(n(zero))\" y2=\"\(n(height - 4))\" stroke=\"#546e7a\" stroke-width=\"1\"/>"
        func bar(_ v: Double, y: Double, fill: String) -> String {
            let w = abs(v) / top * half
            return "<rect x=\"\(n(v < 0 ? zero - w : zero))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"10\" fill=\"\(fill)\"/>"
        }
        for (i, item) in items.enumerated() {
            let y = legendHeight + Double(i) * rowHeight
            let ink = item.muted ? "#90a4ae" : "#263238"
            svg += "<text x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 19))\" text-anchor=\"end\" font-size=\"13\" fill=\"\(ink)\">\(ReportText.html(item.label))</text>"
            svg += bar(item.rate, y: y + 4, fill: item.muted ? "#b0bec5" : "#1565c0")
            svg += bar(item.mix, y: y + 16, fill: item.muted ? "#cfd8dc" : "#90caf9")
            svg += "<text x=\"\(n(width - 6))\" y=\"\(n(y + 19))\" text-anchor=\"end\" font-size=\"13\" font-weight=\"600\" fill=\"\(ink)\">\(ReportText.signed(item.total, decimals))</text>"
        }
        return svg + "</svg>"
    }

    /// One line of a line chart.
    public struct Series: Sendable {
        public var name: String
        public var values: [Double?]
        public var colour: String
        public var dashed: Bool

        /// A series from its values.
        public init(name: String, values: [Double?], colour: String, dashed: Bool) {
            self.name = name
            self.values = values
            self.colour = colour
            self.dashed = dashed
        }
    }

    /// A few lines over months on a fixed range with labelled grid lines and a legend below.
    public static func lineChart(_ series: [Series], ticks: [String], range: (lo: Double, hi: Double), gridLines: [Double],
                                 alt: String) -> String {
        let width = 460.0, left = 44.0, right = 12.0, top = 10.0, plotHeight = 150.0, legendRow = 20.0
        let height = top + plotHeight + 22 + legendRow * Double(series.count) + 4
        let pw = width - left - right
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(ReportText.html(alt))\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
        svg += "<title>\(ReportText.html(alt))</title>"
        let span = max(range.hi - range.lo, 1e-9)
        func y(_ v: Double) -> Double { top + (range.hi - min(max(v, range.lo), range.hi)) / span * plotHeight }
        let count = max(ticks.count, 1)
        func x(_ i: Int) -> Double { count > 1 ? left + Double(i) * pw / Double(count - 1) : left + pw / 2 }
        let small = "font-size=\"11\" fill=\"#546e7a\""
        for g in gridLines {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(g)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(g)))\" stroke=\"#cfd8dc\"/>"
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(y(g) + 4))\" text-anchor=\"end\" \(small)>\(formatNumber(g) ?? "")</text>"
        }
        for (i, tick) in ticks.enumerated() {
            svg += "<text x=\"\(n(x(i)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\" \(small)>\(ReportText.html(tick))</text>"
        }
        for (k, s) in series.enumerated() {
            let dash = s.dashed ? " stroke-dasharray=\"5 3\"" : ""
            var segment: [String] = []
            func flush() {
                if segment.count > 1 {
                    svg += "<polyline fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"2\"\(dash) points=\"\(segment.joined(separator: " "))\"/>"
                }
                segment = []
            }
            for (i, v) in s.values.enumerated() {
                guard let v else { flush(); continue }
                segment.append("\(n(x(i))),\(n(y(v)))")
            }
            flush()
            for (i, v) in s.values.enumerated() {
                guard let v else { continue }
                svg += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(v)))\" r=\"3\" fill=\"\(s.colour)\"/>"
            }
            let ly = top + plotHeight + 26 + legendRow * Double(k)
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(ly + 6))\" x2=\"\(n(left + 24))\" y2=\"\(n(ly + 6))\" stroke=\"\(s.colour)\" stroke-width=\"2\"\(dash)/>"
            svg += "<text x=\"\(n(left + 30))\" y=\"\(n(ly + 10))\" font-size=\"12\" fill=\"#263238\">\(ReportText.html(s.name))</text>"
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
            // A point in the right part of the plot is labelled on its left, so its label stays inside the chart.
            let leftward = cx > left + 0.6 * pw
            svg += "<text x=\"\(n(leftward ? cx - 8 : cx + 8))\" y=\"\(n(cy + 4))\"\(leftward ? " text-anchor=\"end\"" : "") font-size=\"12\" fill=\"#263238\">\(ReportText.html(p.label))</text>"
        }
        return svg + "</svg>"
    }

    /// An estimate of a label's width in pixels at a font size: CJK and other wide characters take a
    /// full em, the rest a little over half (charts size their label column with it, since no script
    /// can measure text in the page).
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        text.unicodeScalars.reduce(0) { sum, u in
            let wide = (0x1100...0x115F).contains(u.value) || (0x2E80...0xA4CF).contains(u.value) || (0xAC00...0xD7A3).contains(u.value)
                || (0xF900...0xFAFF).contains(u.value) || (0xFE30...0xFE4F).contains(u.value) || (0xFF00...0xFF60).contains(u.value)
                || (0x20000...0x3FFFD).contains(u.value)
            return sum + fontSize * (wide ? 1 : 0.6)
        }
    }

    /// A label column wide enough for the longest label, within bounds.
    static func labelColumn(_ labels: [String], fontSize: Double, minimum: Double, maximum: Double) -> Double {
        min(maximum, max(minimum, (labels.map { textWidth($0, fontSize: fontSize) }.max() ?? 0) + 14))
    }

    /// Coordinates with one decimal.
    private static func n(_ v: Double) -> String { ReportText.fixed(v, 1) }
}
