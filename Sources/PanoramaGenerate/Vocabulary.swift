/// Cities, counties and enum spellings of the synthetic province (Hebei-like).
enum Vocabulary {
    struct City {
        let name: String
        let weight: Double
        let counties: [String]
    }

    static let cities: [City] = [
        City(name: "石家庄", weight: 15, counties: ["长安区", "桥西区", "新华区", "裕华区", "正定县", "栾城区", "藁城区", "鹿泉区", "辛集市", "晋州市", "赞皇县"]),
        City(name: "保定", weight: 14, counties: ["竞秀区", "莲池区", "满城区", "涿州市", "定州市", "安国市", "高碑店市", "易县", "涞水县"]),
        City(name: "邯郸", weight: 12, counties: ["邯山区", "丛台区", "复兴区", "武安市", "磁县", "涉县", "永年区", "大名县"]),
        City(name: "唐山", weight: 10, counties: ["路南区", "路北区", "丰润区", "迁安市", "遵化市", "滦州市", "乐亭县", "玉田县"]),
        City(name: "沧州", weight: 10, counties: ["运河区", "新华区", "任丘市", "黄骅市", "河间市", "泊头市", "献县", "沧县"]),
        City(name: "邢台", weight: 9, counties: ["襄都区", "信都区", "南宫市", "沙河市", "临城县", "宁晋县"]),
        City(name: "廊坊", weight: 7, counties: ["安次区", "广阳区", "三河市", "霸州市", "固安县", "香河县", "大厂回族自治县"]),
        City(name: "衡水", weight: 6, counties: ["桃城区", "冀州区", "深州市", "枣强县", "武邑县", "故城县"]),
        City(name: "张家口", weight: 5, counties: ["桥东区", "桥西区", "宣化区", "张北县", "蔚县", "怀来县"]),
        City(name: "承德", weight: 5, counties: ["双桥区", "双滦区", "平泉市", "承德县", "兴隆县", "围场满族蒙古族自治县"]),
        City(name: "秦皇岛", weight: 4, counties: ["海港区", "山海关区", "北戴河区", "昌黎县", "卢龙县"]),
    ]
    static let cityWeights = cities.map(\.weight)
    static let cityBytes: [[UInt8]] = cities.map { Array($0.name.utf8) }
    static let countyBytes: [[[UInt8]]] = cities.map { $0.counties.map { Array($0.utf8) } }

    static let msisdnPrefixes: [String] = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183", "187", "188", "198", "195"]

    static let brands = ["gotone", "mzone", "easyown"]
    static let brandsZh = ["全球通", "动感地带", "神州行"]
    static let vips = ["none", "silver", "gold", "diamond"]
    static let vipsZh = [["普通", "无", ""], ["银卡"], ["金卡"], ["钻石卡"]]
    static let genders = ["M", "F"]
    static let gendersZh = ["男", "女"]
    static let statuses = ["active", "churned"]
    static let statusesZh = ["在网", "离网"]
    static let channels = ["sms", "phone", "hall", "app"]
    static let channelsZh = [["短信"], ["电话"], ["营业厅"], ["APP", "手机营业厅"]]
    static let touchpoints = ["hall_visit", "hotline_call", "plan_change", "new_sim", "device_purchase", "network", "other"]
    static let categories = ["network", "billing", "service", "marketing", "other"]
    static let categoriesZh = ["网络", "资费", "服务", "营销", "其他"]
    static let dimensions = ["network", "hall", "hotline", "billing", "new_business", "promotion", "communication"]
    static let notAnswered = ["", "", "", "99", "99", "N/A", "NA", "不知道", "不知道"]

    static let remarks = [
        "客户要求回访", "已电话核实", "携号转网咨询", "资费疑问，已解释", "客户称\"信号差\"，已派单",
        "夜间来电\n已转二线", "VIP客户，优先处理", "备注：多次来电, 情绪激动", "营业厅代办", "无",
    ]

    static func bytes(_ a: [String]) -> [[UInt8]] { a.map { Array($0.utf8) } }
    static let brandBytes = bytes(brands)
    static let vipBytes = bytes(vips)
    static let genderBytes = bytes(genders)
    static let statusBytes = bytes(statuses)
    static let channelBytes = bytes(channels)
    static let touchpointBytes = bytes(touchpoints)
    static let categoryBytes = bytes(categories)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
