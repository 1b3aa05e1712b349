import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// The HTML between `<section id="id">` and the next section.
func reportSection(_ id: String, of html: String) -> String {
    guard let start = html.range(of: "<section id=\"\(id)\">") else { return "" }
    let rest = html[start.upperBound...]
    let end = rest.range(of: "<section id=\"")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
}

@Suite("Headline: what a manager reads first")
struct ReportHeadlineTests {
    @Test("one sentence per headline KPI with its interval, change, significance and target, then the confirmed bad news")
    func sentences() {
        let headline = reportSection("headline", of: ReportFixture.render(.zh).html)
        #expect(headline.components(separatedBy: "<li>").count - 1 == 5, "five sentences")
        // NPS ±1.96 × 3.404737 = ±6.7; +7pt with q = 0.31 is noise; 32 is below the target 40.
        #expect(headline.contains("<strong>净推荐值 NPS</strong> 32.0（±6.7），环比 <span class=\"chg red\"><span class=\"arrow\">▲</span> +7.0pt <span class=\"assess\">有利</span></span>，在抽样误差范围内；仍低于目标 40。"))
        // Complaint rate ±1.96 × 0.395285 = ±0.77, q = 0.000054: a real change, no target.
        #expect(headline.contains("<strong>投诉率（每千户）</strong> 12.50（±0.77），环比 <span class=\"chg red\"><span class=\"arrow\">▲</span> +25.0% <span class=\"assess\">不利</span></span>，显著（超出抽样误差）。"))
        // Churn rate as a percentage, ±1.96 × 0.124216 = ±0.24.
        #expect(headline.contains("<strong>离网率</strong> 1.25%（±0.24）"))
        #expect(headline.contains("<li>经检验确认的不利变化 1 项：投诉率（每千户） +25.0%；另有 3 项环比变化在抽样误差范围内，列为观察。</li>"))
        let en = reportSection("headline", of: ReportFixture.render(.en).html)
        #expect(en.contains("<strong>NPS</strong> 32.0 (±6.7), month on month "))
        #expect(en.contains(", within sampling noise; still below the target of 40."))
        #expect(en.contains("Confirmed unfavourable movements (1): Complaints per 1,000 customers +25.0%; 3 further moves are within sampling noise and kept on watch."))
    }

    @Test("targets met and missed follow polarity; more than three confirmed bad moves are counted, not all named")
    func targetsAndMore() {
        let d = ReportFixture.variants()[3].0
        let headline = reportSection("headline", of: ReportFixture.render(.zh, data: d).html)
        // Lower is better: 12.5 ≤ 20 meets its target, 1.25% > 1% does not.
        #expect(headline.contains("已达到目标 20。"))
        #expect(headline.contains("仍高于目标 1%。"))
        // detractor share, the complaint rate (province and 保定) and the churn rate all rose and are confirmed: 4, three named.
        #expect(headline.contains("经检验确认的不利变化 4 项："))
        #expect(headline.contains("，另有 1 项见预警表"))
        #expect(headline.contains("保定·投诉率（每千户） +10.0%"))
        let en = reportSection("headline", of: ReportFixture.render(.en, data: d).html)
        #expect(en.contains("Confirmed unfavourable movements (4): Detractor share +10.0pt; Complaints per 1,000 customers +10.0%; Complaints per 1,000 customers in 保定 +10.0%; 1 more in the alerts;"))
    }

    @Test("a kpi partition without significance says so instead of calling every move noise")
    func untested() {
        let c = ReportFixture.variants()[2].0
        let html = ReportFixture.render(.en, data: c).html
        #expect(reportSection("headline", of: html).contains("carries no significance test, so its 5 month-on-month alerts cannot be told apart from sampling noise."))
        #expect(reportSection("headline", of: html).contains("<strong>Satisfaction index</strong> 82.3 (±1.2), no previous month to compare with; still below the target of 90."))
        #expect(reportSection("alerts", of: html).contains("so every month-on-month alert is listed under watch."))
    }

    @Test("the title is in one script: the Chinese province is not put into the English title")
    func title() {
        let en = ReportFixture.render(.en).html, zh = ReportFixture.render(.zh).html
        #expect(en.contains("<title>Customer satisfaction panorama, October 2026</title>"))
        #expect(en.contains("<h1>Customer satisfaction panorama, October 2026</h1>"))
        #expect(en.contains("<dt>Province</dt><dd>河北</dd>"))
        #expect(zh.contains("<h1>河北客户满意度全景视图（2026年10月）</h1>"))
        var s = ReportFixture.settings(.en)
        s.province = "Hebei"
        #expect(PanoramaHTML(settings: s, data: ReportFixture.data(), alerts: []).title == "Hebei customer satisfaction panorama, October 2026")
    }

