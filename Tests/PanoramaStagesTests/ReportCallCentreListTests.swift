import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// A file opened the way Excel opens a CSV: a UTF-8 byte order mark selects UTF-8, then RFC 4180
/// (CRLF between records, `"` quoting with `""` inside). Written here from the RFC, independently of
/// the project's own CSV code.
private enum ExcelCSV {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func open(_ bytes: [UInt8]) throws -> [[String]] {
        guard bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { throw Failure(description: "no UTF-8 byte order mark") }
        guard let text = String(bytes: bytes.dropFirst(3), encoding: .utf8) else { throw Failure(description: "not UTF-8") }
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { field.unicodeScalars.append("\""); scalars.removeFirst() } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !afterQuote else { throw Failure(description: "quote inside an unquoted field") }
                quoted = true
            case ",":
                record.append(field); field = ""; afterQuote = false
            case "\r":
                guard scalars.popFirst() == "\n" else { throw Failure(description: "CR without LF") }
                record.append(field); records.append(record); record = []; field = ""; afterQuote = false
            case "\n":
                throw Failure(description: "bare LF line break (RFC 4180 wants CRLF)")
            default:
                guard !afterQuote else { throw Failure(description: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        guard !quoted else { throw Failure(description: "file ends inside quotes") }
        guard field.isEmpty && record.isEmpty else { throw Failure(description: "last record without CRLF") }
        return records
    }
}

@Suite("Call-centre list files: for people at desks, opened in Excel")
struct ReportCallCentreListTests {
    private func files(_ language: ReportLanguage, data: ReportData = ReportFixture.data()) -> [String: [[String]]] {
        var out: [String: [[String]]] = [:]
        for file in ReportFixture.render(language, data: data).lists {
            do { out[file.name] = try ExcelCSV.open(file.bytes) } catch { Issue.record("\(file.name): \(error)") }
        }
        return out
    }

    @Test("zh: Chinese headers and values, money with 2 decimals, 是/否, held-out rows and the holdout column left out")
    func chinese() throws {
        let f = files(.zh)
        #expect(f.keys.sorted() == ["care_calendar.csv", "churn_watch.csv", "detractor_repair.csv"])
        let churn = try #require(f["churn_watch.csv"])
        #expect(churn[0] == ["客户编号", "号码（脱敏）", "地市", "品牌", "VIP 等级", "价值层级", "近三月平均 ARPU（元）", "流失风险分", "风险原因"])
        // C0030 is held out: three of the four rows remain.
        #expect(churn.count == 4)
        #expect(churn[1] == ["C0007", "138****0007", "'=HYPERLINK(\"http://evil.example/x\",\"click\")", "全球通", "金卡", "A", "350.50", "75",
                             "账单下降|呼叫转移|异网通话"])
        #expect(churn[2] == ["C0012", "139****0012", "<script>alert(1)</script>", "动感地带", "普通", "B", "130.00", "55", "账单下降|多次投诉|贬损者"])
        #expect(churn[3] == ["'@SUM(A1)", "150****0020", "'-2+3", "神州行", "银卡", "B", "121.00", "50", "'+cmd"])
        #expect(!churn.joined().contains { $0.contains("C0030") })

        let repair = try #require(f["detractor_repair.csv"])
        #expect(repair[0] == ["客户编号", "号码（脱敏）", "地市", "品牌", "VIP 等级", "中高端", "推荐意愿（0–10）", "最弱项", "近三月投诉", "优先级"])
        #expect(repair.dropFirst().map { $0[0] } == ["C0003", "C0016"], "C0015 is held out")
        #expect(repair[1] == ["C0003", "137****0003", "保定", "全球通", "钻石卡", "是", "2", "网络/通话质量|资费透明", "3", "1"])
        #expect(repair[2][5] == "否")

        let care = try #require(f["care_calendar.csv"])
        #expect(care[0] == ["客户编号", "号码（脱敏）", "地市", "VIP 等级", "价值层级", "关怀事由", "岁数/周年"])
        #expect(care.dropFirst().map { $0[5] } == ["在网周年", "生日"])
    }

    @Test("en: English headers and values, yes/no, the same rows")
    func english() throws {
        let f = files(.en)
        let churn = try #require(f["churn_watch.csv"])
        #expect(churn[0] == ["Customer id", "Number (masked)", "City", "Brand", "VIP level", "Value tier", "3-month ARPU (yuan)",
                             "Churn risk score", "Risk reasons"])
        #expect(churn[1][3...4] == ["GoTone", "Gold"])
        #expect(churn[1][8] == "bill drop|call forwarding|calls to other operators")
        let repair = try #require(f["detractor_repair.csv"])
        #expect(repair[1][5] == "yes" && repair[2][5] == "no")
        #expect(f["care_calendar.csv"]?.dropFirst().map { $0[5] } == ["Tenure anniversary", "Birthday"])
    }

    @Test("the file's row count is the rows written; a list without a holdout column keeps every row")
    func counts() {
        let lists = ReportFixture.render().lists
        #expect(lists.map(\.rows) == [3, 2, 2])
        var data = ReportFixture.data()
        data.lists[0] = FollowUpList(name: "churn_watch", table: ColumnarTable.fixture(
            header: ["customer_id", "msisdn_masked", "city", "brand", "vip_level", "value_tier", "arpu_3m_avg", "churn_risk_score", "reasons"],
            cells: ["C1", "138****0001", "保定", "gotone", "gold", "A", "300", "60", "offnet"]))
        #expect(ReportFixture.render(data: data).lists[0].rows == 1)
    }

    @Test("cells starting with a tab or a carriage return are neutralised and survive quoting")
    func tabAndCarriageReturn() throws {
        var data = ReportFixture.data()
        let header = data.lists[1].table.header
        data.lists[1] = FollowUpList(name: "detractor_repair", table: ColumnarTable.fixture(header: header, cells: [
            "C1", "138****0001", "\t=cmd", "gotone", "gold", "true", "3", "", "0", "1", "false",
            "C2", "138****0002", "\r\n@x", "mzone", "none", "false", "4", "", "0", "3", "false",
        ]))
        let repair = try #require(files(.zh, data: data)["detractor_repair.csv"])
        #expect(repair[1][2] == "'\t=cmd")
        #expect(repair[2][2] == "'\r\n@x")
    }
}
