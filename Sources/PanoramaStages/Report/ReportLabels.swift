/// Every word the report shows, in both languages side by side under one key, so a label cannot
/// exist in one language only; `{0}`, `{1}` are placeholders. A key missing at render time shows as
/// `⟦key⟧`, so a leak is visible and testable rather than silent.
public struct ReportLabels: Sendable {
    /// One label: its key and its text in each language.
    public typealias Entry = (key: String, zh: String, en: String)

    /// The table of one language, key → text.
    public let table: [String: String]

    /// The labels of a language.
    public init(_ language: ReportLanguage) {
        table = Dictionary(ReportLabels.entries.map { ($0.key, ReportLabels.text(of: $0, in: language)) },
                           uniquingKeysWith: { first, _ in first })
    }

    /// The text of a key with its placeholders filled (arguments are inserted as given; escape first).
    public func callAsFunction(_ key: String, _ args: String...) -> String {
        guard var text = table[key] else { return "⟦\(key)⟧" }
        for (i, a) in args.enumerated() { text = text.replacingOccurrences(of: "{\(i)}", with: a) }
        return text
    }

    /// The text of a key if the table has it (for data values that may have a label, like brands).
    public func optional(_ key: String) -> String? { table[key] }

    /// An entry's text in a language.
    public static func text(of entry: Entry, in language: ReportLanguage) -> String {
        switch language {
        case .zh: return entry.zh
        case .en: return entry.en
        }
    }