    @Test("units are explained once in the header; a previous value without a change does not say 'no previous month'")
    func units() {
        var data = ReportFixture.data()
        let k = data.kpis.firstIndex { $0.kpi == "survey_n" }!
        data.kpis[k].prevValue = 400
        let html = ReportFixture.render(.zh, data: data).html
        #expect(html.components(separatedBy: "单位：变化后的 pt 表示两个值直接相减").count == 2)
        let tree = reportSection("tree", of: html)
        let node = tree.components(separatedBy: "<div class=\"name\">调查样本量</div>")[1].components(separatedBy: "</li>")[0]
        #expect(node.contains("上月 400"))
        #expect(!node.contains("无上月数据"))
        // 保定's complaint rate was 0: its relative change cannot be computed, and the cell says why.
        #expect(reportSection("breakdown", of: html).contains("上月为 0，无法计算变化率"))
    }
}

@Suite("Alerts grouped as confirmed, watch and off target")
struct ReportAlertGroupTests {
    @Test("every alert is listed in its group with value, previous value, base, change, q-value and severity")
    func groups() {
        let html = ReportFixture.render(.zh).html
        let alerts = reportSection("alerts", of: html)
        #expect(alerts.contains("共 24 条预警：确认 2 条（其中不利 1 条），观察 3 条，偏离目标 19 条。"))
        #expect(!html.contains("panorama.xml。"), "no alert is sent to the XML")
        // One row per alert: each carries a severity cell.
        #expect(alerts.components(separatedBy: "data-label=\"严重度\"").count - 1 == 24)
        let confirmed = alerts.components(separatedBy: "<details>")[0]
        #expect(confirmed.contains("<tr><th scope=\"row\">投诉率（每千户）</th><td data-label=\"维度\">全省</td><td data-label=\"成员\">河北</td><td class=\"num\" data-label=\"本月\">12.50 <span class=\"ci\">±0.77</span></td><td class=\"num\" data-label=\"上月\">10.00</td><td class=\"num\" data-label=\"样本\">80000</td>"))
        #expect(confirmed.contains("<td class=\"num\" data-label=\"q 值\">&lt;0.001</td><td class=\"num\" data-label=\"严重度\">5.00</td>"))
        // The watch group is collapsed and holds the churn rate: 1.10% → 1.25%, q 0.524.
        let watch = alerts.components(separatedBy: "<details>")[1]
        #expect(watch.hasPrefix("\n<summary>观察：在抽样误差范围内（3 条，点击展开）</summary>"))
        #expect(watch.contains("<td class=\"num\" data-label=\"本月\">1.25% <span class=\"ci\">±0.24</span></td><td class=\"num\" data-label=\"上月\">1.10%</td><td class=\"num\" data-label=\"样本\">8000</td>"))
        #expect(watch.contains("data-label=\"q 值\">0.524</td>"))
        // Off-target alerts show the gap and the month-on-month change side by side.
        let target = alerts.components(separatedBy: "<details>")[2]
        #expect(target.contains("偏离目标（19 条，点击展开）"))
        #expect(target.contains("<td class=\"num\" data-label=\"目标\">90</td><td data-label=\"与目标差距\"><span class=\"chg green\"><span class=\"arrow\">▼</span> −8.6% <span class=\"assess\">不利</span></span></td>"))
    }

    @Test("an alert's level: the row's alert_level for a move, target for a gap; old partitions follow SPEC's rule")
    func levels() throws {
        let rows = try KPIRow.read(ReportFixture.table(ReportFixture.kpi))
        let alerts = ReportAlert.alerts(of: rows, threshold: 5)
        let nps = alerts.filter { $0.row.kpi == "nps" && $0.row.dimension == "total" }
        #expect(nps.map(\.level) == ["watch", "target"])
        var old = rows.first { $0.kpi == "complaint_rate" && $0.dimension == "total" }!
        old.alertLevel = "none"
        #expect(ReportAlert.moveLevel(of: old) == "confirmed", "significant true")
        old.significant = nil
        #expect(ReportAlert.moveLevel(of: old) == "watch")
        old.kpi = "hv_retention"
        #expect(ReportAlert.moveLevel(of: old) == "confirmed", "a census")
    }

