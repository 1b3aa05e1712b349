import Foundation
import PanoramaCore
import PanoramaGenerate

extension Commands {
    static func generate(_ raw: [String]) throws -> ExitCode {
        var args = Arguments(raw)
        let opts = try args.parse(options: ["--out", "--start", "--months", "--customers", "--seed", "--encoding", "--dirty"], flags: [])
        var out: String?
        var start: String?
        var months = 6, customers = 10_000
        var seed: UInt64 = 1
        var encoding = "utf-8"
        var dirty = 0.01
        for (name, value) in opts {
            let v = value!
            switch name {
            case "--out": out = v
            case "--start":
                guard Month(key: v) != nil else { throw PanoramaError.usage("--start expects YYYY-MM, got `\(v)`") }
                start = v
            case "--months": months = try positiveInt(v, name)
            case "--customers": customers = try positiveInt(v, name)
            case "--seed":
                guard let s = UInt64(v) else { throw PanoramaError.usage("--seed expects a non-negative integer") }
                seed = s
            case "--encoding":
                guard let e = InputEncoding(name: v) else { throw PanoramaError.usage("--encoding is utf-8 or gb18030") }
                encoding = e.rawValue
            case "--dirty":
                guard let d = Double(v), d >= 0, d <= 0.5 else { throw PanoramaError.usage("--dirty expects a rate between 0 and 0.5") }
                dirty = d
            default: break
            }
        }
        guard let out, let start else { throw PanoramaError.usage("generate needs --out DIR and --start YYYY-MM") }
        let options = GeneratorOptions(start: start, months: months, customers: customers, seed: seed,
                                       encoding: encoding, dirtyRate: dirty)
        _ = try SyntheticDeliveryGenerator(options: options).write(to: URL(fileURLWithPath: out))
        FileHandle.standardError.write("generated \(months) months of deliveries for \(customers) customers in \(out) (truth in \(out)/_truth.json)\n".data(using: .utf8)!)
        return .ok
    }

}