    /// Every label, grouped roughly by the section that shows it; Chinese is the default language.
    public static let entries: [Entry] = [
        // Page, header and contents
        ("title", zh: "客户满意度全景视图", en: "Customer satisfaction panorama"),
        ("header.province", zh: "省份", en: "Province"),
        ("header.month", zh: "月份", en: "Month"),
        ("header.run_id", zh: "运行编号", en: "Run id"),
        ("header.as_of", zh: "数据截至", en: "Data as of"),
        ("header.generated", zh: "生成时间", en: "Generated"),
        ("legend.cn",
         zh: "颜色规则：红色表示上升，绿色表示下降（红涨绿跌）；箭头、带单位的变化值和“有利/不利”文字同时标明方向与利弊。",
         en: "Colours: red for a rise, green for a fall (Chinese market convention); the arrow, the signed change with its unit and the words favourable/unfavourable carry the same meaning in text."),
        ("legend.western",
         zh: "颜色规则：绿色表示有利，红色表示不利；箭头、带单位的变化值和“有利/不利”文字同时标明方向与利弊。",
         en: "Colours: green favourable, red unfavourable; the arrow, the signed change with its unit and the words favourable/unfavourable carry the same meaning in text."),
        ("nav.label", zh: "目录", en: "Contents"),
        ("section.alerts", zh: "预警摘要", en: "Alert summary"),
        ("section.tree", zh: "KPI 全景树", en: "KPI panorama"),
        ("section.breakdown", zh: "分维度明细", en: "Breakdowns"),
        ("section.trend", zh: "近 {0} 个月趋势", en: "{0}-month trend"),
        ("section.drivers", zh: "NPS 驱动因素分析（由果推因）", en: "NPS key-driver analysis"),
        ("section.lists", zh: "跟进名单", en: "Follow-up lists"),
        ("section.quality", zh: "数据质量", en: "Data quality"),
        ("section.lineage", zh: "数据血缘", en: "Lineage"),

        // KPI groups, KPIs, dimensions and members
        ("group.satisfaction", zh: "满意度", en: "Satisfaction"),
        ("group.nps", zh: "净推荐值", en: "Net promoter score"),
        ("group.service", zh: "投诉与服务", en: "Complaints and service"),
        ("group.retention", zh: "保有与流失", en: "Retention and churn"),
        ("group.value", zh: "客户价值", en: "Customer value"),
        ("kpi.sat_index", zh: "满意度指数", en: "Satisfaction index"),
        ("kpi.sat_overall", zh: "综合满意度", en: "Overall satisfaction"),
        ("kpi.sat_network", zh: "网络/通话质量", en: "Network and call quality"),
        ("kpi.sat_hall", zh: "营业厅", en: "Service halls"),
        ("kpi.sat_hotline", zh: "热线", en: "Hotline"),
        ("kpi.sat_billing", zh: "资费透明", en: "Billing transparency"),
        ("kpi.sat_new_business", zh: "新业务", en: "New services"),
        ("kpi.sat_promotion", zh: "宣传促销", en: "Promotions"),
        ("kpi.sat_communication", zh: "客户沟通", en: "Customer communication"),
        ("kpi.nps", zh: "净推荐值 NPS", en: "NPS"),
        ("kpi.promoter_share", zh: "推荐者占比", en: "Promoter share"),
        ("kpi.detractor_share", zh: "贬损者占比", en: "Detractor share"),
        ("kpi.complaint_rate", zh: "投诉率（每千户）", en: "Complaints per 1,000 customers"),
        ("kpi.complaint_closed_48h", zh: "48小时结案率", en: "Complaints closed within 48 h"),
        ("kpi.churn_rate", zh: "离网率", en: "Churn rate"),
        ("kpi.hv_retention", zh: "中高端客户保有率", en: "High-value retention"),
        ("kpi.hv_share", zh: "中高端客户占比", en: "High-value share"),
        ("kpi.arpu", zh: "ARPU（元）", en: "ARPU (yuan)"),
        ("kpi.survey_n", zh: "调查样本量", en: "Survey respondents"),
        ("dim.total", zh: "全省", en: "Province total"),
        ("dim.city", zh: "地市", en: "City"),
        ("dim.brand", zh: "品牌", en: "Brand"),
        ("dim.vip_level", zh: "VIP 等级", en: "VIP level"),
        ("dim.value_tier", zh: "价值层级", en: "Value tier"),
        ("dim.channel", zh: "调查渠道", en: "Survey channel"),
        ("brand.gotone", zh: "全球通", en: "GoTone"),
        ("brand.mzone", zh: "动感地带", en: "M-Zone"),
        ("brand.easyown", zh: "神州行", en: "EasyOwn"),
        ("vip.diamond", zh: "钻石卡", en: "Diamond"),
        ("vip.gold", zh: "金卡", en: "Gold"),
        ("vip.silver", zh: "银卡", en: "Silver"),
        ("vip.none", zh: "普通", en: "Standard"),
        ("tier.A", zh: "A 层（≥300元）", en: "Tier A (≥300 yuan)"),
        ("tier.B", zh: "B 层（≥120元）", en: "Tier B (≥120 yuan)"),
        ("tier.C", zh: "C 层（≥50元）", en: "Tier C (≥50 yuan)"),
        ("tier.D", zh: "D 层", en: "Tier D"),
        ("channel.sms", zh: "短信", en: "SMS"),
        ("channel.phone", zh: "电话", en: "Phone"),
        ("channel.hall", zh: "营业厅", en: "Service hall"),
        ("channel.app", zh: "手机营业厅", en: "Mobile app"),

        // Change marks and KPI tree nodes
        ("assess.favourable", zh: "有利", en: "favourable"),
        ("assess.unfavourable", zh: "不利", en: "unfavourable"),
        ("assess.flat", zh: "持平", en: "flat"),
        ("assess.neutral", zh: "中性", en: "neutral"),
        ("change.none", zh: "无上月数据", en: "no previous month"),
        ("node.target", zh: "目标", en: "Target"),
        ("node.gap", zh: "差距", en: "gap"),
        ("node.no_target", zh: "未设目标", en: "no target"),
        ("node.base", zh: "样本", en: "Base"),
        ("node.prev", zh: "上月", en: "Prev."),
        ("node.off_target", zh: "偏离目标", en: "off target"),

        // Alert summary
        ("alert.rise", zh: "环比上升", en: "Rise"),
        ("alert.fall", zh: "环比下降", en: "Fall"),
        ("alert.off_target", zh: "偏离目标", en: "Off target"),
        ("alerts.count", zh: "共 {0} 条预警，其中 {1} 条不利。", en: "{0} alerts, {1} of them unfavourable."),
        ("alerts.none", zh: "本月没有预警。", en: "No alerts this month."),
        ("alerts.more", zh: "另有 {0} 条预警，见 panorama.xml。", en: "{0} more alerts are in panorama.xml."),
        ("alerts.caption", zh: "预警（按严重度排序；严重度 = |变化| ÷ 阈值 {0}）", en: "Alerts by severity (severity = |change| ÷ threshold {0})"),
        ("col.kpi", zh: "指标", en: "KPI"),
        ("col.dimension", zh: "维度", en: "Dimension"),
        ("col.member", zh: "成员", en: "Member"),
        ("col.kind", zh: "类型", en: "Kind"),
        ("col.change", zh: "变化", en: "Change"),
        ("col.severity", zh: "严重度", en: "Severity"),
        ("col.assessment", zh: "评价", en: "Assessment"),
        ("col.value", zh: "数值", en: "Value"),

        // KPI tree, breakdowns and the hv_retention notes
        ("tree.caption", zh: "{0} 全省指标", en: "{0} province-wide KPIs"),
        ("breakdown.caption", zh: "按{0}", en: "By {0}"),
        ("hv.after", zh: "本月没有中高端客户保有率：拍照月 {0} 晚于本月 {1}。", en: "No high-value retention this month: the snapshot month {0} is after {1}."),
        ("hv.missing",
         zh: "本月没有中高端客户保有率：拍照月 {0} 没有 customer_360 分区，请先对 {0} 运行 customer360 阶段。",
         en: "No high-value retention this month: the snapshot month {0} has no customer_360 partition; run the customer360 stage for {0} first."),
        ("hv.norows",
         zh: "本月没有中高端客户保有率：kpi 表中没有该指标的行（拍照月 {0} 可能没有中高端客户）。",
         en: "No high-value retention this month: the kpi table has no rows for it (the snapshot month {0} may have had no high-value customers)."),

        // Trend
        ("trend.caption", zh: "全省指标 {0} 至 {1} 走势", en: "Province-wide KPIs from {0} to {1}"),
        ("col.trend", zh: "走势", en: "Trend"),
        ("col.values", zh: "各月数值", en: "Monthly values"),
        ("trend.alt", zh: "{0}，{1}", en: "{0}: {1}"),
        ("trend.missing", zh: "无数据", en: "no data"),

        // Drivers
        ("drivers.lift",
         zh: "优先改进“{0}”：若每位受访者该项评分提高 1 分，NPS 预计变化 {1}。",
         en: "Improve “{0}” first: if every respondent scored it one point higher, NPS would change by about {1}."),
        ("drivers.no_improve_first", zh: "全省模型中没有处于“优先改进”象限的驱动因素。", en: "No driver of the province-wide model is in the improve-first quadrant."),
        ("drivers.none", zh: "本月没有可用的驱动模型。", en: "No driver model is available this month."),
        ("drivers.models", zh: "模型概况", en: "Models"),
        ("drivers.importance", zh: "驱动因素重要性（{0}）", en: "Driver importance ({0})"),
        ("drivers.importance.alt", zh: "驱动因素重要性占比：{0}", en: "Share of explained variance by driver: {0}"),
        ("drivers.quadrant", zh: "重要性—表现矩阵（{0}）", en: "Importance–performance matrix ({0})"),
        ("drivers.quadrant.alt", zh: "重要性—表现矩阵：{0}", en: "Importance–performance matrix: {0}"),
        ("drivers.coefficients", zh: "回归系数：{0}", en: "Coefficients: {0}"),
        ("col.segment_dim", zh: "细分维度", en: "Segment dimension"),
        ("col.segment", zh: "细分", en: "Segment"),
        ("col.n", zh: "样本数", en: "n"),
        ("col.dropped", zh: "剔除数", en: "Dropped"),
        ("col.r2", zh: "R²", en: "R²"),
        ("col.adj_r2", zh: "调整 R²", en: "Adjusted R²"),
        ("col.f_p", zh: "F 检验 p 值", en: "F-test p"),
        ("col.rmse", zh: "RMSE", en: "RMSE"),
        ("col.intercept", zh: "截距", en: "Intercept"),
        ("col.warnings", zh: "提示", en: "Warnings"),
        ("col.driver", zh: "驱动因素", en: "Driver"),
        ("col.coef", zh: "系数", en: "Coefficient"),
        ("col.p", zh: "p 值", en: "p-value"),
        ("col.std_beta", zh: "标准化系数", en: "Std. beta"),
        ("col.vif", zh: "VIF", en: "VIF"),
        ("col.importance_pct", zh: "重要性占比 %", en: "Importance %"),
        ("col.rank", zh: "排名", en: "Rank"),
        ("col.performance", zh: "表现得分", en: "Performance"),
        ("col.quadrant", zh: "象限", en: "Quadrant"),
        ("col.nps_lift", zh: "提升 1 分的 NPS 变化", en: "NPS change for +1 point"),
        ("quadrant.improve_first", zh: "优先改进（短板）", en: "Improve first"),
        ("quadrant.keep_strength", zh: "保持优势", en: "Keep strength"),
        ("quadrant.watch", zh: "持续观察", en: "Watch"),
        ("quadrant.low_priority", zh: "次要", en: "Low priority"),
        ("driver.network", zh: "网络/通话质量", en: "Network and call quality"),
        ("driver.hall", zh: "营业厅", en: "Service halls"),
        ("driver.hotline", zh: "热线", en: "Hotline"),
        ("driver.billing", zh: "资费透明", en: "Billing transparency"),
        ("driver.new_business", zh: "新业务", en: "New services"),
        ("driver.promotion", zh: "宣传促销", en: "Promotions"),
        ("driver.communication", zh: "客户沟通", en: "Customer communication"),
        ("warn.max_vif", zh: "共线性偏高（最大 VIF > 5）", en: "High collinearity (max VIF > 5)"),
        ("warn.n_small", zh: "样本量不足驱动因素数的 10 倍", en: "Fewer than 10 respondents per driver"),
        ("warn.negative_coef", zh: "系数为负：{0}", en: "Negative coefficient: {0}"),
        ("warn.singular", zh: "模型无法拟合：{0}", en: "Model could not be fitted: {0}"),
        ("warn.none", zh: "无", en: "none"),
        ("chart.axis.importance", zh: "重要性占比 %", en: "Importance %"),
        ("chart.axis.performance", zh: "表现得分", en: "Performance"),

        // Follow-up lists
        ("lists.caption", zh: "{0}：共 {1} 人", en: "{0}: {1} customers"),
        ("lists.first", zh: "前 {0} 行（号码已脱敏）", en: "First {0} rows (numbers masked)"),
        ("lists.empty", zh: "名单为空。", en: "The list is empty."),
        ("lists.summary", zh: "名单人数", en: "List sizes"),
        ("col.list", zh: "名单", en: "List"),
        ("col.count", zh: "人数", en: "Customers"),
        ("col.file", zh: "文件", en: "File"),
        ("list.churn_watch", zh: "离网预警", en: "Churn watch"),
        ("list.detractor_repair", zh: "贬损者修复", en: "Detractor repair"),
        ("list.care_calendar", zh: "关怀日历", en: "Care calendar"),
        ("col.customer_id", zh: "客户编号", en: "Customer id"),
        ("col.msisdn_masked", zh: "号码（脱敏）", en: "Number (masked)"),
        ("col.city", zh: "地市", en: "City"),
        ("col.brand", zh: "品牌", en: "Brand"),
        ("col.vip_level", zh: "VIP 等级", en: "VIP level"),
        ("col.value_tier", zh: "价值层级", en: "Value tier"),
        ("col.arpu_3m_avg", zh: "近三月 ARPU", en: "3-month ARPU"),
        ("col.churn_risk_score", zh: "流失风险分", en: "Churn risk score"),
        ("col.reasons", zh: "风险原因", en: "Risk reasons"),
        ("col.high_value", zh: "中高端", en: "High value"),
        ("col.nps", zh: "推荐意愿", en: "Likelihood to recommend"),
        ("col.weakest", zh: "最弱项", en: "Weakest dimensions"),
        ("col.complaints_3m", zh: "近三月投诉", en: "Complaints (3 months)"),
        ("col.priority", zh: "优先级", en: "Priority"),
        ("col.occasion", zh: "关怀事由", en: "Occasion"),
        ("col.years", zh: "岁数/周年", en: "Age / years"),
        ("reason.bill_drop", zh: "账单下降", en: "bill drop"),
        ("reason.call_forward", zh: "呼叫转移", en: "call forwarding"),
        ("reason.offnet", zh: "异网通话", en: "calls to other operators"),
        ("reason.complaint", zh: "多次投诉", en: "repeated complaints"),
        ("reason.detractor", zh: "贬损者", en: "detractor"),
        ("occasion.birthday", zh: "生日", en: "Birthday"),
        ("occasion.anniversary", zh: "入网周年", en: "Anniversary"),
        ("bool.true", zh: "是", en: "yes"),
        ("bool.false", zh: "否", en: "no"),

        // Data quality
        ("quality.caption", zh: "各来源读取/清洗/隔离行数", en: "Rows read, clean and quarantined per source"),
        ("quality.reasons", zh: "隔离原因", en: "Quarantine reasons"),
        ("quality.unavailable",
         zh: "找不到本月清洗阶段的清单，无法显示数据质量和输入校验和。",
         en: "The cleanse stage's manifest for this month was not found, so data quality and input checksums cannot be shown."),
        ("quality.no_reasons", zh: "没有被隔离的行。", en: "No rows were quarantined."),
        ("col.source", zh: "来源", en: "Source"),
        ("col.read", zh: "读取", en: "Read"),
        ("col.clean", zh: "清洗后", en: "Clean"),
        ("col.quarantined", zh: "隔离", en: "Quarantined"),
        ("col.code", zh: "原因代码", en: "Reason code"),
        ("col.description", zh: "说明", en: "Description"),
        ("col.rows", zh: "行数", en: "Rows"),
        ("source.customers", zh: "客户资料", en: "Customer master"),
        ("source.usage", zh: "账单与用量", en: "Billing and usage"),
        ("source.surveys", zh: "满意度调查", en: "Satisfaction surveys"),
        ("source.complaints", zh: "投诉", en: "Complaints"),
        ("code.MALFORMED_RECORD", zh: "记录格式错误", en: "Malformed record"),
        ("code.MISSING_FIELD", zh: "必填字段为空", en: "Required field empty"),
        ("code.BAD_MSISDN", zh: "号码无效", en: "Invalid phone number"),
        ("code.BAD_NUMBER", zh: "数字无法解析", en: "Unreadable number"),
        ("code.OUT_OF_RANGE", zh: "数值超出范围", en: "Number out of range"),
        ("code.BAD_DATE", zh: "日期无效", en: "Invalid date"),
        ("code.WRONG_MONTH", zh: "日期不在本月", en: "Date outside the month"),
        ("code.BAD_ENUM", zh: "取值不在枚举中", en: "Value not allowed"),
        ("code.UNKNOWN_CUSTOMER", zh: "客户不存在", en: "Unknown customer"),
        ("code.DUPLICATE_KEY", zh: "主键重复", en: "Duplicate key"),

        // Lineage
        ("lineage.inputs", zh: "输入文件校验和", en: "Input file checksums"),
        ("lineage.partitions", zh: "读取的仓库分区", en: "Warehouse partitions read"),
        ("lineage.config", zh: "配置文件", en: "Pipeline file"),
        ("lineage.config_hash", zh: "配置哈希", en: "Config hash"),
        ("lineage.version", zh: "程序版本", en: "Version"),
        ("col.table", zh: "表", en: "Table"),
        ("col.month", zh: "月份", en: "Month"),
        ("col.path", zh: "路径", en: "Path"),
        ("col.sha256", zh: "SHA-256", en: "SHA-256"),

        // Shared
        ("none", zh: "—", en: "—"),
    ]
}