    @Test("a base below min_base is marked small, greyed and without a verdict; min_base comes from the kpi stage")
    func smallBase() {
        let html = ReportFixture.render(.zh).html
        let breakdown = reportSection("breakdown", of: html)
        // 承德's NPS rests on 12 responses (< 30).
        #expect(breakdown.contains("<td class=\"num smallbase\">-8.3<br><span class=\"small\">样本不足 n=12</span></td>"))
        #expect(reportSection("why", of: html).contains("fill=\"#b0bec5\""), "承德 greyed in the NPS chart")
        var settings = ReportFixture.settings(.zh)
        settings.minBase = ["nps": 10]
        let relaxed = Report(settings: settings, data: ReportFixture.data()).render().html
        #expect(!reportSection("breakdown", of: relaxed).contains("样本不足 n=12"))
        #expect(ReportFixture.render(.en).html.contains("small base n=12"))
    }
}

@Suite("Why it moved: kpi_change read for the headline KPIs")
struct ReportAttributionTests {
    @Test("city first: the two largest contributions in words, rate or mix; components for the satisfaction index")
    func sentences() {
        let why = reportSection("why", of: ReportFixture.render(.zh).html)
        #expect(why.contains("按地市看：<span class=\"nowrap\"><strong>保定</strong> +4.47pt</span>：净推荐值 NPS上升（率效应）；<span class=\"nowrap\"><strong>石家庄</strong> +3.18pt</span>：净推荐值 NPS上升（率效应）"))
        // 石家庄's complaint rate stayed at 10: its +0.003 is all mix (its share fell from 37.7% to 37.5%).
        #expect(why.contains("<strong>石家庄</strong> +0.003件/千户</span>：样本占比下降（结构效应）"))
        #expect(why.contains("按满意度分项看：<span class=\"nowrap\"><strong>宣传促销</strong> −0.46pt</span>：该分项得分下降；<span class=\"nowrap\"><strong>网络/通话质量</strong> +0.45pt</span>：该分项得分上升"))
        #expect(why.contains("<tr><th scope=\"row\">品牌</th><td><span class=\"nowrap\"><strong>动感地带</strong> +6.16pt</span>：上升（率效应）"))
        let en = reportSection("why", of: ReportFixture.render(.en).html)
        #expect(en.contains("<strong>Baoding</strong>") == false, "cities are data, not translated")
        #expect(en.contains("By City: <span class=\"nowrap\"><strong>保定</strong> +4.47pt</span>: NPS rose there (rate effect)"))
    }

    @Test("the chart draws rate and mix per member around zero with the total written beside it")
    func chart() {
        let why = reportSection("why", of: ReportFixture.render(.en).html)
        let nps = why.components(separatedBy: "<figcaption>NPS by City")[1].components(separatedBy: "</figure>")[0]
        #expect(nps.contains("aria-label=\"Contributions to NPS by City: 保定 +4.47pt (rate effect +3.83, mix effect +0.64); 石家庄 +3.18pt (rate effect +1.84, mix effect +1.34); 承德 −0.65pt (rate effect −1.12, mix effect +0.47)\""))
        #expect(nps.contains(">+4.47</text>") && nps.contains(">−0.65</text>"))
    }

    @Test("ranked by rank, ties in table order; the dominant effect by absolute size")
    func ranking() throws {
        let rows = try KPIChangeRow.read(ReportFixture.table(ReportFixture.kpiChange))
        #expect(ChangeAttribution.ranked(rows, kpi: "nps", dimension: "city").map(\.member) == ["保定", "石家庄", "承德"])
        #expect(ChangeAttribution.dimensions(of: "nps", in: rows) == ["city", "brand"])
        #expect(ChangeAttribution.dimensions(of: "sat_index", in: rows) == ["component"])
        let chengde = rows.first { $0.member == "承德" }!
        #expect(ChangeAttribution.dominant(chengde) == .rate)   // |−1.120955| ≥ |0.473139|
        let shijiazhuang = rows.first { $0.kpi == "complaint_rate" && $0.member == "石家庄" }!
        #expect(ChangeAttribution.dominant(shijiazhuang) == .mix)
    }

    @Test("without kpi_change the section says why")
    func absent() {
        var data = ReportFixture.data()
        data.changes = nil
        #expect(reportSection("why", of: ReportFixture.render(.zh, data: data).html).contains("本月没有 kpi_change 表"))
    }
}

@Suite("Trend sparklines on a scale that does not inflate noise")
struct ReportTrendScaleTests {
    @Test("the range spans the values with their intervals and the target, at least the KPI's minimum height")
    func ranges() {
        // sat_index: 78.2 … 82.3 ± 1.2 and target 90: 78.2 … 90, 11.8 ≥ 10 high → [78, 90].
        let sat = ReportKPICatalogue.trendRange("sat_index", values: [78.2, nil, 79, 80.1, 82.3], intervals: [nil, nil, nil, nil, 1.2], target: 90)
        #expect(sat?.lo == 78 && sat?.hi == 90)
        // churn rate 1.10 ± 0.23 and 1.25 ± 0.24: 0.87 … 1.49 widened to 2 pt around 1.18 → [0.18, 2.18] → [0, 3].
        let churn = ReportKPICatalogue.trendRange("churn_rate", values: [1.1, 1.25], intervals: [0.23, 0.24], target: nil)
        #expect(churn?.lo == 0 && churn?.hi == 3)
        // NPS 20 … 32 + 6.67: 18.67 high, widened to 20 around 29.335 → [19.335, 39.335] → [19, 40].
        let nps = ReportKPICatalogue.trendRange("nps", values: [20, 22, 25, 32], intervals: [nil, nil, nil, 6.67], target: nil)
        #expect(nps?.lo == 19 && nps?.hi == 40)
        #expect(ReportKPICatalogue.trendRange("nps", values: [nil, nil], intervals: [nil, nil], target: 30) == nil)
    }

    @Test("each sparkline labels its range, ticks its months, draws the target and the intervals")
    func sparkline() {
        let trend = reportSection("trend", of: ReportFixture.render(.zh).html)
        let sat = trend.components(separatedBy: "<th scope=\"row\">满意度指数</th>")[1].components(separatedBy: "</tr>")[0]
        #expect(sat.contains(">78</text>") && sat.contains(">90</text>"), "range labels")
        for tick in ["05", "06", "07", "08", "09", "10"] { #expect(sat.contains(">\(tick)</text>")) }
        #expect(sat.contains("class=\"target\""))
        #expect(sat.contains("class=\"ci\""))
        #expect(sat.contains("目标 90"))
    }
}

@Suite("Drivers: significance, sample and what it takes to reach the target")
struct ReportDriverInsightTests {
    @Test("drivers with p above alpha are greyed and marked not significant; skipped segments and dropped responses are listed")
    func significance() {
        let drivers = reportSection("drivers", of: ReportFixture.render(.zh).html)
        #expect(drivers.contains(">宣传促销（不显著）</text>"))
        #expect(drivers.contains("fill=\"#cfd8dc\""))
        #expect(drivers.contains("<tr class=\"ns\"><th scope=\"row\">宣传促销</th>"))
        #expect(drivers.contains("0.549 <span class=\"sig no\">不显著</span>"))
        // 412 + 15 = 427 responses, 15/427 = 3.5% dropped.
        #expect(drivers.contains("全省模型：427 份答卷中 15 份（3.5%）因缺少某项驱动因素评分被整行剔除，实际建模 412 份。"))
        #expect(drivers.contains("以下 1 个细分的有效样本少于 min_n = 30，未单独建模：价值层级 · A 层（≥300元） (n=22)"))
        // A stricter alpha makes hall (p = 0.0028) not significant too.
        var settings = ReportFixture.settings(.zh)
        settings.alpha = 0.001
        let strict = reportSection("drivers", of: Report(settings: settings, data: ReportFixture.data()).render().html)
        #expect(strict.contains("<tr class=\"ns\"><th scope=\"row\">营业厅</th>"))
    }

    @Test("gap ÷ lift, capped at the points left before 10, ranked: closers by effort, then by NPS they can add")
    func plan() throws {
        let drivers = try DriverRow.read(ReportFixture.table(ReportFixture.drivers))
        let plans = GapClosingPlan.plans(drivers: drivers, models: try DriverModelRow.read(ReportFixture.table(ReportFixture.driverModel)),
                                         kpis: try KPIRow.read(ReportFixture.table(ReportFixture.kpi)), alpha: 0.05)
        // Province NPS 32 against 40; 全球通 45 against 40 (met); 动感地带 has no drivers rows (singular).
        #expect(plans.map(\.segment) == ["河北", "gotone"])
        let p = plans[0]
        #expect(p.gap == 8)
        // billing 8/6.42 = 1.246 ≤ 10 − 7.0 = 3; network 8/4.1 = 1.951 ≤ 2.75: both close the gap.
        // new_business 8/1.75 = 4.571 > 2.4 → +2.4 × 1.75 = 4.2 pt; hotline 1.8 × 2.25 = 4.05; communication 1.7 × 1.6 = 2.72;
        // hall 1.5 × 1.5 = 2.25. promotion (p = 0.549) is left out.
        #expect(p.steps.map(\.driver) == ["billing", "network", "new_business", "hotline", "communication", "hall"])
        #expect(abs(p.steps[0].needed - 8 / 6.42) < 1e-12 && p.steps[0].closesGap)
        #expect(abs(p.steps[1].needed - 8 / 4.1) < 1e-12 && p.steps[1].headroom == 2.75)
        #expect(!p.steps[2].closesGap && abs(p.steps[2].rise - 2.4) < 1e-12 && abs(p.steps[2].npsGain - 4.2) < 1e-12)
        #expect(abs(p.steps[3].npsGain - 4.05) < 1e-12)
        #expect(p.excluded.map(\.driver) == ["promotion"] && p.excluded.map(\.reason) == ["not_significant"])
        #expect(plans[1].gap == -5)
    }

    @Test("the page states the step and the verdicts in words")
    func page() {
        let zh = reportSection("drivers", of: ReportFixture.render(.zh).html)
        #expect(zh.contains("<strong>河北</strong>：NPS 32.0，目标 40，差距 8.0pt，<span class=\"lead\">资费透明 平均提升 1.25 分即可达到目标 40</span>。"))
        #expect(zh.contains("最多只能提升 2.40 分（NPS +4.2pt），单独不足以达标"))
        #expect(zh.contains("<p class=\"note\">未纳入（不显著）：宣传促销</p>"))
        #expect(zh.contains("<p><strong>品牌 · 全球通</strong>：NPS 45.0 已达到目标 40。</p>"))
        // With a target of 100 nobody closes the 68-point gap alone: billing at 10 adds 3 × 6.42 = 19.3 pt at most.
        let e = ReportFixture.variants()[4].0
        let en = reportSection("drivers", of: ReportFixture.render(.en, data: e).html)
        #expect(en.contains("no single driver is enough: even Billing transparency at full marks (+3.00 points on average) adds only about 19.3 pt"))
    }
}

@Suite("Did last month's follow-up work? (list_outcome)")
struct ReportOutcomeTests {
    @Test("coverage and the effect with its interval and significance, in words; this month's held-out customers")
    func sentences() {
        let zh = reportSection("outcomes", of: ReportFixture.render(.zh).html)
        #expect(zh.contains("本月（2026-10）名单中留作对照组、不做接触的客户：离网预警 1 人（共 4 人）、贬损者修复 1 人（共 3 人）。"))
        #expect(zh.contains("覆盖率 66.7%：未留作对照的 90 人中 60 人被成功接触。接触组离网率比对照组低 15.0pt（±25.4，不显著，可能只是偶然）。"))
        #expect(zh.contains("覆盖率 88.9%：未留作对照的 45 人中 40 人被成功接触。修复回访使修复率提高 60.0pt（±17.5，显著）。"))
        #expect(zh.contains("关怀名单不设对照组，只列出各组结果。"))
        #expect(zh.contains("<th scope=\"row\">对照组（不接触）</th><td class=\"num\" data-label=\"客户数\">10</td><td class=\"num\" data-label=\"离网\">2</td><td class=\"num\" data-label=\"离网率\">20.00%</td>"))
        let d = reportSection("outcomes", of: ReportFixture.render(.en, data: ReportFixture.variants()[3].0).html)
        #expect(d.contains("Retention calls lowered the churn rate by 20.0 pt (±14.5, significant)."))
        #expect(d.contains("The contacted group&#39;s repair rate is 20.0 pt above the control group&#39;s (±39.2, not significant: it could be chance)."))
        let e = reportSection("outcomes", of: ReportFixture.render(.zh, data: ReportFixture.variants()[4].0).html)
        #expect(e.contains("接触组离网率反而比对照组高 22.5pt（±12.0，显著）"))
        #expect(e.contains("接触组修复率反而比对照组低 50.0pt（±22.0，显著）"))
    }

    @Test("summaries: coverage = contacted ÷ (contacted + not contacted); interval 1.96 × std_err")
    func summary() throws {
        let s = ListOutcomeSummary.summaries(try ListOutcomeRow.read(ReportFixture.table(ReportFixture.listOutcome)))
        #expect(s.map(\.list) == ["churn_watch", "detractor_repair", "care_calendar"])
        #expect(abs(s[0].coverage! - 200.0 / 3) < 1e-12)
        #expect(s[0].effect == -15 && abs(s[0].effectInterval! - 1.96 * 12.958266) < 1e-12)
        #expect(s[0].significant(alpha: 0.05) == false && s[0].significant(alpha: 0.1) == true)
        #expect(s[2].measure == nil && s[2].effect == nil && s[2].coverage == 75)
    }

    @Test("absent or empty list_outcome says the stage did not run or had nothing to judge")
    func absent() {
        var data = ReportFixture.data()
        data.outcomes = nil
        #expect(reportSection("outcomes", of: ReportFixture.render(.en, data: data).html).contains("the follow-up evaluation (the outcomes stage) did not run."))
        data.outcomes = []
        #expect(reportSection("outcomes", of: ReportFixture.render(.zh, data: data).html).contains("2026-09 没有跟进名单（首月）"))
    }
}

@Suite("Churn model: backtest, strongest features, overlap with the rule's list")
struct ReportChurnModelTests {
    @Test("backtest figures of the month, the history, the five strongest features and the overlap")
    func page() {
        let churn = reportSection("churn", of: ReportFixture.render(.zh).html)
        #expect(churn.contains("回测（用 2026-09 的客户预测其在 2026-10 是否离网）：学习模型 AUC 0.768，前 10% 提升度 3.10 倍；现行规则评分 AUC 0.695，前 10% 提升度 2.25 倍；细分离网率评分 AUC 0.715，前 10% 提升度 2.50 倍。"))
        #expect(churn.components(separatedBy: "<tr><th scope=\"row\">2026-").count - 1 == 9, "three months × three models")
        #expect(churn.contains("<svg class=\"chart\""), "the AUC chart over the months")
        let features = churn.components(separatedBy: "<th scope=\"row\">").dropFirst().compactMap { $0.components(separatedBy: "</th>").first }
            .filter { !$0.hasPrefix("2026") }
        #expect(features == ["异网通话", "账单下降", "在网年数", "未结投诉数", "贬损者"])
        #expect(churn.contains("<td class=\"num\" data-label=\"系数\">−0.800</td><td class=\"num\" data-label=\"离网几率倍数\">×0.45</td><td data-label=\"方向\">降低离网风险</td>"))
        #expect(churn.contains("规则离网预警名单 4 人中，有 2 人（50.0%）也在模型风险最高的 10%（前 3 名，共评分 25 人）之内。"))
    }

    @Test("the overlap counts watch-list customers ranked within ⌈n/10⌉")
    func overlap() {
        #expect(ReportFixture.overlap == WatchListOverlap(watchList: 4, scored: 25, topDecile: 3, inTopDecile: 2))
        // 10 scored: decile 1; 11 scored: decile 2.
        let ten = (1...10).map { (customerId: "C\($0)", riskRank: $0) }
        #expect(WatchListOverlap(watchIds: ["C2"], scores: ten).inTopDecile == 0)
        #expect(WatchListOverlap(watchIds: ["C2", "C2"], scores: ten + [(customerId: "C11", riskRank: 11)]) ==
                WatchListOverlap(watchList: 1, scored: 11, topDecile: 2, inTopDecile: 1))
        #expect(WatchListOverlap(watchIds: [], scores: ten).share == nil)
    }

    @Test("strongest features: largest |coef| of the production fit, intercept and empty coefficients left out")
    func features() throws {
        var input = ReportFixture.churn()
        #expect(input.strongestFeatures.map(\.feature) == ["flag_offnet", "flag_bill_drop", "tenure_years", "open_complaints", "flag_detractor"])
        input.coefficients = input.coefficients.map { var c = $0; c.coef = nil; return c }
        #expect(input.strongestFeatures.isEmpty)
    }

    @Test("without churn_model the section says the churn stage did not run")
    func absent() {
        var data = ReportFixture.data()
        data.churn = nil
        #expect(reportSection("churn", of: ReportFixture.render(.en, data: data).html).contains("the churn model (the churn stage) did not run."))
    }
}
